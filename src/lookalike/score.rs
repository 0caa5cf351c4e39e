//! The score of a finding: a logistic of additive terms, each a named
//! reason, so that every score can be explained term by term in the report.
//!
//! The terms, in log-odds: a base of -1.5; a prior for the kind of edit
//! (common typing slips high, bit flips and "other" substitutions low, one
//! penalty per extra edit of a compound); where the target came from
//! (named by the investigator +2.5, built in +1.0, inferred -1.0); a suffix
//! that does not exist (+2.0: mail to it cannot be meant); and what the logs say:
//! the target's traffic against the lookalike's, shared local parts, the
//! sender correcting themselves within minutes, both in one message, and
//! mail that was never delivered. A domain with traffic comparable to its
//! neighbour's and no shared recipients is a domain in its own right (-2.5).

use super::kind::{Classification, Kind};
use super::matcher::Source;

/// What the logs say about a lookalike and the domain it may stand for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Whether the intended domain appears in the logs at all.
    pub target_seen: bool,
    pub target_messages: u64,
    pub target_senders: u64,
    pub lookalike_messages: u64,
    pub lookalike_senders: u64,
    /// Local parts seen at both domains (`john.smith@army.ml` and `@army.mil`).
    pub shared_local_parts: u64,
    /// Times a sender wrote to the lookalike and, within minutes, to the target.
    pub self_corrections: u64,
    /// Messages with recipients at both domains.
    pub co_recipient_messages: u64,
    pub lookalike_sent: u64,
    /// Bounced or expired deliveries to the lookalike.
    pub lookalike_failed: u64,
}

/// A score in [0, 1] and its reasons (`term=value` joined by `; `).
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub value: f64,
    pub reasons: String,
    /// The lookalike looks like a domain in its own right next to the target.
    pub comparable_traffic: bool,
}

pub const BASE: f64 = -1.5;

/// Messages to a lookalike below which its traffic is never taken as a
/// sign of a domain in its own right.
pub const COMPARABLE_MIN_MESSAGES: u64 = 5;

/// The log-odds prior of one edit kind: how often people make that slip.
pub fn prior(kind: Kind) -> f64 {
    match kind {
        Kind::SuffixOmission
        | Kind::MissingDot
        | Kind::Transposition
        | Kind::SuffixAppended
        | Kind::Homoglyph => 1.0,
        Kind::Repetition | Kind::Omission | Kind::SubstitutionKeyboard => 0.8,
        Kind::ExtraDot | Kind::SuffixSubstitution | Kind::SuffixTransposition => 0.6,
        Kind::SuffixInsertion | Kind::SubstitutionVisual => 0.5,
        Kind::SubstitutionVowel | Kind::SuffixTruncation => 0.4,
        Kind::Insertion => 0.3,
        Kind::Hyphenation => 0.0,
        Kind::WrongSecondLevel => -0.2,
        Kind::SubstitutionOther => -0.3,
        Kind::Bitflip => -0.5,
        Kind::Compound => -0.5,
    }
}

/// The prior of a classification: for a compound, the mean of its parts
/// less 0.6 per edit beyond the first.
pub fn class_prior(c: &Classification) -> f64 {
    if c.kind != Kind::Compound || c.edits.is_empty() {
        return prior(c.kind);
    }
    let mean = c.edits.iter().map(|e| prior(e.kind)).sum::<f64>() / c.edits.len() as f64;
    mean - 0.6 * (c.edits.len() - 1) as f64
}

pub fn source_term(source: Source) -> f64 {
    match source {
        Source::Explicit => 2.5,
        Source::Builtin => 1.0,
        // Among thousands of domains, many pairs are close by chance:
        // an inferred target needs the logs' evidence.
        Source::Inferred => -1.0,
    }
}

