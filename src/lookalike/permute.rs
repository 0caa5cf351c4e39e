//! The reverse of matching: the lookalikes of a domain, by kind, for
//! defensive registration or a blocklist. Includes the suffix edits
//! (`.mil` -> `.ml`, `.com` -> `.cm`) and dot edits that label-only
//! generators such as dnstwist cannot produce.
//!
//! Candidates are made by raw edits (delete, insert, replace, swap, move a
//! dot, cut or add a suffix, swap in a look-alike letter) and then named by
//! the same classifier the detector uses, so a lookalike is always listed
//! under the kind `match` gives it.

use std::collections::BTreeSet;

use super::edits::{is_public_suffix, Split};
use super::keyboard::{neighbours, VISUAL_PAIRS, VISUAL_SEQUENCES};
use super::kind::Kind;
use super::matcher::classify_any;

/// Suffixes appended after the real one (`gmail.com.com`).
const APPENDED: [&str; 6] = ["com", "net", "org", "co", "uk", "de"];
/// Second levels tried under a country code (`co.uk` -> `ac.uk`).
const SECOND_LEVELS: [&str; 14] = [
    "ac", "co", "com", "edu", "gov", "gv", "ltd", "me", "mil", "net", "nhs", "or", "org", "plc",
];
/// Latin letters and their Cyrillic twins (UTS #39 confusables).
const CYRILLIC: [(char, char); 11] = [
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('i', 'і'),
    ('j', 'ј'),
    ('s', 'ѕ'),
    ('h', 'һ'),
];

/// One lookalike of a domain.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Permutation {
    pub kind: Kind,
    /// The lookalike as it appears in logs (`xn--` for IDNs).
    pub domain: String,
    /// Its Unicode spelling.
    pub unicode: String,
    pub location: String,
}

/// The lookalikes of `domain` (normalised) whose kind is in `kinds` (all
/// kinds when empty), sorted by kind, then domain.
pub fn permute(domain: &str, kinds: &[Kind]) -> Vec<Permutation> {
    let mut raw: BTreeSet<String> = BTreeSet::new();
    let b = domain.as_bytes();
    let alphabet: Vec<u8> = (b'a'..=b'z').chain(b'0'..=b'9').chain([b'-']).collect();
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut v = b.to_vec();
        f(&mut v);
        String::from_utf8(v).ok()
    };
    for i in 0..b.len() {
        raw.extend(with(&|v| {
            v.remove(i);
        }));
        if i + 1 < b.len() {
            raw.extend(with(&|v| v.swap(i, i + 1)));
        }
        if b[i] == b'.' {
            continue;
        }
        for &c in &alphabet {
            if c != b[i] {
                raw.extend(with(&|v| v[i] = c));
            }
        }
        let near: BTreeSet<u8> = neighbours(b[i])
            .into_iter()
            .chain([b[i], b'-', b'.'])
            .collect();
        for &c in &near {
            raw.extend(with(&|v| v.insert(i, c)));
            raw.extend(with(&|v| v.insert(i + 1, c)));
        }
        for bit in 0..7 {
            let c = b[i] ^ (1 << bit);
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' {
                raw.extend(with(&|v| v[i] = c));
            }
        }
        for &(x, y) in &VISUAL_PAIRS {
            for (from, to) in [(x, y), (y, x)] {
                if b[i] == from {
                    raw.extend(with(&|v| v[i] = to));
                }
            }
        }
    }
    for (seq, ch) in VISUAL_SEQUENCES {
        for (from, to) in [(ch, seq), (seq, ch)] {
            for at in (0..domain.len())
                .filter(|&at| domain.get(at..).is_some_and(|r| r.starts_with(from)))
            {
                raw.insert(format!(
                    "{}{}{}",
                    &domain[..at],
                    to,
                    &domain[at + from.len()..]
                ));
            }
        }
    }
    suffix_edits(domain, &mut raw);
    for (at, c) in domain.char_indices() {
        if let Some(&(_, twin)) = CYRILLIC.iter().find(|(l, _)| *l == c) {
            let u = format!("{}{}{}", &domain[..at], twin, &domain[at + c.len_utf8()..]);
            if let Some(a) = super::targets::normalize(&u) {
                raw.insert(a);
            }
        }
    }
    raw.remove(domain);
    let mut out: Vec<Permutation> = raw
        .into_iter()
        .filter(|d| plausible(d))
        .filter_map(|d| {
            let class = classify_any(domain, &d)?;
            (kinds.is_empty() || kinds.contains(&class.kind)).then(|| Permutation {
                kind: class.kind,
                unicode: crate::domain::unicode_form(&d),
                location: class.location(),
                domain: d,
            })
        })
        .collect();
    out.sort();
    out
}

