//! The leak report's tables: clusters, patterns, events, timeline,
//! senders and recipients, built from a finished [`LeakReport`].

use super::{Table, Values};
use crate::leak::{LeakReport, Measures};

/// Appends the columns every grouping has.
fn push_measures<T>(t: &mut Table, rows: &[T], m: impl Fn(&T) -> &Measures) {
    let n = |f: fn(&Measures) -> u64| Values::U64(rows.iter().map(|r| f(m(r))).collect());
    let time =
        |f: fn(&Measures) -> Option<i64>| Values::Time(rows.iter().map(|r| f(m(r))).collect());
    t.push("messages_attempted", n(|m| m.messages_attempted));
    t.push("messages_leaked", n(|m| m.messages_leaked));
    t.push("deliveries", n(|m| m.deliveries));
    t.push("deliveries_sent", n(|m| m.deliveries_sent));
    t.push("deliveries_bounced", n(|m| m.deliveries_bounced));
    t.push("deliveries_expired", n(|m| m.deliveries_expired));
    t.push("deliveries_pending", n(|m| m.deliveries_pending));
    t.push("bytes_leaked", n(|m| m.bytes_leaked));
    t.push(
        "leaked_messages_without_size",
        n(|m| m.leaked_messages_without_size),
    );
    t.push("senders", n(|m| m.senders));
    t.push("senders_leaked", n(|m| m.senders_leaked));
    t.push("recipients", n(|m| m.recipients));
    t.push("first_seen", time(|m| m.first_seen));
    t.push("last_seen", time(|m| m.last_seen));
    t.push("first_leak", time(|m| m.first_leak));
    t.push("last_leak", time(|m| m.last_leak));
}

fn strs<T>(rows: &[T], f: impl Fn(&T) -> String) -> Values {
    Values::Str(rows.iter().map(f).collect())
}

fn nums<T>(rows: &[T], f: impl Fn(&T) -> u64) -> Values {
    Values::U64(rows.iter().map(f).collect())
}

/// `clusters`: one row per intended domain.
pub fn clusters(r: &LeakReport) -> Table {
    let rows = &r.clusters;
    let mut t = Table::new("clusters");
    t.push("intended", strs(rows, |c| c.intended.clone()));
    t.push("lookalike_count", nums(rows, |c| c.lookalikes.len() as u64));
    t.push("lookalikes", strs(rows, |c| c.lookalikes.join(" ")));
    push_measures(&mut t, rows, |c| &c.measures);
    t.push("intended_messages", nums(rows, |c| c.intended_messages));
    t.push(
        "astray_share",
        Values::F64(rows.iter().map(|c| c.astray_share).collect()),
    );
    t
}

/// `patterns`: one row per edit pattern.
pub fn patterns(r: &LeakReport) -> Table {
    let rows = &r.patterns;
    let mut t = Table::new("patterns");
    t.push("pattern", strs(rows, |p| p.pattern.clone()));
    t.push("kind", strs(rows, |p| p.kind.clone()));
    t.push("intended_count", nums(rows, |p| p.intended.len() as u64));
    t.push("intended", strs(rows, |p| p.intended.join(" ")));
    t.push("lookalike_count", nums(rows, |p| p.lookalikes.len() as u64));
    t.push("lookalikes", strs(rows, |p| p.lookalikes.join(" ")));
    push_measures(&mut t, rows, |p| &p.measures);
    t
}

/// `events`: every misdirected delivery.
pub fn events(r: &LeakReport) -> Table {
    let rows = &r.events;
    let mut t = Table::new("events");
    t.push(
        "time",
        Values::Time(rows.iter().map(|e| Some(e.time)).collect()),
    );
    t.push("file", strs(rows, |e| e.file.clone()));
    t.push("line", nums(rows, |e| e.line));
    t.push("host", strs(rows, |e| e.host.clone()));
    t.push("queue_id", strs(rows, |e| e.queue_id.clone()));
    t.push("message_id", strs(rows, |e| e.message_id.clone()));
    t.push("sender", strs(rows, |e| e.sender.clone()));
    t.push("recipient", strs(rows, |e| e.recipient.clone()));
    t.push("meant", strs(rows, |e| e.meant.clone()));
    t.push("lookalike", strs(rows, |e| e.lookalike.clone()));
    t.push("intended", strs(rows, |e| e.intended.clone()));
    t.push("kind", strs(rows, |e| e.kind.clone()));
    t.push("pattern", strs(rows, |e| e.pattern.clone()));
    t.push("status", strs(rows, |e| e.status.to_string()));
    t.push("outcome", strs(rows, |e| e.outcome.as_str().to_string()));
    t.push("dsn", strs(rows, |e| e.dsn.clone()));
    t.push("relay", strs(rows, |e| e.relay.clone()));
    t.push(
        "size",
        Values::OptU64(rows.iter().map(|e| e.size).collect()),
    );
    t.push(
        "sticky",
        Values::Bool(rows.iter().map(|e| e.sticky).collect()),
    );
    t.push("reply", strs(rows, |e| e.reply.clone()));
    if !r.subjects_omitted {
        t.push("subject", strs(rows, |e| e.subject.clone()));
    }
    t.push("marking", strs(rows, |e| e.marking.clone()));
    t
}

/// `markings`: leaked and attempted messages per protective marking, in
/// total, per cluster and per pattern.
pub fn markings(r: &LeakReport) -> Table {
    let rows = &r.markings;
    let mut t = Table::new("markings");
    t.push("scope", strs(rows, |m| m.scope.to_string()));
    t.push("group", strs(rows, |m| m.group.clone()));
    t.push("marking", strs(rows, |m| m.marking.clone()));
    push_measures(&mut t, rows, |m| &m.measures);
    t
}

