//! The organisation's own relays: a delivery to a mail server whose own
//! logs are in the input is a hop inside the organisation, not a delivery.
//! Without this, mail relayed by `mx1` to `mx2` and by `mx2` to the world
//! would count twice; with `--internal-relay mx2`, it counts once, where it
//! left.

use crate::parse::{Event, EventKind, EventSink, RelayClass};

/// Host names and addresses of the organisation's relays.
#[derive(Clone, Debug, Default)]
pub struct InternalRelays {
    /// Lower-cased, without a trailing dot.
    names: Vec<Vec<u8>>,
}

impl InternalRelays {
    pub fn new(names: &[String]) -> InternalRelays {
        InternalRelays {
            names: names
                .iter()
                .map(|n| {
                    n.trim()
                        .trim_end_matches('.')
                        .to_ascii_lowercase()
                        .into_bytes()
                })
                .filter(|n| !n.is_empty())
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Whether a relay as logged (`mx2.example.org[10.0.0.2]:25`,
    /// `mx2.example.org [10.0.0.2]`, `mx2.example.org. [10.0.0.2]`,
    /// `[10.0.0.2]`) is one of ours: by its full name, its first label
    /// (`mx2`), or its address.
    pub fn matches(&self, relay: &[u8]) -> bool {
        let (host, ip) = split_relay(relay);
        let host = host.to_ascii_lowercase();
        self.names.iter().any(|n| {
            (!host.is_empty()
                && (host == *n
                    || (host.len() > n.len() && host.starts_with(n) && host[n.len()] == b'.')))
                || (!ip.is_empty() && ip.eq_ignore_ascii_case(n))
        })
    }
}

/// A relay's host name (without a trailing dot) and the address in brackets.
fn split_relay(relay: &[u8]) -> (&[u8], &[u8]) {
    let host_end = relay
        .iter()
        .position(|&c| c == b'[' || c == b' ')
        .unwrap_or(relay.len());
    let host = relay[..host_end]
        .strip_suffix(b".")
        .unwrap_or(&relay[..host_end]);
    let ip = match memchr::memchr(b'[', relay) {
        Some(open) => {
            let rest = &relay[open + 1..];
            let close = memchr::memchr(b']', rest).unwrap_or(rest.len());
            let ip = &rest[..close];
            ip.strip_prefix(b"IPv6:").unwrap_or(ip)
        }
        None => b"",
    };
    (host, ip)
}

/// Passes events on, marking deliveries to an internal relay as hops.
pub struct Relabel<'a, S: EventSink> {
    pub relays: &'a InternalRelays,
    pub inner: &'a mut S,
}

impl<S: EventSink> EventSink for Relabel<'_, S> {
    fn event(&mut self, e: &Event<'_>) {
        match e.kind {
            EventKind::Delivery(d)
                if d.relay_class == RelayClass::Remote && self.relays.matches(d.relay) =>
            {
                let mut d = d;
                d.relay_class = RelayClass::Hop;
                self.inner.event(&Event {
                    kind: EventKind::Delivery(d),
                    ..*e
                });
            }
            _ => self.inner.event(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relays_as_each_mta_logs_them() {
        let r = InternalRelays::new(&["mx2".into(), "10.0.0.9".into(), "Edge.Example.org.".into()]);
        for yes in [
            "mx2.example.org[10.0.0.2]:25",
            "mx2.example.org [10.0.0.2]",
            "mx2.example.org. [10.0.0.2]",
            "MX2[10.0.0.2]",
            "[10.0.0.9] [10.0.0.9]",
            "relay.example.org[10.0.0.9]:25",
            "edge.example.org[192.0.2.1]:25",
        ] {
            assert!(r.matches(yes.as_bytes()), "{yes}");
        }
        for no in [
            "mx22.example.org[10.0.0.22]:25",
            "mx.army.ml[198.51.100.8]:25",
            "none",
            "",
            "[10.0.0.90]",
        ] {
            assert!(!r.matches(no.as_bytes()), "{no}");
        }
    }
}