/// Edits of the public suffix that are more than one character.
fn suffix_edits(domain: &str, raw: &mut BTreeSet<String>) {
    let split = Split::new(domain);
    let (name, suffix) = (split.name(), split.suffix());
    for a in APPENDED {
        raw.insert(format!("{domain}.{a}"));
    }
    if name.is_empty() || suffix.is_empty() || name == domain {
        return;
    }
    raw.insert(name.to_string());
    for cut in 1..suffix.len() {
        let s = &suffix[..cut];
        if !s.ends_with('.') {
            raw.insert(format!("{name}.{s}"));
        }
    }
    let mut rest = suffix;
    while let Some((_, tail)) = rest.split_once('.') {
        raw.insert(format!("{name}.{tail}"));
        rest = tail;
    }
    if let Some((_, tld)) = suffix.split_once('.') {
        for sld in SECOND_LEVELS {
            let s = format!("{sld}.{tld}");
            if s != suffix && is_public_suffix(&s) {
                raw.insert(format!("{name}.{s}"));
            }
        }
    }
}

/// A host name that could appear in a log: no empty labels, no leading or
/// trailing hyphen.
fn plausible(d: &str) -> bool {
    !d.is_empty()
        && d.len() <= 253
        && d.split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(p: &[Permutation], d: &str, k: Kind) -> bool {
        p.iter().any(|x| x.domain == d && x.kind == k)
    }

    #[test]
    fn suffix_and_dot_edits_dnstwist_cannot_make() {
        let p = permute("army.mil", &[]);
        assert!(has(&p, "army.ml", Kind::SuffixOmission));
        assert!(has(&p, "armymil", Kind::MissingDot));
        assert!(has(&p, "army.mil.com", Kind::SuffixAppended));
        let p = permute("mod.gov.uk", &[]);
        assert!(has(&p, "modgov.uk", Kind::MissingDot));
        assert!(has(&p, "mod.uk", Kind::SuffixTruncation));
        let p = permute("partner.co.uk", &[]);
        assert!(has(&p, "partner.ac.uk", Kind::WrongSecondLevel));
        let p = permute("gmail.com", &[]);
        for (d, k) in [
            ("gmail.cm", Kind::SuffixOmission),
            ("gmail.con", Kind::SuffixSubstitution),
            ("gmail.cmo", Kind::SuffixTransposition),
            ("gmial.com", Kind::Transposition),
            ("gmaill.com", Kind::Repetition),
            ("gnail.com", Kind::SubstitutionKeyboard),
            ("grnail.com", Kind::SubstitutionVisual),
            ("g-mail.com", Kind::Hyphenation),
            ("gmailc.om", Kind::ExtraDot),
            ("xn--gmil-63d.com", Kind::Homoglyph),
        ] {
            assert!(has(&p, d, k), "{d} {k}");
        }
    }

    #[test]
    fn kinds_filter() {
        let p = permute("gmail.com", &[Kind::SuffixOmission]);
        assert!(!p.is_empty() && p.iter().all(|x| x.kind == Kind::SuffixOmission));
    }
}
