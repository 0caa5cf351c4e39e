//! The delivery records of the lookalike domains, gathered for the leak
//! report and kept encoded (as the ledger holds them) until each is made
//! into an event.
//!
//! A decoded [`Record`] keeps a dozen separately allocated strings, several
//! hundred bytes more than its encoding; a run with hundreds of thousands
//! of misdirected deliveries would hold them all at once. This list keeps
//! the ledger's bytes, one run of records per (domain, source), and
//! decodes them one at a time.

use super::ledger::{Record, Records};

/// Encoded records, each with the lookalike domain it was made for.
#[derive(Debug, Default)]
pub struct RecordList {
    domains: Vec<String>,
    /// (index into `domains`, the records' bytes).
    runs: Vec<(u32, Vec<u8>)>,
}

impl RecordList {
    /// Adds the encoded `records` of `domain` (taking no copy if the bytes
    /// are given owned).
    pub fn push(&mut self, domain: &[u8], records: impl Into<Vec<u8>>) {
        let records = records.into();
        if records.is_empty() {
            return;
        }
        let name = String::from_utf8_lossy(domain);
        let at = match self.domains.last() {
            Some(last) if *last == name => self.domains.len() - 1,
            _ => {
                self.domains.push(name.into_owned());
                self.domains.len() - 1
            }
        };
        self.runs.push((at as u32, records));
    }

    /// Every record with its domain, decoded one at a time, in the order
    /// they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Record)> + '_ {
        self.runs.iter().flat_map(|(d, bytes)| {
            let name = self.domains[*d as usize].as_str();
            Records::of(bytes).map(move |r| (name, r))
        })
    }

    /// How many records the list holds (decoding them all to count).
    pub fn len(&self) -> usize {
        self.runs
            .iter()
            .map(|(_, bytes)| Records::of(bytes).count())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leak::ledger::{DomainLedger, RecordRef};

    fn encoded(locals: &[&str]) -> Vec<u8> {
        let mut l = DomainLedger::default();
        for (i, local) in locals.iter().enumerate() {
            l.push(
                &RecordRef {
                    time: i as i64,
                    local: local.as_bytes(),
                    reply: b"250 2.0.0 Ok",
                    ..RecordRef::default()
                },
                None,
            );
        }
        l.take_records()
    }

    #[test]
    fn records_come_back_decoded_with_their_domains_in_order() {
        let mut list = RecordList::default();
        list.push(b"army.ml", encoded(&["a", "b"]));
        list.push(b"army.ml", encoded(&["c"]));
        list.push(b"navy.ml", Vec::new());
        list.push(b"navy.ml", &encoded(&["d"])[..]);
        let got: Vec<(String, String, i64)> = list
            .iter()
            .map(|(d, r)| (d.to_string(), String::from_utf8(r.local).unwrap(), r.time))
            .collect();
        let want = [
            ("army.ml", "a", 0),
            ("army.ml", "b", 1),
            ("army.ml", "c", 0),
            ("navy.ml", "d", 0),
        ];
        assert_eq!(got, want.map(|(d, l, t)| (d.to_string(), l.to_string(), t)));
        assert_eq!(list.len(), 4);
        assert_eq!(list.domains.len(), 2, "a domain's runs share its name");
        assert!(RecordList::default().is_empty());
    }
}
