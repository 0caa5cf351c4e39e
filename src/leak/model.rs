//! The leak report's data: what `leak::build` computes from the events of
//! a run, and what every writer (tables, summary.json, report.html, the
//! terminal summary) renders. Plain data, no I/O.

use serde::Serialize;

use crate::time::Micros;

/// Instants as ISO 8601 UTC in JSON, as in every other report.
pub(crate) fn iso_time<S: serde::Serializer>(t: &Option<Micros>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&crate::time::format_utc(*t)),
        None => s.serialize_none(),
    }
}

/// What became of one misdirected delivery (README, "Definitions").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Accepted by the remote server: the mail left.
    Leaked,
    /// Bounced, expired or rejected: tried, not delivered.
    Attempted,
    /// Deferred with no final outcome in the logs.
    Pending,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Leaked => "leaked",
            Outcome::Attempted => "attempted",
            Outcome::Pending => "pending",
        }
    }
}

/// Shared text of the events: a run with many events repeats the same
/// senders, recipients, domains, hosts and message fields over and over,
/// and each distinct string is kept once (see `leak::build`). One pointer
/// wide (an `Arc<str>` is two), since an event holds sixteen of them.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(pub(super) std::sync::Arc<String>);

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(std::sync::Arc::new(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(std::sync::Arc::new(s.to_string()))
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One misdirected delivery: one recipient at a lookalike domain.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub time: Micros,
    /// Input file (path as in the manifest) and line of the status line.
    pub file: Text,
    pub line: u64,
    pub host: Text,
    pub queue_id: Text,
    pub message_id: Text,
    pub sender: Text,
    pub recipient: Text,
    /// The recipient's local part at the intended domain.
    pub meant: Text,
    pub lookalike: Text,
    pub intended: Text,
    pub kind: Text,
    pub pattern: Text,
    /// Delivery status as logged (`sent`, `bounced`, `deferred`, `expired`).
    pub status: &'static str,
    pub outcome: Outcome,
    pub dsn: Text,
    pub relay: Text,
    /// The receiving server's reply, as logged.
    pub reply: Text,
    /// The message's subject (encoded words decoded; empty when the logs
    /// carry none, with `--no-subjects`, or, with `--redact`, its marking
    /// in brackets).
    pub subject: Text,
    /// The subject's protective marking (`leak::markings`), or
    /// `(unmarked)`, or `(no subject logged)`.
    pub marking: Text,
    pub size: Option<u64>,
    /// The recipient address is sticky (see [`RecipientRow::sticky`]).
    pub sticky: bool,
    /// Identifies the message within the run (distinct-message counts).
    pub message_key: u64,
}

/// The measures every grouping (cluster, pattern, lookalike, total) has.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Measures {
    /// Distinct messages with at least one misdirected delivery.
    pub messages_attempted: u64,
    /// Distinct messages with at least one leaked delivery.
    pub messages_leaked: u64,
    pub deliveries: u64,
    pub deliveries_sent: u64,
    pub deliveries_bounced: u64,
    pub deliveries_expired: u64,
    pub deliveries_pending: u64,
    /// Sizes of leaked messages, each once per group.
    pub bytes_leaked: u64,
    /// Leaked messages whose size is unknown (not in `bytes_leaked`).
    pub leaked_messages_without_size: u64,
    pub senders: u64,
    /// Of the senders, those with a leaked delivery.
    pub senders_leaked: u64,
    pub recipients: u64,
    #[serde(serialize_with = "iso_time")]
    pub first_seen: Option<Micros>,
    #[serde(serialize_with = "iso_time")]
    pub last_seen: Option<Micros>,
    #[serde(serialize_with = "iso_time")]
    pub first_leak: Option<Micros>,
    #[serde(serialize_with = "iso_time")]
    pub last_leak: Option<Micros>,
}

/// One intended domain with all its lookalikes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterRow {
    pub intended: String,
    pub lookalikes: Vec<String>,
    pub measures: Measures,
    /// Messages to the intended domain itself (from the census).
    pub intended_messages: u64,
    /// Misdirected messages / (those + messages to the intended domain).
    pub astray_share: f64,
}

/// One edit pattern across intended domains (`*.mil -> *.ml`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatternRow {
    pub pattern: String,
    pub kind: String,
    pub intended: Vec<String>,
    pub lookalikes: Vec<String>,
    pub measures: Measures,
}

/// One month of one cluster.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineRow {
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub intended: String,
    pub attempted: u64,
    pub leaked: u64,
    pub bytes_leaked: u64,
}

/// Whether a sender row is one address or a whole sender domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SenderScope {
    Address,
    Domain,
}