/// Scores a candidate. `suffix_exists`: the lookalike's public suffix is a
/// known one (else no mail to it can have been meant).
pub fn score(c: &Classification, source: Source, suffix_exists: bool, e: &Evidence) -> Score {
    let mut z = BASE;
    let mut reasons = vec![format!("base={BASE}")];
    let mut add = |name: &str, v: f64| {
        if v != 0.0 {
            z += v;
            reasons.push(format!("{name}={v:+.2}"));
        }
    };
    add(&format!("kind:{}", c.detail()), class_prior(c));
    add(&format!("target:{}", source.as_str()), source_term(source));
    if !suffix_exists {
        add("no-such-suffix", 2.0);
    }
    let mut comparable = false;
    if e.target_seen {
        let ratio = (e.target_messages as f64 + 1.0) / (e.lookalike_messages as f64 + 1.0);
        // Among many similar names (`company1`, `company12`), traffic alone
        // is weak evidence against an inferred target: without a shared
        // recipient or a correction it counts at most +1.
        let cap =
            if source == Source::Inferred && e.shared_local_parts == 0 && e.self_corrections == 0 {
                1.0
            } else {
                2.0
            };
        add("traffic-ratio", (ratio.log10() - 0.5).clamp(-2.0, cap));
        // A handful of messages each way says nothing about whether the
        // lookalike has a life of its own.
        comparable = e.lookalike_messages >= COMPARABLE_MIN_MESSAGES
            && e.lookalike_messages * 5 >= e.target_messages
            && e.shared_local_parts == 0
            && e.self_corrections == 0;
        if comparable {
            add("comparable-traffic", -2.5);
        }
    }
    if e.shared_local_parts > 0 {
        add(
            "shared-local-parts",
            1.5 + 0.25 * (e.shared_local_parts - 1).min(4) as f64,
        );
    }
    if e.self_corrections > 0 {
        add(
            "self-correction",
            1.5 + 0.25 * (e.self_corrections - 1).min(4) as f64,
        );
    }
    if e.co_recipient_messages > 0 {
        add("co-recipients", 0.75);
    }
    if e.lookalike_sent == 0 && e.lookalike_failed > 0 {
        add("never-delivered", 0.5);
    }
    Score {
        value: 1.0 / (1.0 + (-z).exp()),
        reasons: reasons.join("; "),
        comparable_traffic: comparable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookalike::kind::Location;

    fn one(kind: Kind) -> Classification {
        Classification::single(kind, Location::Label, 1)
    }

    #[test]
    fn explicit_single_edits_pass_the_default_threshold() {
        for kind in Kind::ALL {
            let s = score(&one(kind), Source::Explicit, true, &Evidence::default());
            assert!(s.value >= 0.5, "{kind}: {}", s.value);
            assert!((0.0..=1.0).contains(&s.value));
        }
    }

    #[test]
    fn a_few_messages_each_way_are_not_comparable_traffic() {
        let e = Evidence {
            target_seen: true,
            target_messages: 1,
            lookalike_messages: 1,
            ..Evidence::default()
        };
        let s = score(&one(Kind::SuffixOmission), Source::Builtin, true, &e);
        assert!(!s.comparable_traffic && s.value >= 0.5, "{s:?}");
    }

    #[test]
    fn comparable_traffic_without_shared_recipients_is_legitimate() {
        let e = Evidence {
            target_seen: true,
            target_messages: 1000,
            lookalike_messages: 800,
            ..Evidence::default()
        };
        let s = score(&one(Kind::SubstitutionKeyboard), Source::Inferred, true, &e);
        assert!(s.comparable_traffic && s.value < 0.1, "{s:?}");
        // The same traffic with shared local parts is still a typo (army.ml).
        let e = Evidence {
            shared_local_parts: 40,
            ..e
        };
        let s = score(&one(Kind::SuffixOmission), Source::Builtin, true, &e);
        assert!(!s.comparable_traffic && s.value > 0.7, "{s:?}");
    }

    #[test]
    fn evidence_raises_the_score_and_is_explained() {
        let weak = Evidence {
            target_seen: true,
            target_messages: 10,
            lookalike_messages: 2,
            ..Evidence::default()
        };
        let strong = Evidence {
            shared_local_parts: 2,
            self_corrections: 1,
            ..weak
        };
        let c = one(Kind::MissingDot);
        let (a, b) = (
            score(&c, Source::Inferred, true, &weak),
            score(&c, Source::Inferred, true, &strong),
        );
        assert!(b.value > a.value);
        assert!(
            b.reasons.contains("shared-local-parts=+1.75"),
            "{}",
            b.reasons
        );
        assert!(b.reasons.contains("self-correction=+1.50"), "{}", b.reasons);
    }
}
