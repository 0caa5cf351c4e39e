//! `summary.json`: the headline numbers of the leak, machine-readable,
//! with the definitions they follow and whether they are complete.

use serde::Serialize;

use super::run_json::LeakRun;
use crate::leak::{Headline, LeakReport, Measures, OrgDomains};
use crate::time::{format_utc, Micros};

#[derive(Serialize)]
pub struct SummaryJson<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    /// The headline as one sentence.
    pub headline: String,
    pub totals: &'a Measures,
    pub lookalike_domains: u64,
    pub clusters: u64,
    pub top_pattern: Option<&'a str>,
    pub top_cluster: Option<&'a str>,
    pub still_active: bool,
    pub logs_start: Option<String>,
    pub logs_end: Option<String>,
    pub first_leak: Option<String>,
    pub last_leak: Option<String>,
    pub org_domains: &'a OrgDomains,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    pub redacted: bool,
    /// Whether every misdirected delivery is counted (see run.json).
    pub complete: bool,
    pub by_cluster: Vec<Short<'a>>,
    pub by_pattern: Vec<Short<'a>>,
    /// Whether the logs carried subjects (markings can be told).
    pub subjects_logged: bool,
    /// Misdirected messages by the protective marking of their subject.
    pub by_marking: Vec<Short<'a>>,
    /// The servers that accepted leaked mail (receivers.csv has them all).
    pub top_receivers: Vec<Receiver<'a>>,
    /// Leaked messages whose receiving server the logs do not name.
    pub leaked_without_receiver: u64,
    pub definitions: Definitions,
}

/// One cluster or pattern, briefly.
#[derive(Serialize)]
pub struct Short<'a> {
    pub name: &'a str,
    pub lookalikes: &'a [String],
    pub messages_attempted: u64,
    pub messages_leaked: u64,
    pub bytes_leaked: u64,
    pub senders: u64,
    pub senders_leaked: u64,
    pub first_leak: Option<String>,
    pub last_leak: Option<String>,
}

/// One receiving server, briefly.
#[derive(Serialize)]
pub struct Receiver<'a> {
    pub receiver: &'a str,
    pub ips: &'a [String],
    pub lookalikes: &'a [String],
    pub messages_leaked: u64,
    pub bytes_leaked: u64,
    pub catch_all_lookalikes: &'a [String],
    pub group: u32,
}

#[derive(Serialize)]
pub struct Definitions {
    pub leaked: &'static str,
    pub attempted: &'static str,
    pub pending: &'static str,
    pub messages_leaked: &'static str,
    pub bytes_leaked: &'static str,
    pub leaving: &'static str,
}

fn time(t: Option<Micros>) -> Option<String> {
    t.map(format_utc)
}

fn short<'a>(name: &'a str, lookalikes: &'a [String], m: &Measures) -> Short<'a> {
    Short {
        name,
        lookalikes,
        messages_attempted: m.messages_attempted,
        messages_leaked: m.messages_leaked,
        bytes_leaked: m.bytes_leaked,
        senders: m.senders,
        senders_leaked: m.senders_leaked,
        first_leak: time(m.first_leak),
        last_leak: time(m.last_leak),
    }
}

/// Builds summary.json's content.
pub fn summary<'a>(r: &'a LeakReport, run: &'a LeakRun) -> SummaryJson<'a> {
    let h: &Headline = &r.headline;
    SummaryJson {
        tool: "misdirect",
        version: env!("CARGO_PKG_VERSION"),
        headline: super::headline::headline(r).plain(),
        totals: &h.measures,
        lookalike_domains: h.lookalike_domains,
        clusters: h.clusters,
        top_pattern: h.top_pattern.as_deref(),
        top_cluster: h.top_cluster.as_deref(),
        still_active: h.still_active,
        logs_start: time(h.logs_start),
        logs_end: time(h.logs_end),
        first_leak: time(h.measures.first_leak),
        last_leak: time(h.measures.last_leak),
        org_domains: &r.org,
        since: run.since.as_deref(),
        until: run.until.as_deref(),
        redacted: r.redacted,
        complete: run.events_complete,
        by_cluster: r
            .clusters
            .iter()
            .map(|c| short(&c.intended, &c.lookalikes, &c.measures))
            .collect(),
        by_pattern: r
            .patterns
            .iter()
            .map(|p| short(&p.pattern, &p.lookalikes, &p.measures))
            .collect(),
        subjects_logged: r.subjects_logged,
        by_marking: r
            .markings
            .iter()
            .filter(|m| m.scope == "total")
            .map(|m| short(&m.marking, &[], &m.measures))
            .collect(),
        top_receivers: r
            .receivers
            .iter()
            .take(20)
            .map(|x| Receiver {
                receiver: &x.receiver,
                ips: &x.ips,
                lookalikes: &x.lookalikes,
                messages_leaked: x.messages_leaked,
                bytes_leaked: x.bytes_leaked,
                catch_all_lookalikes: &x.catch_all_lookalikes,
                group: x.group,
            })
            .collect(),
        leaked_without_receiver: r.leaked_without_receiver,
        definitions: Definitions {
            leaked: "a delivery to a lookalike domain accepted by the remote server (status sent)",
            attempted: "a delivery to a lookalike domain that bounced, expired or was rejected: tried, not delivered",
            pending: "a delivery to a lookalike domain deferred with no final outcome in the logs",
            messages_leaked: "distinct messages with at least one leaked recipient",
            bytes_leaked: "sizes of the leaked messages, each message once per group",
            leaving: "only deliveries to domains outside the organisation (org_domains) and not to local mailboxes count",
        },
    }
}
