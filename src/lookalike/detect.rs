//! The decision: for every recipient domain of a census, whether it is a
//! misdirection, of which domain, how, and how sure we are.
//!
//! Each observed domain that is not a target or legitimate in its own right
//! is looked up in the [`Matcher`]; every candidate intended domain is
//! scored with the logs' evidence ([`score`](super::score)), and the best
//! one above `--min-score` becomes the finding. Inferred targets must carry
//! more mail than the lookalike (the noisy-channel rule: the intended
//! spelling is the common one).

use rayon::prelude::*;

use super::builtin::is_cctld;
use super::matcher::{Candidate, Matcher, Source};
use super::score::{score, Evidence, Score};
use super::targets::{TargetSpec, INFER_MIN_MESSAGES, INFER_MIN_SENDERS};
use super::Classification;

/// Candidate intended domains scored per observed domain, closest first.
pub const MAX_CANDIDATES: usize = 8;

/// What the logs say about domains; the census implements it, and `match`
/// uses [`NoLogs`].
pub trait Observations: Sync {
    /// Every observed recipient domain, in a stable order.
    fn domains(&self) -> Vec<&str>;
    fn messages(&self, domain: &str) -> u64;
    fn senders(&self, domain: &str) -> u64;
    fn seen(&self, domain: &str) -> bool;
    /// (sent, bounced or expired) deliveries.
    fn outcomes(&self, domain: &str) -> (u64, u64);
    fn shared_local_parts(&self, a: &str, b: &str) -> u64;
    /// A sender wrote to `from`, then within minutes to `to`.
    fn self_corrections(&self, from: &str, to: &str) -> u64;
    fn co_recipients(&self, a: &str, b: &str) -> u64;
}

/// No logs: classification by the domains alone (`match`, benchmarks).
/// The domains listed are the ones [`detect`] examines.
#[derive(Clone, Debug, Default)]
pub struct NoLogs(pub Vec<String>);

impl Observations for NoLogs {
    fn domains(&self) -> Vec<&str> {
        self.0.iter().map(String::as_str).collect()
    }
    fn messages(&self, _: &str) -> u64 {
        0
    }
    fn senders(&self, _: &str) -> u64 {
        0
    }
    fn seen(&self, _: &str) -> bool {
        false
    }
    fn outcomes(&self, _: &str) -> (u64, u64) {
        (0, 0)
    }
    fn shared_local_parts(&self, _: &str, _: &str) -> u64 {
        0
    }
    fn self_corrections(&self, _: &str, _: &str) -> u64 {
        0
    }
    fn co_recipients(&self, _: &str, _: &str) -> u64 {
        0
    }
}

/// One misdirected domain.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub domain: String,
    pub intended: String,
    pub class: Classification,
    pub source: Source,
    /// Found through a suffix target (`*.mil`), not a named domain.
    pub via_suffix: bool,
    /// The lookalike's top-level domain when it is a delegated country code
    /// other than the intended one's (`ml`): mail there can be received.
    pub live_cctld: Option<&'static str>,
    pub country: Option<&'static str>,
    pub score: Score,
    pub evidence: Evidence,
    /// Other intended domains that scored above the threshold.
    pub alternatives: Vec<String>,
}

/// The domains the logs say are intended: many senders, many messages.
pub fn inferred_targets<O: Observations>(obs: &O) -> Vec<&str> {
    obs.domains()
        .into_iter()
        .filter(|d| {
            obs.senders(d) >= INFER_MIN_SENDERS
                && obs.messages(d) >= INFER_MIN_MESSAGES
                && d.contains('.')
        })
        .collect()
}

/// The findings of a run and what they were found against.
#[derive(Debug)]
pub struct Detection {
    pub findings: Vec<Finding>,
    /// Targets in the matcher (named, built-in and inferred).
    pub targets: usize,
    /// Of which inferred from the logs.
    pub inferred_targets: usize,
    /// Observed domains examined.
    pub domains: usize,
}

/// Runs the detector over every observed domain. Findings are sorted by
/// score (descending), then domain.
pub fn detect<O: Observations>(spec: &TargetSpec, obs: &O) -> Vec<Finding> {
    run(spec, obs).findings
}

/// [`detect`], with the counts run.json reports.
pub fn run<O: Observations>(spec: &TargetSpec, obs: &O) -> Detection {
    let inferred = if spec.has_explicit() {
        Vec::new()
    } else {
        inferred_targets(obs)
    };
    let inferred_targets = inferred.len();
    let matcher = spec.matcher(inferred);
    let domains = obs.domains();
    let mut findings: Vec<Finding> = domains
        .par_iter()
        .filter_map(|d| assess(spec, &matcher, obs, d))
        .filter(|f| f.score.value >= spec.min_score)
        .collect();
    findings.sort_by(|a, b| {
        b.score
            .value
            .total_cmp(&a.score.value)
            .then_with(|| a.domain.cmp(&b.domain))
    });
    Detection {
        findings,
        targets: matcher.target_count(),
        inferred_targets,
        domains: domains.len(),
    }
}

