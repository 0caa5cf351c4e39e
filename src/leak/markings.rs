//! Protective markings in subjects: which classification or handling
//! marking a leaked message carried, so that a statement like "the
//! information was not highly sensitive" can be checked against numbers.
//!
//! A built-in list covers the common markings (UK, US, NATO, TLP, handling
//! descriptors); `--markings FILE` replaces it (`name<TAB>regex` a line;
//! `#` comments). A message counts under the **first** marking in the list
//! that its subject matches, so every message is counted once and the rows
//! add up; the built-in list puts the more specific first (`TOP SECRET`
//! before `SECRET`, `OFFICIAL-SENSITIVE` before `OFFICIAL`). The built-in
//! patterns match capitals only, as the marking schemes write them, so an
//! ordinary "Personal development plan" is not `PERSONAL`.
//!
//! Subjects are decoded from RFC 2047 encoded words (`=?UTF-8?B?...?=`)
//! before matching. Also here: the events' subject and marking, and the
//! markings table's rows (messages per marking in total, per cluster and
//! per pattern).

use std::collections::HashMap;
use std::path::Path;

use regex::Regex;

use super::measure::measure_by;
use super::model::{Event, MarkingRow, Text};
use crate::report::text::escape_for_display;

/// A message whose subject the logs do not carry.
pub const NO_SUBJECT: &str = "(no subject logged)";
/// A subject that matched no marking.
pub const UNMARKED: &str = "(unmarked)";

/// The built-in markings, most specific first.
pub const BUILTIN: &[(&str, &str)] = &[
    ("TOP SECRET", r"\bTOP[ -]SECRET\b"),
    ("NATO SECRET", r"\b(?:NATO|COSMIC)[ -]SECRET\b"),
    ("SECRET", r"\bSECRET\b"),
    ("NATO CONFIDENTIAL", r"\bNATO[ -]CONFIDENTIAL\b"),
    ("CONFIDENTIAL", r"\bCONFIDENTIAL\b"),
    ("NATO RESTRICTED", r"\bNATO[ -]RESTRICTED\b"),
    ("NATO UNCLASSIFIED", r"\bNATO[ -]UNCLASSIFIED\b"),
    ("OFFICIAL-SENSITIVE", r"\bOFFICIAL[ -]SENSITIVE\b"),
    ("FOUO", r"\bFOUO\b|\bFOR OFFICIAL USE ONLY\b"),
    ("CUI", r"\bCUI\b|\bCONTROLLED UNCLASSIFIED INFORMATION\b"),
    ("OFFICIAL", r"\bOFFICIAL\b"),
    ("TLP:RED", r"\bTLP: ?RED\b"),
    ("TLP:AMBER", r"\bTLP: ?AMBER(?:\+STRICT)?\b"),
    ("TLP:GREEN", r"\bTLP: ?GREEN\b"),
    ("TLP:CLEAR", r"\bTLP: ?(?:CLEAR|WHITE)\b"),
    (
        "COMMERCIAL IN CONFIDENCE",
        r"\bCOMMERCIAL[ -]IN[ -]CONFIDENCE\b",
    ),
    ("PERSONAL", r"\bPERSONAL\b"),
    ("MEDICAL", r"\bMEDICAL\b"),
];

/// An ordered list of markings.
#[derive(Clone, Debug)]
pub struct Markings {
    list: Vec<(String, Regex)>,
}

#[derive(Debug, thiserror::Error)]
pub enum MarkingsError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}, line {line}: expected `name<TAB>regex`")]
    Shape { path: String, line: usize },
    #[error("{path}, line {line}: bad regex: {source}")]
    Regex {
        path: String,
        line: usize,
        source: regex::Error,
    },
    #[error("{path}: no markings in the file")]
    Empty { path: String },
}

impl Default for Markings {
    fn default() -> Self {
        Markings {
            list: BUILTIN
                .iter()
                .map(|(n, r)| (n.to_string(), Regex::new(r).expect("built-in marking")))
                .collect(),
        }
    }
}

impl Markings {
    /// Markings from the text of a `--markings` file.
    pub fn parse(path: &str, text: &str) -> Result<Markings, MarkingsError> {
        let mut list = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (name, re) = line
                .split_once('\t')
                .filter(|(n, r)| !n.trim().is_empty() && !r.is_empty())
                .ok_or(MarkingsError::Shape {
                    path: path.into(),
                    line: i + 1,
                })?;
            let re = Regex::new(re).map_err(|source| MarkingsError::Regex {
                path: path.into(),
                line: i + 1,
                source,
            })?;
            list.push((name.trim().to_string(), re));
        }
        if list.is_empty() {
            return Err(MarkingsError::Empty { path: path.into() });
        }
        Ok(Markings { list })
    }

    pub fn from_file(path: &Path) -> Result<Markings, MarkingsError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| MarkingsError::Read {
            path: shown.clone(),
            source,
        })?;
        Markings::parse(&shown, &text)
    }

    /// The marking of a decoded subject: the first that matches, or
    /// [`UNMARKED`].
    pub fn of(&self, subject: &str) -> &str {
        self.list
            .iter()
            .find(|(_, re)| re.is_match(subject))
            .map_or(UNMARKED, |(n, _)| n.as_str())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|(n, _)| n.as_str())
    }
}

