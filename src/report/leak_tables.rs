//! The leak report's tables: clusters, patterns, events, timeline,
//! senders and recipients, built from a finished [`LeakReport`].

use super::Table;
use crate::leak::{LeakReport, Measures};

/// Appends the columns every grouping has.
fn push_measures<T>(t: &mut Table, rows: &[T], m: impl Fn(&T) -> &Measures) {
    t.nums("messages_attempted", rows, |r| m(r).messages_attempted);
    t.nums("messages_leaked", rows, |r| m(r).messages_leaked);
    t.nums("deliveries", rows, |r| m(r).deliveries);
    t.nums("deliveries_sent", rows, |r| m(r).deliveries_sent);
    t.nums("deliveries_bounced", rows, |r| m(r).deliveries_bounced);
    t.nums("deliveries_expired", rows, |r| m(r).deliveries_expired);
    t.nums("deliveries_pending", rows, |r| m(r).deliveries_pending);
    t.nums("bytes_leaked", rows, |r| m(r).bytes_leaked);
    t.nums("leaked_messages_without_size", rows, |r| {
        m(r).leaked_messages_without_size
    });
    t.nums("senders", rows, |r| m(r).senders);
    t.nums("senders_leaked", rows, |r| m(r).senders_leaked);
    t.nums("recipients", rows, |r| m(r).recipients);
    t.times("first_seen", rows, |r| m(r).first_seen);
    t.times("last_seen", rows, |r| m(r).last_seen);
    t.times("first_leak", rows, |r| m(r).first_leak);
    t.times("last_leak", rows, |r| m(r).last_leak);
}

/// `clusters`: one row per intended domain.
pub fn clusters(r: &LeakReport) -> Table {
    let rows = &r.clusters;
    let mut t = Table::new("clusters");
    t.strs("intended", rows, |c| c.intended.clone());
    t.nums("lookalike_count", rows, |c| c.lookalikes.len() as u64);
    t.strs("lookalikes", rows, |c| c.lookalikes.join(" "));
    push_measures(&mut t, rows, |c| &c.measures);
    t.nums("intended_messages", rows, |c| c.intended_messages);
    t.floats("astray_share", rows, |c| c.astray_share);
    t
}

/// `patterns`: one row per edit pattern.
pub fn patterns(r: &LeakReport) -> Table {
    let rows = &r.patterns;
    let mut t = Table::new("patterns");
    t.strs("pattern", rows, |p| p.pattern.clone());
    t.strs("kind", rows, |p| p.kind.clone());
    t.nums("intended_count", rows, |p| p.intended.len() as u64);
    t.strs("intended", rows, |p| p.intended.join(" "));
    t.nums("lookalike_count", rows, |p| p.lookalikes.len() as u64);
    t.strs("lookalikes", rows, |p| p.lookalikes.join(" "));
    push_measures(&mut t, rows, |p| &p.measures);
    t
}

/// `events`: every misdirected delivery.
pub fn events(r: &LeakReport) -> Table {
    let rows = &r.events;
    let mut t = Table::new("events");
    t.times("time", rows, |e| Some(e.time));
    t.strs("file", rows, |e| e.file.clone());
    t.nums("line", rows, |e| e.line);
    t.strs("host", rows, |e| e.host.clone());
    t.strs("queue_id", rows, |e| e.queue_id.clone());
    t.strs("message_id", rows, |e| e.message_id.clone());
    t.strs("sender", rows, |e| e.sender.clone());
    t.strs("recipient", rows, |e| e.recipient.clone());
    t.strs("meant", rows, |e| e.meant.clone());
    t.strs("lookalike", rows, |e| e.lookalike.clone());
    t.strs("intended", rows, |e| e.intended.clone());
    t.strs("kind", rows, |e| e.kind.clone());
    t.strs("pattern", rows, |e| e.pattern.clone());
    t.strs("status", rows, |e| e.status.to_string());
    t.strs("outcome", rows, |e| e.outcome.as_str().to_string());
    t.strs("dsn", rows, |e| e.dsn.clone());
    t.strs("relay", rows, |e| e.relay.clone());
    t.opt_nums("size", rows, |e| e.size);
    t.flags("sticky", rows, |e| e.sticky);
    t.strs("reply", rows, |e| e.reply.clone());
    if !r.subjects_omitted {
        t.strs("subject", rows, |e| e.subject.clone());
    }
    t.strs("marking", rows, |e| e.marking.clone());
    t
}

