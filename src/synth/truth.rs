//! The ground truth of a synthetic archive: every recipient with the domain
//! that was meant and the kind of slip, the lookalikes and how each answers,
//! and the per-domain totals a correct `scan` must reproduce exactly (by the
//! definitions of domains.csv).

use std::collections::{BTreeMap, BTreeSet};

/// A recipient's final outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Bounced,
    Expired,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Bounced => "bounced",
            Outcome::Expired => "expired",
        }
    }
}

/// One recipient of one message.
#[derive(Clone, Debug)]
pub struct TruthRow {
    pub day: String,
    pub queue_id: String,
    pub sender: String,
    pub recipient: String,
    pub domain: String,
    pub intended: String,
    /// The kind of slip (empty when the domain is the one meant).
    pub kind: &'static str,
    /// `intended`, `internal`, `misdirected`, `misdirected-sticky` or
    /// `legitimate-neighbour`.
    pub class: &'static str,
    pub outcome: Outcome,
    pub size: u64,
    /// The message's protective marking as written in its subject, or
    /// `(unmarked)`, or `(no subject logged)` where the format logs none.
    pub marking: &'static str,
}

pub const TRUTH_HEADER: &str =
    "day,queue_id,sender,recipient,domain,intended,kind,class,outcome,size,marking";

impl TruthRow {
    pub fn csv(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{}",
            self.day,
            self.queue_id,
            self.sender,
            self.recipient,
            self.domain,
            self.intended,
            self.kind,
            self.class,
            self.outcome.as_str(),
            self.size,
            self.marking
        );
    }
}

/// Expected statistics of one recipient domain.
#[derive(Clone, Debug, Default)]
pub struct Expected {
    pub messages: u64,
    pub recipients: BTreeSet<String>,
    pub sent: u64,
    pub bounced: u64,
    pub expired: u64,
    pub bytes_sent: u64,
    pub senders: BTreeSet<String>,
}

/// Expected statistics per domain; mergeable.
#[derive(Clone, Debug, Default)]
pub struct DomainTotals(pub BTreeMap<String, Expected>);

impl DomainTotals {
    /// Counts one message from `sender` (empty: the null sender) of `size`
    /// bytes with its recipients (domain, local part, outcome).
    pub fn message<'a>(
        &mut self,
        sender: &str,
        size: u64,
        rcpts: impl Iterator<Item = (&'a str, &'a str, Outcome)>,
    ) {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut paid: BTreeSet<&str> = BTreeSet::new();
        for (domain, local, outcome) in rcpts {
            let e = self.0.entry(domain.to_string()).or_default();
            if seen.insert(domain) {
                e.messages += 1;
                e.senders.insert(sender.to_string());
            }
            e.recipients.insert(local.to_string());
            match outcome {
                Outcome::Sent => {
                    e.sent += 1;
                    if paid.insert(domain) {
                        e.bytes_sent += size;
                    }
                }
                Outcome::Bounced => e.bounced += 1,
                Outcome::Expired => e.expired += 1,
            }
        }
    }

    pub fn merge(&mut self, other: DomainTotals) {
        for (d, o) in other.0 {
            let e = self.0.entry(d).or_default();
            e.messages += o.messages;
            e.recipients.extend(o.recipients);
            e.sent += o.sent;
            e.bounced += o.bounced;
            e.expired += o.expired;
            e.bytes_sent += o.bytes_sent;
            e.senders.extend(o.senders);
        }
    }

    /// `expected-domains.csv`, in the columns of `domains.csv`.
    pub fn csv(&self) -> String {
        let mut s = String::from(
            "domain,messages,recipients,deliveries_sent,deliveries_bounced,deliveries_deferred,deliveries_expired,bytes_sent,senders\n",
        );
        for (d, e) in &self.0 {
            s.push_str(&format!(
                "{d},{},{},{},{},0,{},{},{}\n",
                e.messages,
                e.recipients.len(),
                e.sent,
                e.bounced,
                e.expired,
                e.bytes_sent,
                e.senders.len()
            ));
        }
        s
    }
}

/// Per intended domain, over all its lookalikes: messages with a recipient
/// at one (attempted), messages with one delivered (leaked), and the bytes
/// of the leaked ones, once per message; and the same per marking.
#[derive(Clone, Debug, Default)]
pub struct ClusterTotals(
    pub BTreeMap<String, (u64, u64, u64)>,
    pub BTreeMap<(String, &'static str), (u64, u64, u64)>,
);

impl ClusterTotals {
    /// Adds the rows of a day (rows of one message are consecutive).
    pub fn add_rows(&mut self, rows: &[TruthRow]) {
        let mut i = 0;
        while i < rows.len() {
            let mut j = i;
            while j < rows.len() && rows[j].queue_id == rows[i].queue_id {
                j += 1;
            }
            let mut per: BTreeMap<&str, bool> = BTreeMap::new();
            for r in &rows[i..j] {
                if r.class.starts_with("misdirected") {
                    *per.entry(&r.intended).or_default() |= r.outcome == Outcome::Sent;
                }
            }
            for (intended, leaked) in per {
                let size = rows[i].size;
                let add = |e: &mut (u64, u64, u64)| {
                    e.0 += 1;
                    if leaked {
                        e.1 += 1;
                        e.2 += size;
                    }
                };
                add(self.0.entry(intended.to_string()).or_default());
                add(self
                    .1
                    .entry((intended.to_string(), rows[i].marking))
                    .or_default());
            }
            i = j;
        }
    }

    pub fn csv(&self) -> String {
        let mut s = String::from("intended,messages_attempted,messages_leaked,bytes_leaked\n");
        for (d, (a, l, b)) in &self.0 {
            s.push_str(&format!("{d},{a},{l},{b}\n"));
        }
        s
    }

    /// `expected-markings.csv`: the rows of markings.csv with `scope` =
    /// `cluster`.
    pub fn markings_csv(&self) -> String {
        let mut s =
            String::from("intended,marking,messages_attempted,messages_leaked,bytes_leaked\n");
        for ((d, m), (a, l, b)) in &self.1 {
            s.push_str(&format!("{d},{m},{a},{l},{b}\n"));
        }
        s
    }
}
