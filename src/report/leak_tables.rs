//! The leak report's tables: clusters, patterns, events, timeline,
//! senders and recipients, built from a finished [`LeakReport`].

use super::Table;
use crate::leak::{Event, LeakReport, Measures};

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

/// Rows per block of the events table: a block of events is about a
/// kilobyte a row as text, so blocks are smaller than other tables' ones
/// (each block is one Parquet row group).
pub const EVENT_PART_ROWS: usize = 1 << 16;

/// `events` in blocks of [`EVENT_PART_ROWS`] rows (one block if there are
/// none), so that the text of every event is never held twice.
pub fn event_parts(rows: &[Event], subjects_omitted: bool) -> impl Iterator<Item = Table> + '_ {
    let empty: &[Event] = &[];
    let none = rows.is_empty().then_some(empty);
    rows.chunks(EVENT_PART_ROWS)
        .chain(none)
        .map(move |rows| events(rows, subjects_omitted))
}

/// `events`: every misdirected delivery.
pub fn events(rows: &[Event], subjects_omitted: bool) -> Table {
    let mut t = Table::new("events");
    t.times("time", rows, |e| Some(e.time));
    t.strs("file", rows, |e| e.file.to_string());
    t.nums("line", rows, |e| e.line);
    t.strs("host", rows, |e| e.host.to_string());
    t.strs("queue_id", rows, |e| e.queue_id.to_string());
    t.strs("message_id", rows, |e| e.message_id.to_string());
    t.strs("sender", rows, |e| e.sender.to_string());
    t.strs("recipient", rows, |e| e.recipient.to_string());
    t.strs("meant", rows, |e| e.meant.to_string());
    t.strs("lookalike", rows, |e| e.lookalike.to_string());
    t.strs("intended", rows, |e| e.intended.to_string());
    t.strs("kind", rows, |e| e.kind.to_string());
    t.strs("pattern", rows, |e| e.pattern.to_string());
    t.strs("status", rows, |e| e.status.to_string());
    t.strs("outcome", rows, |e| e.outcome.as_str().to_string());
    t.strs("dsn", rows, |e| e.dsn.to_string());
    t.strs("relay", rows, |e| e.relay.to_string());
    t.opt_nums("size", rows, |e| e.size);
    t.flags("sticky", rows, |e| e.sticky);
    t.strs("reply", rows, |e| e.reply.to_string());
    if !subjects_omitted {
        t.strs("subject", rows, |e| e.subject.to_string());
    }
    t.strs("marking", rows, |e| e.marking.to_string());
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

/// Every leak table, in the order they are written, each as blocks of
/// rows made when asked for: only the events come in more than one block.
pub fn all(r: &LeakReport) -> Vec<(&'static str, Parts<'_>)> {
    let whole = |make: fn(&LeakReport) -> Table| -> Parts<'_> {
        Box::new(move || Box::new(std::iter::once(make(r))))
    };
    vec![
        ("clusters", whole(clusters)),
        ("patterns", whole(patterns)),
        (
            "events",
            Box::new(move || Box::new(event_parts(&r.events, r.subjects_omitted))),
        ),
        ("timeline", whole(timeline)),
        ("senders", whole(senders)),
        ("recipients", whole(recipients)),
        ("receivers", whole(receivers)),
        ("markings", whole(markings)),
    ]
}

/// Makes a table's blocks of rows, once per format written.
pub type Parts<'a> = Box<dyn Fn() -> Box<dyn Iterator<Item = Table> + 'a> + 'a>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leak::{Outcome, Text};

    fn event(i: usize) -> Event {
        let t = |s: &str| Text::from(s);
        Event {
            time: i as i64,
            file: t("mail.log"),
            line: i as u64,
            host: t("mx1"),
            queue_id: t("4AB12"),
            message_id: t("<id@x>"),
            sender: t("a@corp.example"),
            recipient: t("j@army.ml"),
            meant: t("j@army.mil"),
            lookalike: t("army.ml"),
            intended: t("army.mil"),
            kind: t("suffix"),
            pattern: t("*.mil -> *.ml"),
            status: "sent",
            outcome: Outcome::Leaked,
            dsn: t("2.0.0"),
            relay: t("mx.army.ml[192.0.2.1]:25"),
            reply: t("250 ok"),
            subject: t("hi"),
            marking: t("(unmarked)"),
            size: Some(i as u64),
            sticky: false,
            message_key: i as u64,
        }
    }

    #[test]
    fn events_come_in_blocks_that_join_into_the_whole_table() {
        let rows: Vec<Event> = (0..EVENT_PART_ROWS + 2).map(event).collect();
        let blocks: Vec<Table> = event_parts(&rows, false).collect();
        assert_eq!(
            blocks.iter().map(Table::rows).collect::<Vec<_>>(),
            [EVENT_PART_ROWS, 2]
        );
        assert_eq!(blocks[1], events(&rows[EVENT_PART_ROWS..], false));
        let none: Vec<Table> = event_parts(&[], true).collect();
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].rows(), 0);
        assert_eq!(
            none[0].columns.len() + 1,
            events(&rows[..1], false).columns.len(),
            "no subject column when subjects are omitted"
        );
    }
}
