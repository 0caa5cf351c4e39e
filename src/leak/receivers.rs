//! Who received the leaked mail: the servers that accepted misdirected
//! deliveries, read from the delivery lines' relay (`mx.army.ml[192.0.2.9]:25`,
//! Exim's `H=host [ip]`, Sendmail's `relay=host. [ip]`, Exchange's server
//! fields, a Microsoft 365 trace's IP) and the reply they gave.
//!
//! Servers that share infrastructure are grouped: two receivers are in one
//! group when they serve a common lookalike domain, share an IP address, or
//! sit in the same /24 (IPv4) or /48 (IPv6) network. Research on email
//! typosquatting found many typo domains pointing their MX at a handful of
//! collecting servers; a group of many lookalikes on one server points to a
//! deliberate collector rather than chance.
//!
//! A lookalike is a **catch-all** when it accepted mail for at least
//! [`CATCH_ALL_MIN_LOCALS`] different local parts and never refused a
//! recipient as unknown (`5.1.x`): addresses meant for another
//! organisation's people cannot all exist there.
//!
//! Only deliveries the server accepted (leaked) make a receiver; refusals
//! count only against the catch-all test. Each receiver's usual reply is
//! shown with the number of receivers that give the same one, but replies
//! do not join groups: every server running the same MTA gives its default.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use serde::Serialize;

use super::model::{Event, Outcome};
use crate::time::Micros;

/// Distinct local parts a lookalike must accept to be a catch-all.
pub const CATCH_ALL_MIN_LOCALS: usize = 3;

/// One receiving server.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReceiverRow {
    /// The host name, or `[ip]` when the logs name none.
    pub receiver: String,
    pub host: String,
    pub ips: Vec<String>,
    /// `/24` or `/48` networks of the IPs.
    pub networks: Vec<String>,
    pub lookalikes: Vec<String>,
    pub intended: Vec<String>,
    pub messages_leaked: u64,
    /// Sizes of the messages leaked to this server, each once.
    pub bytes_leaked: u64,
    pub leaked_messages_without_size: u64,
    pub deliveries_leaked: u64,
    /// Distinct recipient addresses it accepted.
    pub recipients: u64,
    #[serde(serialize_with = "super::model::iso_time")]
    pub first_leak: Option<Micros>,
    #[serde(serialize_with = "super::model::iso_time")]
    pub last_leak: Option<Micros>,
    /// Its most common reply, with queue IDs and addresses blanked.
    pub reply: String,
    /// Receivers whose most common reply is the same (itself included).
    /// Shown, not used for grouping: unrelated servers running the same
    /// MTA share its default reply.
    pub reply_servers: u64,
    /// Of its lookalikes, those that are catch-alls.
    pub catch_all_lookalikes: Vec<String>,
    /// Infrastructure group (1 = the group with the most leaked messages).
    pub group: u32,
    pub group_receivers: u64,
    pub group_lookalikes: u64,
}

/// Host and IP of a relay field, in any of the formats' spellings; `None`
/// for no server (`none`, `local`, empty).
pub fn parse_relay(relay: &str) -> Option<(String, String)> {
    let r = relay.trim();
    // The last bracketed part is the address (`host[ip]:25`, `host [ip]`,
    // Sendmail's `[ip] [ip]`); what is before it is the host.
    let (host, ip) = match r.rfind(']').and_then(|b| Some((r[..b].rfind('[')?, b))) {
        Some((a, b)) => (&r[..a], &r[a + 1..b]),
        None if r.parse::<IpAddr>().is_ok() => ("", r),
        None => (r.split(':').next().unwrap_or(r), ""),
    };
    let ip = ip.strip_prefix("IPv6:").unwrap_or(ip).trim();
    let host = host
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let host = match host.as_str() {
        "none" | "local" => String::new(),
        _ => host,
    };
    let (mut host, mut ip) = match ip.parse::<IpAddr>() {
        Ok(a) => (host, a.to_string()),
        // A bracketed name (`[mx.example.net]`) is a name.
        Err(_) if host.is_empty() => (ip.trim_end_matches('.').to_ascii_lowercase(), String::new()),
        Err(_) => (host, String::new()),
    };
    // A host field that is an address literal names no host.
    if let Ok(a) = host.parse::<IpAddr>() {
        if ip.is_empty() {
            ip = a.to_string();
        }
        host.clear();
    }
    (!host.is_empty() || !ip.is_empty()).then_some((host, ip))
}

