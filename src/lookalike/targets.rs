//! What was meant: the targets of a run. Named by the investigator
//! (`--target`, `--targets`), built in (mail providers, government and
//! military domains and suffixes), or inferred from the logs (domains many
//! senders write to). Also the allow list: domains never reported.

use super::builtin::{LEGITIMATE_NEIGHBOURS, PROVIDERS, SENSITIVE_DOMAINS, SENSITIVE_SUFFIXES};
use super::matcher::{Matcher, Source};
use crate::domain::normalize_domain;

/// A domain is inferred to be intended when at least this many distinct
/// senders wrote to it...
pub const INFER_MIN_SENDERS: u64 = 3;
/// ...in at least this many messages.
pub const INFER_MIN_MESSAGES: u64 = 3;

/// The targets and allow list of a run, as configured.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetSpec {
    /// Named targets (`army.mil`).
    pub domains: Vec<String>,
    /// Suffix targets (`mil` for `*.mil`).
    pub suffixes: Vec<String>,
    /// The organisation's own domains (`--org-domain`): named targets that
    /// do not turn off inference, since naming one's own domains says
    /// nothing about where one writes to.
    pub org: Vec<String>,
    /// Domains that are legitimate in their own right, sorted (use
    /// [`TargetSpec::add_allow`]).
    pub allow: Vec<String>,
    /// Use the built-in providers and sensitive domains.
    pub builtin: bool,
    /// Findings below this score are not reported.
    pub min_score: f64,
}

/// The default `--min-score`: even odds (see the README).
pub const DEFAULT_MIN_SCORE: f64 = 0.5;

impl Default for TargetSpec {
    fn default() -> TargetSpec {
        TargetSpec {
            domains: Vec::new(),
            suffixes: Vec::new(),
            org: Vec::new(),
            allow: Vec::new(),
            builtin: true,
            min_score: DEFAULT_MIN_SCORE,
        }
    }
}

/// A parsed `--target` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Domain(String),
    Suffix(String),
}

/// Normalises a domain as typed on the command line or in a list file
/// (lower case, IDNA, no trailing dot); `None` if nothing is left.
pub fn normalize(raw: &str) -> Option<String> {
    let mut out = Vec::new();
    // Junk pasted around a domain (`#gmail.com`, `<army.mil>`) is dropped.
    let junk = |c: char| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let trimmed = raw
        .trim()
        .trim_start_matches(junk)
        .trim_end_matches(|c: char| junk(c) && c != '.');
    normalize_domain(trimmed.as_bytes(), &mut out);
    let s = String::from_utf8(out).ok()?;
    (!s.is_empty() && !s.contains(char::is_whitespace)).then_some(s)
}

/// Parses `army.mil`, `*.mil` or `.mil`.
pub fn parse_target(raw: &str) -> Result<Target, String> {
    let t = raw.trim();
    let (suffix, rest) = match t.strip_prefix("*.").or_else(|| t.strip_prefix('.')) {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let d = normalize(rest).ok_or_else(|| format!("{raw:?} is not a domain"))?;
    if d.contains('*') || d.contains('@') {
        return Err(format!(
            "{raw:?} is not a domain (write *.mil or .mil for a suffix)"
        ));
    }
    Ok(if suffix {
        Target::Suffix(d)
    } else {
        Target::Domain(d)
    })
}

/// The entries of a list file: one per line, `#` starts a comment.
pub fn list_entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
}

impl TargetSpec {
    pub fn add(&mut self, t: Target) {
        match t {
            Target::Domain(d) if !self.domains.contains(&d) => self.domains.push(d),
            Target::Suffix(s) if !self.suffixes.contains(&s) => self.suffixes.push(s),
            _ => {}
        }
    }

    /// Whether targets were named: then none are inferred from the logs.
    pub fn has_explicit(&self) -> bool {
        !self.domains.is_empty() || !self.suffixes.is_empty()
    }

    /// Adds a domain to the allow list, keeping it sorted.
    pub fn add_allow(&mut self, domain: String) {
        if let Err(at) = self.allow.binary_search(&domain) {
            self.allow.insert(at, domain);
        }
    }

    /// Whether `domain` may never be reported: allowed, a legitimate
    /// neighbour, or a built-in target. (Named targets are known to the
    /// matcher, which answers for them in constant time.)
    pub fn is_legitimate(&self, domain: &str) -> bool {
        self.allow
            .binary_search_by(|a| a.as_str().cmp(domain))
            .is_ok()
            || LEGITIMATE_NEIGHBOURS.binary_search(&domain).is_ok()
            || (self.builtin
                && (PROVIDERS.binary_search(&domain).is_ok()
                    || SENSITIVE_DOMAINS.binary_search(&domain).is_ok()))
    }

    /// The matcher over the named and built-in targets, plus `inferred`
    /// (domains of the logs judged intended) when no targets were named.
    pub fn matcher<'a>(&self, inferred: impl IntoIterator<Item = &'a str>) -> Matcher {
        let mut m = Matcher::new();
        let named = || self.domains.iter().chain(self.org.iter());
        for d in named() {
            m.add(d, Source::Explicit);
        }
        if self.domains.len() + self.org.len() <= super::matcher::DEEP_NAMED {
            for d in named() {
                m.index_deep(d);
            }
        }
        for s in &self.suffixes {
            m.add_suffix(s, Source::Explicit);
        }
        if self.builtin {
            for d in PROVIDERS {
                m.add_provider(d);
            }
            for d in SENSITIVE_DOMAINS {
                m.add(d, Source::Builtin);
            }
            for s in SENSITIVE_SUFFIXES {
                m.add_suffix(s, Source::Builtin);
            }
        }
        if !self.has_explicit() {
            for d in inferred {
                m.add(d, Source::Inferred);
            }
        }
        m.freeze();
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets_and_lists() {
        assert_eq!(
            parse_target("Army.MIL."),
            Ok(Target::Domain("army.mil".into()))
        );
        assert_eq!(parse_target("*.mil"), Ok(Target::Suffix("mil".into())));
        assert_eq!(parse_target(".gov.uk"), Ok(Target::Suffix("gov.uk".into())));
        assert!(parse_target("").is_err());
        assert_eq!(normalize("#Gmail.com"), Some("gmail.com".into()));
        assert!(parse_target("a@b.com").is_err());
        let text = "# targets\narmy.mil  # the army\n\n  *.gov.uk\n";
        assert_eq!(
            list_entries(text).collect::<Vec<_>>(),
            ["army.mil", "*.gov.uk"]
        );
    }

    #[test]
    fn legitimacy() {
        let mut spec = TargetSpec::default();
        spec.add_allow("gmial.com".into());
        assert!(spec.is_legitimate("gmial.com"));
        assert!(spec.is_legitimate("gmx.at") || spec.is_legitimate("gmx.de"));
        assert!(spec.is_legitimate("ymail.com"));
        assert!(!spec.is_legitimate("army.ml"));
        assert!(spec.is_legitimate("comcast.net") && spec.is_legitimate("army.mil"));
        spec.builtin = false;
        assert!(!spec.is_legitimate("comcast.net") && !spec.is_legitimate("army.mil"));
    }
}
