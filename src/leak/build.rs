//! Building the leak report: delivery records of the lookalike domains in,
//! events and every grouping of them out.
//!
//! Everything is computed from the complete list of events, so each number
//! in a grouping can be traced to the event rows behind it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::ledger::Record;
use super::markings::{marked, marking_rows, subject, Markings, NO_SUBJECT};
use super::measure::{by_leaks, measure_by, Acc};
use super::model::*;
use super::record_list::RecordList;
use super::redact::RedactKey;
use super::{ACTIVE_DAYS, STICKY_MIN_DAYS, STICKY_MIN_SPAN_DAYS};
use crate::aggregate::Census;
use crate::lookalike::Finding;
use crate::parse::Status;
use crate::time::{format_utc_month, Micros, DAY};

/// What the leak report is built from.
pub struct LeakInputs<'a> {
    pub findings: &'a [Finding],
    /// Every delivery to a lookalike, with its domain.
    pub records: RecordList,
    pub census: &'a Census,
    /// Input paths, by file index.
    pub paths: &'a [String],
    /// `--org-domain`s; empty = infer them.
    pub org_given: &'a [String],
    pub redact: Option<&'a RedactKey>,
    pub markings: &'a Markings,
    /// `--no-subjects`: subjects are left out of every report.
    pub no_subjects: bool,
    /// First and last log line of the run.
    pub logs: (Option<Micros>, Option<Micros>),
}

/// Shown for a sender whose arrival line was in no input.
pub const UNKNOWN_SENDER: &str = "(unknown)";

/// The organisation's domains: given, or those whose mail is mostly
/// delivered to mailboxes on the logging hosts.
pub fn org_domains(census: &Census, given: &[String]) -> OrgDomains {
    if !given.is_empty() {
        return OrgDomains {
            domains: given.to_vec(),
            source: "given",
        };
    }
    let mut domains: Vec<String> = census
        .iter()
        // An empty domain holds unqualified local mailboxes (Sendmail's
        // `to=root`): no domain to name.
        .filter(|(d, s)| {
            let all: u64 = s.deliveries.iter().sum();
            !d.is_empty() && s.deliveries_local > 0 && s.deliveries_local * 2 >= all
        })
        .map(|(d, _)| String::from_utf8_lossy(d).into_owned())
        .collect();
    domains.sort();
    OrgDomains {
        domains,
        source: "inferred",
    }
}

/// The edit pattern of a finding: `*.mil -> *.ml` when only the public
/// suffix changed, else the kind of slip (`missing-dot`, `transposition`).
pub fn pattern(f: &Finding) -> String {
    let kind = f.class.detail();
    let reg = crate::domain::registrable(&f.intended);
    if let Some(dot) = reg.find('.') {
        let suffix = &reg[dot + 1..];
        let stem = &f.intended[..f.intended.len() - suffix.len()];
        if let Some(tail) = f.domain.strip_prefix(stem) {
            if !tail.is_empty() && tail != suffix && !stem.is_empty() {
                return format!("*.{suffix} -> *.{tail}");
            }
        }
    }
    kind
}

fn outcome(s: Option<Status>) -> (Outcome, &'static str) {
    match s {
        Some(Status::Sent) => (Outcome::Leaked, "sent"),
        Some(Status::Bounced) => (Outcome::Attempted, "bounced"),
        Some(Status::Expired) => (Outcome::Attempted, "expired"),
        Some(Status::Deferred) | None => (Outcome::Pending, "deferred"),
    }
}

/// Log text for a report: control characters and invalid bytes written as
/// `\xNN`, so no report carries a terminal escape sequence, in CSV or
/// Parquet alike. (The raw line is one `file:line` away.)
fn text(b: &[u8]) -> String {
    crate::report::text::escape_for_display(b)
}