/// The best reading of one domain as a lookalike, whatever its score;
/// `None` if it is a target, legitimate, or like no target.
pub fn assess<O: Observations>(
    spec: &TargetSpec,
    matcher: &Matcher,
    obs: &O,
    domain: &str,
) -> Option<Finding> {
    if matches!(
        matcher.target_source(domain),
        Some(Source::Explicit | Source::Builtin)
    ) || matcher.under_suffix_target(domain)
    {
        return None;
    }
    let candidates = matcher.candidates(domain);
    // Most domains are like no target: settle them before anything else.
    if candidates.is_empty() || spec.is_legitimate(domain) {
        return None;
    }
    // A lookalike under a suffix that does not exist cannot have been meant,
    // unless the intended domain is under the same private suffix
    // (`a.example`, `b.example`): then it says nothing.
    let suffix_exists = suffix_exists(domain);
    let mut scored: Vec<(Candidate, Score, Evidence)> = candidates
        .into_iter()
        // The closest readings (candidates come sorted by distance): a domain
        // among thousands of similar names (`company12`, `company21`, ...)
        // would otherwise gather evidence against every one of them.
        .take(MAX_CANDIDATES)
        // A short bare label (`gmai`) says too little to be a cut-down
        // domain; it can only be a slip of a bare label target (`livr`).
        .filter(|c| !too_short(domain) || !c.intended.contains('.'))
        .filter_map(|c| {
            let e = evidence(obs, domain, &c.intended);
            if c.source == Source::Inferred && e.target_messages <= e.lookalike_messages {
                return None;
            }
            let tld = |d: &str| d.rsplit('.').next().unwrap_or("").to_string();
            let shared_private_suffix =
                !self::suffix_exists(&c.intended) && tld(domain) == tld(&c.intended);
            let s = score(
                &c.class,
                c.source,
                suffix_exists || shared_private_suffix,
                &e,
            );
            Some((c, s, e))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.1.value
            .total_cmp(&a.1.value)
            .then_with(|| a.0.class.distance.cmp(&b.0.class.distance))
            .then_with(|| a.0.via_subdomain.cmp(&b.0.via_subdomain))
            .then_with(|| a.0.intended.cmp(&b.0.intended))
    });
    let mut it = scored.into_iter();
    let (best, score, evidence) = it.next()?;
    let alternatives = it
        .filter(|(_, s, _)| s.value >= spec.min_score)
        .map(|(c, _, _)| c.intended)
        .collect();
    let (live_cctld, country) = live_cctld(domain, &best.intended);
    Some(Finding {
        domain: domain.to_string(),
        intended: best.intended,
        class: best.class,
        source: best.source,
        via_suffix: best.via_suffix,
        live_cctld,
        country,
        score,
        evidence,
        alternatives,
    })
}

fn evidence<O: Observations>(obs: &O, domain: &str, intended: &str) -> Evidence {
    let (sent, failed) = obs.outcomes(domain);
    Evidence {
        target_seen: obs.seen(intended),
        target_messages: obs.messages(intended),
        target_senders: obs.senders(intended),
        lookalike_messages: obs.messages(domain),
        lookalike_senders: obs.senders(domain),
        shared_local_parts: obs.shared_local_parts(domain, intended),
        self_corrections: obs.self_corrections(domain, intended),
        co_recipient_messages: obs.co_recipients(domain, intended),
        lookalike_sent: sent,
        lookalike_failed: failed,
    }
}

/// Bare labels shorter than five letters (`gm`, `gmai`) say too little.
fn too_short(domain: &str) -> bool {
    !domain.contains('.') && domain.len() < 5
}

/// Whether the domain's public suffix is a known one (`ml`, `co.uk`), or a
/// delegated ccTLD the PSL only knows through wildcards.
pub fn suffix_exists(domain: &str) -> bool {
    if !domain.contains('.') {
        return false;
    }
    let tld = domain.rsplit('.').next().unwrap_or("");
    psl::suffix(domain.as_bytes()).is_some_and(|s| s.is_known()) || is_cctld(tld).is_some()
}

/// The lookalike's ccTLD and its country, when the edit moved the mail into
/// another country's domain.
pub fn live_cctld(domain: &str, intended: &str) -> (Option<&'static str>, Option<&'static str>) {
    let tld = domain.rsplit('.').next().unwrap_or("");
    let intended_tld = intended.rsplit('.').next().unwrap_or("");
    if !domain.contains('.') || tld == intended_tld {
        return (None, None);
    }
    match super::builtin::CCTLDS.binary_search_by(|&(code, _)| code.cmp(tld)) {
        Ok(i) => (
            Some(super::builtin::CCTLDS[i].0),
            Some(super::builtin::CCTLDS[i].1),
        ),
        Err(_) => (None, None),
    }
}

/// Classifies domains without logs (`misdirect match`): the best reading of
/// each, whatever its score.
pub fn classify_domains(spec: &TargetSpec, domains: &[String]) -> Vec<(String, Option<Finding>)> {
    let matcher = spec.matcher(std::iter::empty());
    domains
        .par_iter()
        .map(|d| {
            let norm = super::targets::normalize(d).unwrap_or_default();
            let f = assess(spec, &matcher, &NoLogs::default(), &norm);
            (d.clone(), f)
        })
        .collect()
}

#[cfg(test)]
mod tests;