/// The network an address belongs to, as investigators group hosting.
pub fn network(ip: &str) -> Option<String> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => {
            let o = a.octets();
            Some(format!("{}.{}.{}.0/24", o[0], o[1], o[2]))
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            Some(format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]))
        }
    }
}

/// A reply with what differs per message blanked: queue IDs, numbers and
/// addresses become `*`, so replies of one server compare equal.
pub fn reply_pattern(reply: &str) -> String {
    let mut out = Vec::new();
    for (i, w) in reply.split_whitespace().enumerate() {
        let code = i < 2 && w.chars().all(|c| c.is_ascii_digit() || c == '.');
        let varies = w.starts_with('<')
            || w.contains('@')
            || (w.len() >= 5 && w.chars().any(|c| c.is_ascii_digit()));
        out.push(if varies && !code { "*" } else { w });
    }
    out.join(" ")
}

#[derive(Default)]
struct Acc<'a> {
    host: String,
    ips: BTreeSet<String>,
    lookalikes: BTreeSet<&'a str>,
    intended: BTreeSet<&'a str>,
    messages: HashMap<u64, Option<u64>>,
    deliveries: u64,
    recipients: BTreeSet<&'a str>,
    first: Option<Micros>,
    last: Option<Micros>,
    replies: HashMap<String, u64>,
}

/// The lookalikes that accepted mail for many local parts and refused none
/// as unknown.
pub fn catch_alls(events: &[Event]) -> BTreeSet<String> {
    let mut accepted: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut refused: BTreeSet<&str> = BTreeSet::new();
    for e in events {
        if e.outcome == Outcome::Leaked {
            let local = e.recipient.rsplit_once('@').map_or("", |(l, _)| l);
            accepted.entry(&e.lookalike).or_default().insert(local);
        } else if e.status == "bounced" && e.dsn.starts_with("5.1.") {
            refused.insert(&e.lookalike);
        }
    }
    accepted
        .into_iter()
        .filter(|(d, l)| l.len() >= CATCH_ALL_MIN_LOCALS && !refused.contains(d))
        .map(|(d, _)| d.to_string())
        .collect()
}

/// Distinct leaked messages with a delivery whose server the logs do not
/// name (a Microsoft 365 summary trace, a relay of `none`).
pub fn leaked_without_receiver(events: &[Event]) -> u64 {
    let keys: std::collections::HashSet<u64> = events
        .iter()
        .filter(|e| e.outcome == Outcome::Leaked && parse_relay(&e.relay).is_none())
        .map(|e| e.message_key)
        .collect();
    keys.len() as u64
}

/// The receivers of the leaked deliveries, most leaked messages first.
pub fn receivers(events: &[Event]) -> Vec<ReceiverRow> {
    let catch_all = catch_alls(events);
    let mut by: BTreeMap<String, Acc<'_>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.outcome == Outcome::Leaked) {
        let Some((host, ip)) = parse_relay(&e.relay) else {
            continue;
        };
        let key = if host.is_empty() {
            format!("[{ip}]")
        } else {
            host.clone()
        };
        let a = by.entry(key).or_default();
        a.host = host;
        if !ip.is_empty() {
            a.ips.insert(ip);
        }
        a.lookalikes.insert(&e.lookalike);
        a.intended.insert(&e.intended);
        a.messages.insert(e.message_key, e.size);
        a.deliveries += 1;
        a.recipients.insert(&e.recipient);
        a.first = Some(a.first.map_or(e.time, |t| t.min(e.time)));
        a.last = Some(a.last.map_or(e.time, |t| t.max(e.time)));
        *a.replies.entry(reply_pattern(&e.reply)).or_default() += 1;
    }
    let list = |s: &BTreeSet<&str>| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut rows: Vec<ReceiverRow> = by
        .into_iter()
        .map(|(receiver, a)| {
            let reply = a
                .replies
                .iter()
                .max_by(|x, y| x.1.cmp(y.1).then_with(|| y.0.cmp(x.0)))
                .map(|(r, _)| r.clone())
                .unwrap_or_default();
            let networks: BTreeSet<String> = a.ips.iter().filter_map(|i| network(i)).collect();
            ReceiverRow {
                receiver,
                host: a.host,
                ips: a.ips.into_iter().collect(),
                networks: networks.into_iter().collect(),
                catch_all_lookalikes: a
                    .lookalikes
                    .iter()
                    .filter(|d| catch_all.contains(**d))
                    .map(|d| d.to_string())
                    .collect(),
                lookalikes: list(&a.lookalikes),
                intended: list(&a.intended),
                messages_leaked: a.messages.len() as u64,
                bytes_leaked: a.messages.values().flatten().sum(),
                leaked_messages_without_size: a.messages.values().filter(|s| s.is_none()).count()
                    as u64,
                deliveries_leaked: a.deliveries,
                recipients: a.recipients.len() as u64,
                first_leak: a.first,
                last_leak: a.last,
                reply,
                reply_servers: 0,
                group: 0,
                group_receivers: 0,
                group_lookalikes: 0,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.messages_leaked, b.deliveries_leaked)
            .cmp(&(a.messages_leaked, a.deliveries_leaked))
            .then_with(|| a.receiver.cmp(&b.receiver))
    });
    let mut same: HashMap<String, u64> = HashMap::new();
    for r in &rows {
        *same.entry(r.reply.clone()).or_default() += 1;
    }
    for r in &mut rows {
        r.reply_servers = same[&r.reply];
    }
    group(&mut rows);
    rows
}

