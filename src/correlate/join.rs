//! Joining the loose fragments of all files into whole messages.
//!
//! Fragments are grouped by host and queue ID and put in time order; a
//! fragment continues the one before it unless that one was removed, the
//! later one was created in its own file (a reused queue ID), the time
//! between them exceeds the gap, or the two name different senders.
//! The order depends only on the fragments themselves (time, then file and
//! line), so the result does not depend on which thread read which file.

use super::{Fragment, MessageSink};
use crate::time::Micros;

/// What the join did, for run.json.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JoinStats {
    /// Fragments that continued an earlier fragment from another file.
    pub joined: u64,
    /// Whole messages handed to the sink.
    pub messages: u64,
}

/// Joins fragments and finishes every resulting message into `sink`.
pub fn join_fragments(
    mut fragments: Vec<Fragment>,
    gap: Micros,
    sink: &mut dyn MessageSink,
) -> JoinStats {
    fragments.sort_by(|a, b| {
        (&a.host, &a.queue_id, a.msg.first_time, a.msg.first_line).cmp(&(
            &b.host,
            &b.queue_id,
            b.msg.first_time,
            b.msg.first_line,
        ))
    });
    let mut stats = JoinStats::default();
    let mut iter = fragments.into_iter();
    let Some(mut cur) = iter.next() else {
        return stats;
    };
    for next in iter {
        let same_id = next.host == cur.host && next.queue_id == cur.queue_id;
        let senders_agree = match (cur.msg.sender, next.msg.sender) {
            (Some(a), Some(b)) => cur.msg.bytes(a) == next.msg.bytes(b),
            _ => true,
        };
        if same_id
            && !cur.msg.removed
            && !next.msg.born
            && next.msg.first_time - cur.msg.last_time <= gap
            && senders_agree
        {
            cur.msg.absorb(&next.msg);
            stats.joined += 1;
        } else {
            sink.message(&cur.host, &cur.queue_id, &cur.msg);
            stats.messages += 1;
            cur = next;
        }
    }
    sink.message(&cur.host, &cur.queue_id, &cur.msg);
    stats.messages += 1;
    stats
}