/// A subject as logged, with RFC 2047 encoded words decoded (left as
/// logged when they do not decode).
pub fn decode_subject(raw: &[u8]) -> String {
    let lossy = String::from_utf8_lossy(raw);
    if !lossy.contains("=?") {
        return lossy.into_owned();
    }
    // RFC 2047 caps an encoded word at 75 characters, but mail programs
    // write longer ones and readers decode them: a subject's marking must
    // not hide in a long word.
    rfc2047_decoder::Decoder::new()
        .too_long_encoded_word_strategy(rfc2047_decoder::RecoverStrategy::Decode)
        .decode(raw)
        .unwrap_or_else(|_| lossy.into_owned())
}

/// A record's subject for display (decoded, then escaped) and its marking.
pub fn subject(raw: &[u8], markings: &Markings) -> (String, String) {
    if raw.is_empty() {
        return (String::new(), NO_SUBJECT.to_string());
    }
    let decoded = decode_subject(raw);
    let marking = markings.of(&decoded).to_string();
    (escape_for_display(decoded.as_bytes()), marking)
}

/// What a redacted subject shows: its marking, if it has one.
pub fn marked(marking: &str) -> String {
    if marking == NO_SUBJECT || marking == UNMARKED {
        String::new()
    } else {
        format!("[{marking}]")
    }
}

/// Messages by marking, in total and per cluster and pattern; markings in
/// the list's order, then unmarked, then no subject.
pub fn marking_rows(events: &[Event], markings: &Markings) -> Vec<MarkingRow> {
    let rank: HashMap<&str, usize> = markings
        .names()
        .chain([UNMARKED, NO_SUBJECT])
        .enumerate()
        .map(|(i, n)| (n, i))
        .collect();
    type Group = fn(&Event) -> Option<Text>;
    let scopes: [(&'static str, Group); 3] = [
        ("total", |_| None),
        ("cluster", |e| Some(e.intended.clone())),
        ("pattern", |e| Some(e.pattern.clone())),
    ];
    let mut rows = Vec::new();
    for (scope, group) in scopes {
        let mut part: Vec<MarkingRow> = measure_by(events, |e| vec![(group(e), e.marking.clone())])
            .into_iter()
            .map(|((group, marking), measures)| MarkingRow {
                scope,
                group: group.as_deref().unwrap_or_default().to_string(),
                marking: marking.to_string(),
                measures,
            })
            .collect();
        part.sort_by(|a, b| {
            let r = |m: &str| rank.get(m).copied().unwrap_or(usize::MAX);
            (&a.group, r(&a.marking)).cmp(&(&b.group, r(&b.marking)))
        });
        rows.extend(part);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_marking_is_found_and_the_specific_wins() {
        let m = Markings::default();
        for (name, _) in BUILTIN {
            assert_eq!(m.of(&format!("Re: {name} - minutes")), *name, "{name}");
        }
        assert_eq!(
            m.of("OFFICIAL-SENSITIVE PERSONAL: pay review"),
            "OFFICIAL-SENSITIVE"
        );
        assert_eq!(m.of("[TOP SECRET] plan"), "TOP SECRET");
        assert_eq!(m.of("TLP:AMBER+STRICT indicators"), "TLP:AMBER");
        assert_eq!(m.of("Personal development plan"), UNMARKED);
        assert_eq!(m.of("secretary's note"), UNMARKED);
        assert_eq!(m.of("OFFICIALS meeting"), UNMARKED);
    }

    #[test]
    fn encoded_words_are_decoded() {
        assert_eq!(
            decode_subject(b"=?UTF-8?B?T0ZGSUNJQUwtU0VOU0lUSVZFOiBwbGFu?="),
            "OFFICIAL-SENSITIVE: plan"
        );
        assert_eq!(
            decode_subject(b"=?ISO-8859-1?Q?R=E9union_SECRET?="),
            "R\u{e9}union SECRET"
        );
        assert_eq!(decode_subject(b"plain"), "plain");
        assert_eq!(decode_subject(b"=?bogus"), "=?bogus");
        // 84 characters: longer than RFC 2047 allows, as synth and real
        // mail programs write them.
        let long = b"=?UTF-8?Q?Contract_renewal_-_action_required_=28COMMERCIAL_IN_CONFIDENCE=29?=";
        assert_eq!(
            decode_subject(long),
            "Contract renewal - action required (COMMERCIAL IN CONFIDENCE)"
        );
    }

    #[test]
    fn a_markings_file_replaces_the_list() {
        let m = Markings::parse(
            "f",
            "# mine\nPROJECT X\t(?i)project x\n\nEYES ONLY\tEYES ONLY\n",
        )
        .unwrap();
        assert_eq!(m.of("re: Project X budget"), "PROJECT X");
        assert_eq!(m.of("SECRET"), UNMARKED);
        assert_eq!(m.names().collect::<Vec<_>>(), ["PROJECT X", "EYES ONLY"]);
        assert!(matches!(
            Markings::parse("f", "no tab\n"),
            Err(MarkingsError::Shape { line: 1, .. })
        ));
        assert!(matches!(
            Markings::parse("f", "X\t(\n"),
            Err(MarkingsError::Regex { line: 1, .. })
        ));
        assert!(matches!(
            Markings::parse("f", "# only\n"),
            Err(MarkingsError::Empty { .. })
        ));
    }
}