/// `timeline`: per month and cluster.
pub fn timeline(r: &LeakReport) -> Table {
    let rows = &r.timeline;
    let mut t = Table::new("timeline");
    t.push("month", strs(rows, |x| x.month.clone()));
    t.push("intended", strs(rows, |x| x.intended.clone()));
    t.push("messages_attempted", nums(rows, |x| x.attempted));
    t.push("messages_leaked", nums(rows, |x| x.leaked));
    t.push("bytes_leaked", nums(rows, |x| x.bytes_leaked));
    t
}

/// `senders`: per sender address, then per sender domain.
pub fn senders(r: &LeakReport) -> Table {
    let rows = &r.senders;
    let mut t = Table::new("senders");
    t.push(
        "scope",
        strs(rows, |s| {
            match s.scope {
                crate::leak::SenderScope::Address => "address",
                crate::leak::SenderScope::Domain => "domain",
            }
            .to_string()
        }),
    );
    t.push("sender", strs(rows, |s| s.sender.clone()));
    t.push(
        "in_org",
        Values::Bool(rows.iter().map(|s| s.in_org).collect()),
    );
    t.push("deliveries", nums(rows, |s| s.deliveries));
    t.push("deliveries_leaked", nums(rows, |s| s.leaked));
    t.push("messages_leaked", nums(rows, |s| s.messages_leaked));
    t.push("bytes_leaked", nums(rows, |s| s.bytes_leaked));
    t.push("lookalikes", nums(rows, |s| s.lookalikes));
    t.push("sticky_recipients", nums(rows, |s| s.sticky_recipients));
    t.push(
        "first_seen",
        Values::Time(rows.iter().map(|s| s.first_seen).collect()),
    );
    t.push(
        "last_seen",
        Values::Time(rows.iter().map(|s| s.last_seen).collect()),
    );
    t
}

/// `recipients`: per recipient address at a lookalike, sticky ones first.
pub fn recipients(r: &LeakReport) -> Table {
    let rows = &r.recipients;
    let mut t = Table::new("recipients");
    t.push("recipient", strs(rows, |x| x.recipient.clone()));
    t.push("meant", strs(rows, |x| x.meant.clone()));
    t.push("lookalike", strs(rows, |x| x.lookalike.clone()));
    t.push("intended", strs(rows, |x| x.intended.clone()));
    t.push(
        "sticky",
        Values::Bool(rows.iter().map(|x| x.sticky).collect()),
    );
    t.push("deliveries", nums(rows, |x| x.deliveries));
    t.push("deliveries_leaked", nums(rows, |x| x.leaked));
    t.push("senders", nums(rows, |x| x.senders));
    t.push("days", nums(rows, |x| x.days));
    t.push(
        "first_seen",
        Values::Time(rows.iter().map(|x| x.first_seen).collect()),
    );
    t.push(
        "last_seen",
        Values::Time(rows.iter().map(|x| x.last_seen).collect()),
    );
    t
}

/// Every leak table, in the order they are written.
/// `receivers`: one row per server that accepted leaked mail.
pub fn receivers(r: &LeakReport) -> Table {
    let rows = &r.receivers;
    let mut t = Table::new("receivers");
    t.push("receiver", strs(rows, |x| x.receiver.clone()));
    t.push("host", strs(rows, |x| x.host.clone()));
    t.push("ips", strs(rows, |x| x.ips.join(" ")));
    t.push("networks", strs(rows, |x| x.networks.join(" ")));
    t.push("lookalike_count", nums(rows, |x| x.lookalikes.len() as u64));
    t.push("lookalikes", strs(rows, |x| x.lookalikes.join(" ")));
    t.push("intended", strs(rows, |x| x.intended.join(" ")));
    t.push("messages_leaked", nums(rows, |x| x.messages_leaked));
    t.push("bytes_leaked", nums(rows, |x| x.bytes_leaked));
    t.push(
        "leaked_messages_without_size",
        nums(rows, |x| x.leaked_messages_without_size),
    );
    t.push("deliveries_leaked", nums(rows, |x| x.deliveries_leaked));
    t.push("recipients", nums(rows, |x| x.recipients));
    t.push(
        "first_leak",
        Values::Time(rows.iter().map(|x| x.first_leak).collect()),
    );
    t.push(
        "last_leak",
        Values::Time(rows.iter().map(|x| x.last_leak).collect()),
    );
    t.push("reply", strs(rows, |x| x.reply.clone()));
    t.push("reply_servers", nums(rows, |x| x.reply_servers));
    t.push(
        "catch_all",
        Values::Bool(
            rows.iter()
                .map(|x| !x.catch_all_lookalikes.is_empty())
                .collect(),
        ),
    );
    t.push(
        "catch_all_lookalikes",
        strs(rows, |x| x.catch_all_lookalikes.join(" ")),
    );
    t.push("group", nums(rows, |x| u64::from(x.group)));
    t.push("group_receivers", nums(rows, |x| x.group_receivers));
    t.push("group_lookalikes", nums(rows, |x| x.group_lookalikes));
    t
}

pub fn all(r: &LeakReport) -> Vec<Table> {
    vec![
        clusters(r),
        patterns(r),
        events(r),
        timeline(r),
        senders(r),
        recipients(r),
        receivers(r),
        markings(r),
    ]
}
