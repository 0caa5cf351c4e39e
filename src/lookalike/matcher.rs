//! Finding the intended domains an observed domain could be a lookalike of.
//!
//! Candidates come from indexes over the targets, never from comparing an
//! observed domain with every target:
//! * a deletion index over target *names* (the labels before the public
//!   suffix), two edits deep, which finds label typos, suffix edits and
//!   both at once (`gnail.con`);
//! * a three-deep deletion index over the built-in mail providers, for
//!   badly mangled provider names (`otmia.com`);
//! * exact probes for edits that move dots (`modgov.uk`, `g.mail.com`,
//!   `gmailc.om`) or add a suffix (`gmail.com.com`);
//! * UTS #39 confusable skeletons for homoglyphs (`gmаil.com`);
//! * suffix targets (`*.mil`): the observed name under each target suffix
//!   whose spelling the observed suffix is close to (`army.ml` -> `army.mil`).
//!
//! Every candidate is then classified by [`classify`]; those that are not a
//! known kind of edit are dropped.

use std::collections::{HashMap, HashSet};

use super::edits::{classify, classify_split, osa_distance, Split};
use super::index::DeletionIndex;
use super::kind::Classification;

/// Where a target came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// `--target` / `--targets`.
    Explicit,
    /// misdirect's built-in list of providers and sensitive domains.
    Builtin,
    /// Inferred from the logs: many senders over many days.
    Inferred,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Explicit => "explicit",
            Source::Builtin => "builtin",
            Source::Inferred => "inferred",
        }
    }
}

/// Named targets beyond this many are indexed two edits deep only: the
/// three-deep index costs about 10x the memory of the two-deep one.
pub const DEEP_NAMED: usize = 20_000;

/// Targets within two edits classified per observed domain, closest first.
pub const CLOSE_LIMIT: usize = 8;

/// A candidate intended domain for an observed one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub intended: String,
    pub source: Source,
    /// Reached through a suffix target (`*.mil`) rather than a named domain.
    pub via_suffix: bool,
    /// A subdomain of a lookalike of a target (`mail.gmial.com`): ranked
    /// after direct readings of the same distance.
    pub via_subdomain: bool,
    pub class: Classification,
}

#[derive(Debug)]
struct Target {
    domain: String,
    source: Source,
    /// Where its public suffix starts (the PSL is asked once per target).
    suffix_start: usize,
}

/// Maps probed once or more per observed domain: a fast hash (no iteration
/// order is ever observed, so it cannot change a result).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type Set<K> = HashSet<K, foldhash::fast::RandomState>;

/// The targets and their indexes.
#[derive(Debug, Default)]
pub struct Matcher {
    targets: Vec<Target>,
    exact: Map<String, u32>,
    names: DeletionIndex,
    /// Targets that are a bare public suffix (`co.uk`) have no name to
    /// index; there are few, so they are compared directly.
    bare_suffixes: Vec<u32>,
    providers_deep: DeletionIndex,
    deep: Set<u32>,
    skeletons: Map<String, Vec<u32>>,
    suffixes: Vec<(String, Source)>,
    /// Each suffix target's position in `suffixes`.
    suffix_set: Map<String, u32>,
    /// Suffix targets by every byte-tail of their spelling (`gov.uk`,
    /// `ov.uk`, ..., `k`): the targets that end with an observed suffix.
    suffix_tails: Map<String, Vec<u32>>,
    /// The last label of each suffix target (`uk` of `gov.uk`): a string
    /// can only lie under a suffix target if it ends in one of these.
    suffix_last_labels: Set<String>,
    /// Suffix targets one deletion deep: those within one edit of an
    /// observed suffix, without comparing it to each.
    suffix_index: DeletionIndex,
}

impl Matcher {
    pub fn new() -> Matcher {
        Matcher {
            names: DeletionIndex::new(2),
            providers_deep: DeletionIndex::new(3),
            suffix_index: DeletionIndex::new(1),
            ..Matcher::default()
        }
    }