/// Builds the report.
pub fn build(inp: LeakInputs<'_>) -> LeakReport {
    let org = org_domains(inp.census, inp.org_given);
    let org_set: HashSet<&str> = org.domains.iter().map(String::as_str).collect();
    let by_domain: HashMap<&str, &Finding> = inp
        .findings
        .iter()
        .filter(|f| !org_set.contains(f.domain.as_str()))
        .map(|f| (f.domain.as_str(), f))
        .collect();
    let mut texts = Interner::default();
    let by_domain: HashMap<&str, Meant> = by_domain
        .into_iter()
        .map(|(d, f)| (d, Meant::new(f, &mut texts)))
        .collect();
    let files: Vec<Text> = inp.paths.iter().map(|p| texts.get(p)).collect();
    // Exactly as many as there are records (at most): a vector grown by
    // doubling would hold up to twice the room, and both while it grows.
    let mut events: Vec<Event> = Vec::with_capacity(inp.records.len());
    events.extend(inp.records.iter().filter_map(|(d, r)| {
        let mut e = event(by_domain.get(d)?, &r, &files, &mut texts);
        let (subject, marking) = subject(&r.subject, inp.markings);
        (e.subject, e.marking) = (texts.owned(subject), texts.owned(marking));
        Some(e)
    }));
    drop(inp.records);
    let subjects_logged = events.iter().any(|e| &*e.marking != NO_SUBJECT);
    events.sort_by(|a, b| {
        (a.time, &a.file, a.line, &a.recipient).cmp(&(b.time, &b.file, b.line, &b.recipient))
    });
    if let Some(key) = inp.redact {
        // Each distinct address is redacted once, and stays shared.
        let mut redacted: HashMap<Text, Text> = HashMap::new();
        let mut redact = |a: &Text| {
            redacted
                .entry(a.clone())
                .or_insert_with(|| texts.owned(key.address(a)))
                .clone()
        };
        for e in &mut events {
            if &*e.sender != UNKNOWN_SENDER {
                e.sender = redact(&e.sender);
            }
            e.recipient = redact(&e.recipient);
            e.meant = redact(&e.meant);
        }
        for e in &mut events {
            // Subjects are personal data: only their marking stays.
            e.subject = texts.owned(marked(&e.marking));
        }
    }
    if inp.no_subjects {
        let none = texts.get("");
        for e in &mut events {
            e.subject = none.clone();
        }
    }
    drop(texts);
    let recipients = recipients(&events);
    let sticky: HashSet<&str> = recipients
        .iter()
        .filter(|r| r.sticky)
        .map(|r| r.recipient.as_str())
        .collect();
    for e in &mut events {
        e.sticky = sticky.contains(&*e.recipient);
    }
    let clusters = clusters(&events, inp.census);
    let patterns = patterns(&events);
    let mut all = Acc::default();
    events.iter().for_each(|e| all.add(e));
    let measures = all.finish();
    let leaking = |name: Option<&String>, m: &Measures| {
        (m.messages_leaked > 0).then(|| name.cloned()).flatten()
    };
    let headline = Headline {
        lookalike_domains: events
            .iter()
            .map(|e| &e.lookalike)
            .collect::<HashSet<_>>()
            .len() as u64,
        clusters: clusters.len() as u64,
        top_pattern: patterns
            .first()
            .and_then(|p| leaking(Some(&p.pattern), &p.measures)),
        top_cluster: clusters
            .first()
            .and_then(|c| leaking(Some(&c.intended), &c.measures)),
        still_active: match (measures.last_leak, inp.logs.1) {
            (Some(l), Some(end)) => end - l <= ACTIVE_DAYS as i64 * DAY,
            _ => false,
        },
        logs_start: inp.logs.0,
        logs_end: inp.logs.1,
        measures,
    };
    let senders = senders(&events, &org_set, &sticky);
    drop(org_set);
    LeakReport {
        headline,
        org,
        timeline: timeline(&events),
        senders,
        kinds: kinds(&events),
        markings: marking_rows(&events, inp.markings),
        subjects_logged,
        subjects_omitted: inp.no_subjects,
        receivers: super::receivers::receivers(&events),
        leaked_without_receiver: super::receivers::leaked_without_receiver(&events),
        clusters,
        patterns,
        recipients,
        redacted: inp.redact.is_some(),
        events,
    }
}

/// Keeps each distinct string of the events once: the events of a long
/// leak repeat the same few senders, recipients, hosts and replies, and a
/// message's fields are shared by all its recipients.
#[derive(Default)]
struct Interner(HashSet<Text>);

impl Interner {
    fn get(&mut self, s: &str) -> Text {
        if let Some(t) = self.0.get(s) {
            return t.clone();
        }
        let t = Text::from(s);
        self.0.insert(t.clone());
        t
    }

    fn owned(&mut self, s: String) -> Text {
        if let Some(t) = self.0.get(s.as_str()) {
            return t.clone();
        }
        let t = Text::from(s);
        self.0.insert(t.clone());
        t
    }
}

/// What every event of one lookalike domain shares.
struct Meant {
    lookalike: Text,
    intended: Text,
    kind: Text,
    pattern: Text,
}