/// One sender address or sender domain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SenderRow {
    pub scope: SenderScope,
    pub sender: String,
    /// In an organisation domain.
    pub in_org: bool,
    pub deliveries: u64,
    pub leaked: u64,
    pub messages_leaked: u64,
    pub bytes_leaked: u64,
    pub lookalikes: u64,
    pub sticky_recipients: u64,
    #[serde(serialize_with = "iso_time")]
    pub first_seen: Option<Micros>,
    #[serde(serialize_with = "iso_time")]
    pub last_seen: Option<Micros>,
}

/// One recipient address at a lookalike domain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecipientRow {
    pub recipient: String,
    pub meant: String,
    pub lookalike: String,
    pub intended: String,
    pub deliveries: u64,
    pub leaked: u64,
    pub senders: u64,
    /// Distinct UTC days with a delivery.
    pub days: u64,
    #[serde(serialize_with = "iso_time")]
    pub first_seen: Option<Micros>,
    #[serde(serialize_with = "iso_time")]
    pub last_seen: Option<Micros>,
    /// Hit on at least [`super::STICKY_MIN_DAYS`] days spanning at least
    /// [`super::STICKY_MIN_SPAN_DAYS`] days: a saved wrong address.
    pub sticky: bool,
}

/// The messages of one marking in one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MarkingRow {
    /// `total`, `cluster` or `pattern`.
    pub scope: &'static str,
    /// The cluster's intended domain or the pattern (empty for `total`).
    pub group: String,
    pub marking: String,
    pub measures: Measures,
}

/// Where the organisation's own domains came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrgDomains {
    pub domains: Vec<String>,
    /// `given` (--org-domain) or `inferred` (from local deliveries).
    pub source: &'static str,
}

/// The headline numbers (summary.json, the report's first sentence).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Headline {
    pub measures: Measures,
    pub lookalike_domains: u64,
    pub clusters: u64,
    /// The pattern with the most leaked messages, if any leaked.
    pub top_pattern: Option<String>,
    /// The cluster with the most leaked messages, if any leaked.
    pub top_cluster: Option<String>,
    /// The last leak is within [`super::ACTIVE_DAYS`] days of the end of
    /// the logs: it may still be happening.
    pub still_active: bool,
    /// The last log line of the run (what "still" is measured against).
    pub logs_end: Option<Micros>,
    pub logs_start: Option<Micros>,
}

/// Everything the leak reports show.
#[derive(Clone, Debug, PartialEq)]
pub struct LeakReport {
    pub headline: Headline,
    pub org: OrgDomains,
    /// Sorted by time, then file and line.
    pub events: Vec<Event>,
    /// Sorted by leaked messages, then attempted, then name.
    pub clusters: Vec<ClusterRow>,
    pub patterns: Vec<PatternRow>,
    /// Sorted by month, then cluster.
    pub timeline: Vec<TimelineRow>,
    pub senders: Vec<SenderRow>,
    pub recipients: Vec<RecipientRow>,
    /// Misdirected deliveries per kind: (kind, deliveries, leaked).
    pub kinds: Vec<(String, u64, u64)>,
    /// Leaked and attempted messages by marking: in total, per cluster and
    /// per pattern.
    pub markings: Vec<MarkingRow>,
    /// Whether any message had a subject in the logs.
    pub subjects_logged: bool,
    /// `--no-subjects`: no report shows a subject.
    pub subjects_omitted: bool,
    /// The servers that accepted leaked mail, most leaked messages first.
    pub receivers: Vec<super::receivers::ReceiverRow>,
    /// Leaked messages whose receiving server the logs do not name.
    pub leaked_without_receiver: u64,
    /// Local parts were replaced by keyed hashes.
    pub redacted: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_stay_small() {
        // A run can hold millions of events: each byte here is megabytes.
        assert_eq!(std::mem::size_of::<Text>(), 8);
        assert!(
            std::mem::size_of::<Event>() <= 216,
            "{}",
            std::mem::size_of::<Event>()
        );
    }

    #[test]
    fn text_reads_compares_and_hashes_like_its_string() {
        use std::collections::HashSet;
        let a = Text::from("army.ml");
        let b = Text::from(String::from("army.ml"));
        assert_eq!(a, b);
        assert_eq!(&*a, "army.ml");
        assert!(Text::from("a") < Text::from("b"));
        assert_eq!(format!("{a} {a:?}"), "army.ml \"army.ml\"");
        let set: HashSet<Text> = [a].into_iter().collect();
        assert!(set.contains("army.ml"));
    }
}