    /// Adds a named target; a target already present keeps its first source.
    pub fn add(&mut self, domain: &str, source: Source) {
        if self.exact.contains_key(domain) || domain.is_empty() {
            return;
        }
        let id = self.targets.len() as u32;
        let split = Split::new(domain);
        match index_name(split) {
            Some(name) => self.names.insert(name.as_bytes(), id),
            None => self.bare_suffixes.push(id),
        }
        self.skeletons.entry(skeleton(domain)).or_default().push(id);
        self.exact.insert(domain.to_string(), id);
        self.targets.push(Target {
            domain: domain.to_string(),
            source,
            suffix_start: split.suffix_start,
        });
    }

    /// Adds a built-in provider: also indexed three edits deep (people
    /// mangle the names they type most). A provider already named keeps
    /// its source.
    pub fn add_provider(&mut self, domain: &str) {
        self.add(domain, Source::Builtin);
        self.index_deep(domain);
    }

    /// Indexes a target three edits deep, as [`add_provider`](Self::add_provider)
    /// does for providers; named targets get this too, up to [`DEEP_NAMED`].
    pub fn index_deep(&mut self, domain: &str) {
        let Some(&id) = self.exact.get(domain) else {
            return;
        };
        let name = Split::new(domain).name();
        if name.len() >= 6 && self.deep.insert(id) {
            self.providers_deep.insert(name.as_bytes(), id);
        }
    }

    /// Makes every target added so far visible to [`candidates`](Self::candidates).
    pub fn freeze(&mut self) {
        self.names.freeze();
        self.providers_deep.freeze();
        self.suffix_index.freeze();
    }

    /// Adds a suffix target: every domain under `suffix` (`mil`, `gov.uk`).
    pub fn add_suffix(&mut self, suffix: &str, source: Source) {
        if self.suffix_set.contains_key(suffix) {
            return;
        }
        let id = self.suffixes.len() as u32;
        self.suffix_set.insert(suffix.to_string(), id);
        self.suffixes.push((suffix.to_string(), source));
        for at in (0..suffix.len()).filter(|&at| suffix.is_char_boundary(at)) {
            self.suffix_tails
                .entry(suffix[at..].to_string())
                .or_default()
                .push(id);
        }
        self.suffix_index.insert(suffix.as_bytes(), id);
        self.suffix_last_labels
            .insert(suffix.rsplit('.').next().unwrap_or(suffix).to_string());
    }

    /// Whether `domain` is itself a target (named, or under a suffix target).
    pub fn is_target(&self, domain: &str) -> bool {
        self.exact.contains_key(domain) || self.under_suffix_target(domain)
    }

    /// Whether `domain` lies under one of the suffix targets (`*.mil`).
    pub fn under_suffix_target(&self, domain: &str) -> bool {
        !self.suffix_set.is_empty()
            && domain.rsplit_once('.').is_some_and(|(_, last)| {
                self.suffix_last_labels.contains(last)
                    && domain
                        .match_indices('.')
                        .any(|(at, _)| self.suffix_set.contains_key(&domain[at + 1..]))
            })
    }

    pub fn target_source(&self, domain: &str) -> Option<Source> {
        self.exact
            .get(domain)
            .map(|&i| self.targets[i as usize].source)
    }

    pub fn target_count(&self) -> usize {
        self.targets.len()
    }