impl Meant {
    fn new(f: &Finding, texts: &mut Interner) -> Meant {
        Meant {
            lookalike: texts.get(&f.domain),
            intended: texts.get(&f.intended),
            kind: texts.owned(f.class.detail()),
            pattern: texts.owned(pattern(f)),
        }
    }
}

fn event(m: &Meant, r: &Record, files: &[Text], texts: &mut Interner) -> Event {
    let (outcome, status) = outcome(r.status);
    let local = text(&r.local);
    let mut t = |b: &[u8]| texts.owned(text(b));
    Event {
        time: r.time,
        file: files
            .get(r.at.file as usize)
            .cloned()
            .unwrap_or_else(|| t(b"")),
        line: r.at.line,
        host: t(&r.host),
        queue_id: t(&r.queue_id),
        message_id: t(&r.message_id),
        sender: if r.sender_known {
            t(&r.sender)
        } else {
            t(UNKNOWN_SENDER.as_bytes())
        },
        recipient: texts.owned(format!("{local}@{}", m.lookalike)),
        meant: texts.owned(format!("{local}@{}", m.intended)),
        lookalike: m.lookalike.clone(),
        intended: m.intended.clone(),
        kind: m.kind.clone(),
        pattern: m.pattern.clone(),
        status,
        outcome,
        dsn: texts.owned(text(&r.dsn)),
        relay: texts.owned(text(&r.relay)),
        reply: texts.owned(text(&r.reply)),
        subject: Text::from(""),
        marking: Text::from(""),
        size: r.size,
        sticky: false,
        message_key: r.message_key,
    }
}

fn clusters(events: &[Event], census: &Census) -> Vec<ClusterRow> {
    let mut lookalikes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in events {
        lookalikes
            .entry(&e.intended)
            .or_default()
            .insert(&e.lookalike);
    }
    let mut rows: Vec<ClusterRow> = measure_by(events, |e| vec![e.intended.clone()])
        .into_iter()
        .map(|(intended, measures)| {
            let intended_messages = census.domain(&intended).map_or(0, |s| s.messages);
            let astray = measures.messages_attempted;
            ClusterRow {
                lookalikes: lookalikes[&*intended]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                astray_share: astray as f64 / (astray + intended_messages).max(1) as f64,
                intended: intended.to_string(),
                intended_messages,
                measures,
            }
        })
        .collect();
    by_leaks(&mut rows, |r| (&r.measures, &r.intended));
    rows
}

fn patterns(events: &[Event]) -> Vec<PatternRow> {
    /// Intended domains, lookalikes and kinds of a pattern.
    type Members<'a> = (BTreeSet<&'a str>, BTreeSet<&'a str>, BTreeSet<&'a str>);
    let mut members: BTreeMap<&str, Members<'_>> = BTreeMap::new();
    for e in events {
        let m = members.entry(&e.pattern).or_default();
        m.0.insert(&e.intended);
        m.1.insert(&e.lookalike);
        m.2.insert(&e.kind);
    }
    let list = |s: &BTreeSet<&str>| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut rows: Vec<PatternRow> = measure_by(events, |e| vec![e.pattern.clone()])
        .into_iter()
        .map(|(pattern, measures)| {
            let m = &members[&*pattern];
            PatternRow {
                kind: list(&m.2).join(" "),
                intended: list(&m.0),
                lookalikes: list(&m.1),
                pattern: pattern.to_string(),
                measures,
            }
        })
        .collect();
    by_leaks(&mut rows, |r| (&r.measures, &r.pattern));
    rows
}

fn timeline(events: &[Event]) -> Vec<TimelineRow> {
    measure_by(events, |e| {
        vec![(format_utc_month(e.time), e.intended.clone())]
    })
    .into_iter()
    .map(|((month, intended), m)| TimelineRow {
        month,
        intended: intended.to_string(),
        attempted: m.messages_attempted,
        leaked: m.messages_leaked,
        bytes_leaked: m.bytes_leaked,
    })
    .collect()
}

fn sender_domain(sender: &str) -> String {
    match sender.rfind('@') {
        Some(at) => sender[at + 1..].to_string(),
        None if sender == UNKNOWN_SENDER => sender.to_string(),
        None => String::new(),
    }
}