/// `markings`: leaked and attempted messages per protective marking, in
/// total, per cluster and per pattern.
pub fn markings(r: &LeakReport) -> Table {
    let rows = &r.markings;
    let mut t = Table::new("markings");
    t.strs("scope", rows, |m| m.scope.to_string());
    t.strs("group", rows, |m| m.group.clone());
    t.strs("marking", rows, |m| m.marking.clone());
    push_measures(&mut t, rows, |m| &m.measures);
    t
}

/// `timeline`: per month and cluster.
pub fn timeline(r: &LeakReport) -> Table {
    let rows = &r.timeline;
    let mut t = Table::new("timeline");
    t.strs("month", rows, |x| x.month.clone());
    t.strs("intended", rows, |x| x.intended.clone());
    t.nums("messages_attempted", rows, |x| x.attempted);
    t.nums("messages_leaked", rows, |x| x.leaked);
    t.nums("bytes_leaked", rows, |x| x.bytes_leaked);
    t
}

/// `senders`: per sender address, then per sender domain.
pub fn senders(r: &LeakReport) -> Table {
    let rows = &r.senders;
    let mut t = Table::new("senders");
    t.strs("scope", rows, |s| {
        match s.scope {
            crate::leak::SenderScope::Address => "address",
            crate::leak::SenderScope::Domain => "domain",
        }
        .to_string()
    });
    t.strs("sender", rows, |s| s.sender.clone());
    t.flags("in_org", rows, |s| s.in_org);
    t.nums("deliveries", rows, |s| s.deliveries);
    t.nums("deliveries_leaked", rows, |s| s.leaked);
    t.nums("messages_leaked", rows, |s| s.messages_leaked);
    t.nums("bytes_leaked", rows, |s| s.bytes_leaked);
    t.nums("lookalikes", rows, |s| s.lookalikes);
    t.nums("sticky_recipients", rows, |s| s.sticky_recipients);
    t.times("first_seen", rows, |s| s.first_seen);
    t.times("last_seen", rows, |s| s.last_seen);
    t
}

/// `recipients`: per recipient address at a lookalike, sticky ones first.
pub fn recipients(r: &LeakReport) -> Table {
    let rows = &r.recipients;
    let mut t = Table::new("recipients");
    t.strs("recipient", rows, |x| x.recipient.clone());
    t.strs("meant", rows, |x| x.meant.clone());
    t.strs("lookalike", rows, |x| x.lookalike.clone());
    t.strs("intended", rows, |x| x.intended.clone());
    t.flags("sticky", rows, |x| x.sticky);
    t.nums("deliveries", rows, |x| x.deliveries);
    t.nums("deliveries_leaked", rows, |x| x.leaked);
    t.nums("senders", rows, |x| x.senders);
    t.nums("days", rows, |x| x.days);
    t.times("first_seen", rows, |x| x.first_seen);
    t.times("last_seen", rows, |x| x.last_seen);
    t
}

/// `receivers`: one row per server that accepted leaked mail.
pub fn receivers(r: &LeakReport) -> Table {
    let rows = &r.receivers;
    let mut t = Table::new("receivers");
    t.strs("receiver", rows, |x| x.receiver.clone());
    t.strs("host", rows, |x| x.host.clone());
    t.strs("ips", rows, |x| x.ips.join(" "));
    t.strs("networks", rows, |x| x.networks.join(" "));
    t.nums("lookalike_count", rows, |x| x.lookalikes.len() as u64);
    t.strs("lookalikes", rows, |x| x.lookalikes.join(" "));
    t.strs("intended", rows, |x| x.intended.join(" "));
    t.nums("messages_leaked", rows, |x| x.messages_leaked);
    t.nums("bytes_leaked", rows, |x| x.bytes_leaked);
    t.nums("leaked_messages_without_size", rows, |x| {
        x.leaked_messages_without_size
    });
    t.nums("deliveries_leaked", rows, |x| x.deliveries_leaked);
    t.nums("recipients", rows, |x| x.recipients);
    t.times("first_leak", rows, |x| x.first_leak);
    t.times("last_leak", rows, |x| x.last_leak);
    t.strs("reply", rows, |x| x.reply.clone());
    t.nums("reply_servers", rows, |x| x.reply_servers);
    t.flags("catch_all", rows, |x| !x.catch_all_lookalikes.is_empty());
    t.strs("catch_all_lookalikes", rows, |x| {
        x.catch_all_lookalikes.join(" ")
    });
    t.nums("group", rows, |x| u64::from(x.group));
    t.nums("group_receivers", rows, |x| x.group_receivers);
    t.nums("group_lookalikes", rows, |x| x.group_lookalikes);
    t
}

/// Every leak table, in the order they are written.
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