/// Numbers the groups of receivers sharing a lookalike, an IP or a network,
/// in the order of their first (most leaking) member.
fn group(rows: &mut [ReceiverRow]) {
    let mut parent: Vec<usize> = (0..rows.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let keys = r
            .lookalikes
            .iter()
            .map(|d| format!("d:{d}"))
            .chain(r.ips.iter().map(|ip| format!("i:{ip}")))
            .chain(r.networks.iter().map(|n| format!("n:{n}")));
        for k in keys {
            let j = *owner.entry(k).or_insert(i);
            let (a, b) = (find(&mut parent, i), find(&mut parent, j));
            // The lower index (more leaks) stays the root.
            parent[a.max(b)] = a.min(b);
        }
    }
    let roots: Vec<usize> = (0..rows.len()).map(|i| find(&mut parent, i)).collect();
    let mut number: BTreeMap<usize, u32> = BTreeMap::new();
    let mut members: HashMap<usize, (u64, BTreeSet<String>)> = HashMap::new();
    for (i, &root) in roots.iter().enumerate() {
        let next = number.len() as u32 + 1;
        number.entry(root).or_insert(next);
        let m = members.entry(root).or_default();
        m.0 += 1;
        m.1.extend(rows[i].lookalikes.iter().cloned());
    }
    for (i, r) in rows.iter_mut().enumerate() {
        let m = &members[&roots[i]];
        r.group = number[&roots[i]];
        r.group_receivers = m.0;
        r.group_lookalikes = m.1.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relays_of_every_format() {
        let p = |s: &str| parse_relay(s);
        let both = |h: &str, i: &str| Some((h.to_string(), i.to_string()));
        assert_eq!(
            p("mx.army.ml[192.0.2.9]:25"),
            both("mx.army.ml", "192.0.2.9")
        );
        assert_eq!(p("MX.Army.ML [192.0.2.9]"), both("mx.army.ml", "192.0.2.9"));
        assert_eq!(
            p("mx.army.ml. [192.0.2.9]"),
            both("mx.army.ml", "192.0.2.9")
        );
        assert_eq!(p("[192.0.2.9]"), both("", "192.0.2.9"));
        assert_eq!(p("mx6[IPv6:2001:db8::1]:25"), both("mx6", "2001:db8::1"));
        assert_eq!(p("[mx.army.ml]"), both("mx.army.ml", ""));
        assert_eq!(p("mx.army.ml"), both("mx.army.ml", ""));
        assert_eq!(p("[127.0.0.1] [127.0.0.1]"), both("", "127.0.0.1"));
        assert_eq!(p("127.0.0.1 [127.0.0.1]"), both("", "127.0.0.1"));
        assert_eq!(p("2001:db8::1"), both("", "2001:db8::1"));
        assert_eq!(p("none"), None);
        assert_eq!(p("local"), None);
        assert_eq!(p(""), None);
    }

    #[test]
    fn networks_and_reply_patterns() {
        assert_eq!(network("192.0.2.9").unwrap(), "192.0.2.0/24");
        assert_eq!(network("2001:db8:1:2::9").unwrap(), "2001:db8:1::/48");
        assert_eq!(network("x"), None);
        assert_eq!(
            reply_pattern("250 2.0.0 Ok: queued as 4F3B2A1C"),
            "250 2.0.0 Ok: queued as *"
        );
        assert_eq!(
            reply_pattern("250 2.1.5 <a.b@army.ml> Recipient ok"),
            "250 2.1.5 * Recipient ok"
        );
        assert_eq!(reply_pattern("250 OK"), "250 OK");
    }
}
