//! The lookalike engine: which recipient domains are misdirections of
//! another domain, which one was meant, how it was mistyped, and how sure we
//! are.
//!
//! * [`kind`], [`keyboard`], [`edits`]: what an edit is and how to name it;
//! * [`index`], [`matcher`]: finding candidate intended domains without
//!   comparing every observed domain with every target;
//! * [`targets`]: what was meant (given, built in, inferred from the logs);
//! * [`score`]: turning a candidate and the logs' evidence into a score;
//! * [`detect`]: the whole decision over a census;
//! * [`permute`]: the reverse, a domain's lookalikes by kind.
//!
//! Nothing here reads files or prints; `app` does.

pub mod builtin;
pub mod detect;
pub mod edits;
pub mod index;
pub mod keyboard;
pub mod kind;
pub mod matcher;
pub mod permute;
pub mod score;
pub mod targets;

pub use detect::{detect, Finding};
pub use kind::{Classification, Kind, Location};
pub use matcher::{Candidate, Matcher, Source};
pub use targets::TargetSpec;

/// A cheap, generous test of whether two domains could be a lookalike and
/// the domain meant, used to decide which pairs of domains seen together
/// (in one message, or from one sender within minutes) are worth
/// remembering as evidence. False positives only cost memory; the detector
/// classifies every pair it reports.
pub fn related(a: &[u8], b: &[u8]) -> bool {
    if a == b || a.is_empty() || b.is_empty() {
        return false;
    }
    let idn = |s: &[u8]| {
        !s.is_ascii() || s.starts_with(b"xn--") || memchr::memmem::find(s, b".xn--").is_some()
    };
    if idn(a) || idn(b) {
        // Homoglyphs: rare enough to afford the skeletons.
        let (Ok(a), Ok(b)) = (std::str::from_utf8(a), std::str::from_utf8(b)) else {
            return false;
        };
        return matcher::skeleton(a) == matcher::skeleton(b);
    }
    if a.len().abs_diff(b.len()) > 6 {
        return false;
    }
    if edits::osa_distance(a, b, 2).is_some() {
        return true;
    }
    // One is the other with a suffix added (`gmail.com.com`).
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    if long.starts_with(short) && long[short.len()] == b'.' {
        return true;
    }
    // The same letters with dots moved (`modgov.uk`, `gmailc.om`).
    fn undotted(s: &[u8]) -> impl Iterator<Item = &u8> {
        s.iter().filter(|&&c| c != b'.')
    }
    if undotted(a).eq(undotted(b)) {
        return true;
    }
    // The same first label, another suffix (`mod.uk`, `partner.ac.uk`).
    let first = |s: &'_ [u8]| s.split(|&c| c == b'.').next().unwrap_or(&[]).len();
    let (fa, fb) = (first(a), first(b));
    fa >= 2 && fa < a.len() && fb < b.len() && a[..fa] == b[..fb]
}

#[cfg(test)]
mod tests {
    use super::related;

    #[test]
    fn related_pairs() {
        for (a, b) in [
            ("army.mil", "army.ml"),
            ("gmail.com", "gmail.com.com"),
            ("mod.gov.uk", "modgov.uk"),
            ("mod.gov.uk", "mod.uk"),
            ("gmail.com", "gmailc.om"),
            ("partner.co.uk", "partner.ac.uk"),
            ("gmail.com", "xn--gmil-63d.com"),
        ] {
            assert!(related(a.as_bytes(), b.as_bytes()), "{a} {b}");
            assert!(related(b.as_bytes(), a.as_bytes()), "{b} {a}");
        }
        assert!(!related(b"gmail.com", b"gmail.com"));
        assert!(!related(b"gmail.com", b"example.org"));
    }
}