    /// The candidates for `observed` (a normalised domain), best first by
    /// edit distance, then intended domain.
    pub fn candidates(&self, observed: &str) -> Vec<Candidate> {
        let mut ids: Vec<u32> = Vec::new();
        let mut out: Vec<Candidate> = Vec::new();
        self.collect(observed, &mut ids, &mut out);
        // A subdomain of a lookalike: match its registrable domain and keep
        // the subdomain (`mail.randomsmallcompany.cmo`).
        let reg = Split::new(observed).registrable();
        if reg != observed && reg.contains('.') {
            let prefix = &observed[..observed.len() - reg.len()];
            let mut sub = Vec::new();
            self.collect(reg, &mut Vec::new(), &mut sub);
            for c in sub {
                let intended = format!("{prefix}{}", c.intended);
                if self.under_suffix_target(observed) || intended == observed {
                    continue;
                }
                if let Some(class) = classify(Split::new(&intended), observed) {
                    out.push(Candidate {
                        intended,
                        class,
                        via_subdomain: true,
                        ..c
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            (a.class.distance, a.via_subdomain, &a.intended).cmp(&(
                b.class.distance,
                b.via_subdomain,
                &b.intended,
            ))
        });
        out.dedup_by(|a, b| a.intended == b.intended);
        out
    }

    fn collect(&self, observed: &str, ids: &mut Vec<u32>, out: &mut Vec<Candidate>) {
        let split = Split::new(observed);
        // An observed domain that is itself a public suffix (`ac.ml`, a slip
        // of `aac.ml`) is looked up by the labels before its last dot.
        let name = index_name(split)
            .or_else(|| observed.rsplit_once('.').map(|(before, _)| before))
            .unwrap_or("");
        ids.clear();
        if !name.is_empty() {
            self.names.query(name.as_bytes(), &mut |id| ids.push(id));
        }
        // Targets found by the name index alone; the rest (three-deep
        // provider index, exact probes, skeletons) are always classified.
        let from_names = ids.len();
        if name.len() >= 4 {
            self.providers_deep
                .query(name.as_bytes(), &mut |id| ids.push(id));
        }
        // A mangled suffix is not a public suffix (`aaa.co.k`), so the
        // PSL puts part of it in the name: also try the labels before each
        // of the other dots as the name.
        for (at, _) in observed.match_indices('.').take(3) {
            if name.contains('.') && at != name.len() && at > 0 {
                self.names
                    .query(&observed.as_bytes()[..at], &mut |id| ids.push(id));
            }
        }
        let mut special: Vec<u32> = ids[from_names..].to_vec();
        ids.extend(self.bare_suffixes.iter().copied());
        // Dot probes that lie under a suffix target, for suffix_candidates.
        let mut under: Vec<String> = Vec::new();
        for_each_dot_probe(observed, &mut |probe| {
            if let Some(&id) = self.exact.get(probe) {
                ids.push(id);
            }
            if self.under_suffix_target(probe) {
                under.push(probe.to_string());
            }
        });
        for_each_visual_probe(observed, &mut |probe| {
            if let Some(&id) = self.exact.get(probe) {
                ids.push(id);
            }
        });
        if observed.contains("xn--") || !observed.is_ascii() {
            if let Some(v) = self.skeletons.get(&skeleton(observed)) {
                ids.extend(v);
            }
        }
        special.extend_from_slice(&ids[from_names..]);
        special.sort_unstable();
        ids.sort_unstable();
        ids.dedup();
        // Closest first; among many close targets (`company12`, `company21`,
        // ... around `company1`), only the first CLOSE_LIMIT are classified:
        // the alignment of each is the costly part. Structural readings
        // (further apart by distance) are always tried.
        let mut by_distance: Vec<(u32, u32)> = ids
            .iter()
            .map(|&id| {
                let t = self.targets[id as usize].domain.as_bytes();
                (
                    osa_distance(t, observed.as_bytes(), 2).unwrap_or(u32::MAX),
                    id,
                )
            })
            .collect();
        by_distance.sort_unstable();
        let mut close = 0;
        for &(distance, id) in &by_distance {
            let t = &self.targets[id as usize];
            if t.domain == observed {
                continue;
            }
            if distance <= 2 {
                if close == CLOSE_LIMIT {
                    continue;
                }
                close += 1;
            } else if t.domain.len().abs_diff(observed.len()) < 3
                && t.domain[t.suffix_start.min(t.domain.len())..] == *split.suffix()
                && special.binary_search(&id).is_err()
            {
                // More than two edits apart under the same suffix, about as
                // long: no structural edit can explain it (`company1234` and
                // `company5678` share deletions, not a slip).
                continue;
            }
            let target_split = Split {
                domain: &t.domain,
                suffix_start: t.suffix_start,
                known: true,
            };
            if let Some(class) = classify_split_any(target_split, split) {
                out.push(Candidate {
                    intended: t.domain.clone(),
                    source: t.source,
                    via_suffix: false,
                    via_subdomain: false,
                    class,
                });
            }
        }
        self.suffix_candidates(observed, split, &under, out);
    }

    /// Candidates under suffix targets: the observed name with the target
    /// suffix, and the dot probes that land under one (`under`).
    fn suffix_candidates(
        &self,
        observed: &str,
        split: Split<'_>,
        under: &[String],
        out: &mut Vec<Candidate>,
    ) {
        if self.suffixes.is_empty() || self.under_suffix_target(observed) {
            return;
        }
        let (name, observed_suffix) = (split.name(), split.suffix());
        // The suffix targets worth trying, in the order they were added:
        // those the observed suffix is close to, and those a probe lies under.
        let mut visit: Vec<u32> = Vec::new();
        for p in under {
            for (at, _) in p.match_indices('.') {
                if let Some(&id) = self.suffix_set.get(&p[at + 1..]) {
                    visit.push(id);
                }
            }
        }
        // The observed name under a target suffix, when the two suffixes
        // are one edit apart (`ml` for `mil`) or one was cut from the other
        // (`uk` for `gov.uk`): looked up, not compared with every target.
        let mut close: Vec<u32> = Vec::new();
        if !name.is_empty() && !observed_suffix.is_empty() {
            if let Some(ids) = self.suffix_tails.get(observed_suffix) {
                close.extend(ids);
            }
            self.suffix_index
                .query(observed_suffix.as_bytes(), &mut |id| {
                    let suffix = self.suffixes[id as usize].0.as_bytes();
                    if osa_distance(observed_suffix.as_bytes(), suffix, 1).is_some() {
                        close.push(id);
                    }
                });
            close.retain(|&id| self.suffixes[id as usize].0 != observed_suffix);
            close.sort_unstable();
            close.dedup();
        }
        visit.extend(&close);
        visit.sort_unstable();
        visit.dedup();
        let mut tried: Vec<String> = Vec::new();
        for id in visit {
            let (suffix, source) = &self.suffixes[id as usize];
            let mut intended_forms = Vec::new();
            if close.binary_search(&id).is_ok() {
                intended_forms.push(format!("{name}.{suffix}"));
            }
            for probe in under {
                if is_under(probe, suffix) {
                    intended_forms.push(probe.clone());
                }
            }
            for intended in intended_forms {
                if intended == observed || tried.contains(&intended) {
                    continue;
                }
                tried.push(intended.clone());
                if let Some(class) = classify(Split::new(&intended), observed) {
                    out.push(Candidate {
                        intended,
                        source: *source,
                        via_suffix: true,
                        via_subdomain: false,
                        class,
                    });
                }
            }
        }
    }
}

/// The part of a domain indexed as its name: the labels before the public
/// suffix; for a domain that is itself a public suffix by a wildcard rule
/// (`aaa.mm` under `*.mm`), the labels before the last dot; `None` for a
/// bare suffix (`co.uk`) or an empty domain.
fn index_name(split: Split<'_>) -> Option<&str> {
    let name = split.name();
    if !name.is_empty() {
        return Some(name);
    }
    let (before, last) = split.domain.rsplit_once('.')?;
    if before.is_empty() {
        return None;
    }
    // `co.uk` stays a bare suffix. A wildcard (any label under the country
    // is a suffix, even a made-up one) or a private registry's suffix
    // (`com.de`) does not.
    let wildcard = !last.is_empty() && super::edits::is_public_suffix(&format!("zq--none.{last}"));
    let icann = psl::suffix(split.domain.as_bytes()).is_some_and(|s| {
        s.typ() == Some(psl::Type::Icann) && s.as_bytes() == split.domain.as_bytes()
    });
    (wildcard || !icann).then_some(before)
}

/// Whether `domain` is a proper subdomain of `suffix` (`army.mil` under `mil`).
pub fn is_under(domain: &str, suffix: &str) -> bool {
    domain.len() > suffix.len() + 1
        && domain.ends_with(suffix)
        && domain.as_bytes()[domain.len() - suffix.len() - 1] == b'.'
}

/// Classifies by edits, or by confusable skeleton (homoglyphs).
pub fn classify_any(intended: &str, observed: &str) -> Option<Classification> {
    classify_split_any(Split::new(intended), Split::new(observed))
}

fn classify_split_any(
    intended_split: Split<'_>,
    observed_split: Split<'_>,
) -> Option<Classification> {
    let (intended, observed) = (intended_split.domain, observed_split.domain);
    if let Some(c) = classify_split(intended_split, observed_split) {
        return Some(c);
    }
    if (observed.contains("xn--") || !observed.is_ascii())
        && skeleton(observed) == skeleton(intended)
    {
        // Counted in characters of the Unicode spellings: `gmаil.com` is one
        // letter away from `gmail.com`, however long its `xn--` form.
        let (a, b) = (
            crate::domain::unicode_form(intended),
            crate::domain::unicode_form(observed),
        );
        let distance = if a.chars().count() == b.chars().count() {
            a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() as u32
        } else {
            super::edits::osa_distance(a.as_bytes(), b.as_bytes(), 64).unwrap_or(0)
        };
        return Some(Classification::single(
            super::kind::Kind::Homoglyph,
            super::kind::Location::Label,
            distance,
        ));
    }
    None
}

/// The UTS #39 skeleton of a domain's Unicode spelling, lower-cased.
pub fn skeleton(domain: &str) -> String {
    let unicode = crate::domain::unicode_form(domain);
    unicode_security::confusable_detection::skeleton(&unicode)
        .collect::<String>()
        .to_lowercase()
}

/// Writes `parts` one after the other into `buf` and calls `f` with it.
fn emit(buf: &mut String, parts: &[&str], f: &mut dyn FnMut(&str)) {
    buf.clear();
    for p in parts {
        buf.push_str(p);
    }
    f(buf);
}

/// Calls `f` with each string one visual sequence edit away (`rn` <-> `m`,
/// `cl` <-> `d`): two edits by distance, so the deletion index may not see
/// them. Written into one buffer: this runs for every distinct domain.
pub fn for_each_visual_probe(o: &str, f: &mut dyn FnMut(&str)) {
    let mut buf = String::with_capacity(o.len() + 2);
    for (seq, ch) in super::keyboard::VISUAL_SEQUENCES {
        for (from, to) in [(seq, ch), (ch, seq)] {
            // Overlapping matches: `nnna` is `mna` and `nma`.
            for at in (0..o.len()).filter(|&at| o.get(at..).is_some_and(|r| r.starts_with(from))) {
                emit(&mut buf, &[&o[..at], to, &o[at + from.len()..]], f);
            }
        }
    }
}

/// Calls `f` with each string one dot edit away: each dot removed, a dot
/// added at each place, each dot swapped with a neighbour, and trailing
/// labels cut off.
pub fn for_each_dot_probe(o: &str, f: &mut dyn FnMut(&str)) {
    let b = o.as_bytes();
    let mut buf = String::with_capacity(o.len() + 1);
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' {
            emit(&mut buf, &[&o[..i], &o[i + 1..]], f);
            if i + 1 < b.len() && b[i + 1] != b'.' && o.is_char_boundary(i + 2) {
                // gmailc.om: the dot belongs one place further.
                emit(&mut buf, &[&o[..i], &o[i + 1..i + 2], ".", &o[i + 2..]], f);
            }
            if i > 0 && b[i - 1] != b'.' && o.is_char_boundary(i - 1) {
                emit(&mut buf, &[&o[..i - 1], ".", &o[i - 1..i], &o[i + 1..]], f);
            }
        }
    }
    for i in 1..b.len() {
        if b[i] != b'.' && b[i - 1] != b'.' && o.is_char_boundary(i) {
            emit(&mut buf, &[&o[..i], ".", &o[i..]], f);
        }
    }
    let mut cut = o;
    while let Some(dot) = cut.rfind('.') {
        cut = &cut[..dot];
        f(cut);
    }
}

/// [`for_each_dot_probe`]'s strings (tests).
#[cfg(test)]
pub fn dot_probes(o: &str) -> Vec<String> {
    let mut v = Vec::new();
    for_each_dot_probe(o, &mut |p| v.push(p.to_string()));
    v
}

#[cfg(test)]
mod tests;