fn senders(events: &[Event], org: &HashSet<&str>, sticky: &HashSet<&str>) -> Vec<SenderRow> {
    #[derive(Default)]
    struct S<'a> {
        acc: Acc,
        leaked: u64,
        lookalikes: HashSet<&'a str>,
        sticky: HashSet<&'a str>,
    }
    let mut groups: BTreeMap<(SenderScope, Text), S<'_>> = BTreeMap::new();
    for e in events {
        for key in [
            (SenderScope::Address, e.sender.clone()),
            (SenderScope::Domain, sender_domain(&e.sender).into()),
        ] {
            let s = groups.entry(key).or_default();
            s.acc.add(e);
            s.leaked += u64::from(e.outcome == Outcome::Leaked);
            s.lookalikes.insert(&e.lookalike);
            if sticky.contains(&*e.recipient) {
                s.sticky.insert(&e.recipient);
            }
        }
    }
    let mut rows: Vec<SenderRow> = groups
        .into_iter()
        .map(|((scope, sender), s)| {
            let m = s.acc.finish();
            SenderRow {
                in_org: match scope {
                    SenderScope::Address => org.contains(sender_domain(&sender).as_str()),
                    SenderScope::Domain => org.contains(&*sender),
                },
                scope,
                sender: sender.to_string(),
                deliveries: m.deliveries,
                leaked: s.leaked,
                messages_leaked: m.messages_leaked,
                bytes_leaked: m.bytes_leaked,
                lookalikes: s.lookalikes.len() as u64,
                sticky_recipients: s.sticky.len() as u64,
                first_seen: m.first_seen,
                last_seen: m.last_seen,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.scope, b.leaked, b.deliveries, &a.sender).cmp(&(
            b.scope,
            a.leaked,
            a.deliveries,
            &b.sender,
        ))
    });
    rows
}

fn recipients(events: &[Event]) -> Vec<RecipientRow> {
    #[derive(Default)]
    struct R<'a> {
        e: Option<&'a Event>,
        deliveries: u64,
        leaked: u64,
        senders: HashSet<&'a str>,
        days: BTreeSet<i64>,
        first: Option<Micros>,
        last: Option<Micros>,
    }
    let mut groups: BTreeMap<&str, R<'_>> = BTreeMap::new();
    for e in events {
        let r = groups.entry(&e.recipient).or_default();
        r.e.get_or_insert(e);
        r.deliveries += 1;
        r.leaked += u64::from(e.outcome == Outcome::Leaked);
        r.senders.insert(&e.sender);
        r.days.insert(e.time.div_euclid(DAY));
        r.first = Some(r.first.map_or(e.time, |f| f.min(e.time)));
        r.last = Some(r.last.map_or(e.time, |l| l.max(e.time)));
    }
    let mut rows: Vec<RecipientRow> = groups
        .into_iter()
        .filter_map(|(recipient, r)| {
            let e = r.e?;
            let span = match (r.days.first(), r.days.last()) {
                (Some(a), Some(b)) => (b - a) as u64,
                _ => 0,
            };
            Some(RecipientRow {
                recipient: recipient.to_string(),
                meant: e.meant.to_string(),
                lookalike: e.lookalike.to_string(),
                intended: e.intended.to_string(),
                deliveries: r.deliveries,
                leaked: r.leaked,
                senders: r.senders.len() as u64,
                days: r.days.len() as u64,
                first_seen: r.first,
                last_seen: r.last,
                sticky: r.days.len() as u64 >= STICKY_MIN_DAYS && span >= STICKY_MIN_SPAN_DAYS,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.sticky, b.leaked, b.deliveries, &a.recipient).cmp(&(
            a.sticky,
            a.leaked,
            a.deliveries,
            &b.recipient,
        ))
    });
    rows
}

fn kinds(events: &[Event]) -> Vec<(String, u64, u64)> {
    let mut m: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for e in events {
        let k = m.entry(&e.kind).or_default();
        k.0 += 1;
        k.1 += u64::from(e.outcome == Outcome::Leaked);
    }
    let mut v: Vec<(String, u64, u64)> = m
        .into_iter()
        .map(|(k, (a, b))| (k.to_string(), a, b))
        .collect();
    v.sort_by(|a, b| (b.1, &a.0).cmp(&(a.1, &b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interner_keeps_each_string_once() {
        let mut texts = Interner::default();
        let a = texts.get("john@army.ml");
        let b = texts.owned(String::from("john@army.ml"));
        let c = texts.get("jane@army.ml");
        assert!(std::sync::Arc::ptr_eq(&a.0, &b.0));
        assert!(!std::sync::Arc::ptr_eq(&a.0, &c.0));
        assert_eq!(texts.0.len(), 2);
    }
}
