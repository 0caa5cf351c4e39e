//! Classifying how an observed domain was made from an intended one: the
//! optimal string alignment (Damerau-Levenshtein without repeated edits of
//! one substring, so a transposition counts as one edit) and structural
//! checks for edits that are not one or two characters (a cut or added
//! suffix, another second level, `rn` for `m`).

use super::keyboard::{adjacent, bitflip, is_vowel, visual, VISUAL_SEQUENCES};
use super::kind::{Classification, Edit, Kind, Location};

/// One edit turning the intended string `t` into the observed `o`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `t[i]` left out.
    Delete { i: usize },
    /// `o[j]` added before `t[p]`.
    Insert { p: usize, j: usize },
    /// `t[i]` replaced by `o[j]`.
    Substitute { i: usize, j: usize },
    /// `t[i]`, `t[i+1]` swapped.
    Transpose { i: usize },
}

/// OSA distance, or `None` if it exceeds `max`. Cheap: a band of width
/// `2 max + 1` around the diagonal.
pub fn osa_distance(t: &[u8], o: &[u8], max: u32) -> Option<u32> {
    // A common prefix and suffix never change the distance, and similar
    // domains share most of theirs (`company12.example`, `company13.example`):
    // what is left is a few bytes.
    let p = t.iter().zip(o).take_while(|(a, b)| a == b).count();
    let (t, o) = (&t[p..], &o[p..]);
    let s = t
        .iter()
        .rev()
        .zip(o.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    osa_banded(&t[..t.len() - s], &o[..o.len() - s], max)
}

/// The banded OSA distance of `t` and `o` (three rows).
fn osa_banded(t: &[u8], o: &[u8], max: u32) -> Option<u32> {
    let (n, m) = (t.len(), o.len());
    if n.abs_diff(m) as u32 > max {
        return None;
    }
    let width = m + 1;
    let inf = max + 1;
    // Three rows are enough for OSA. Domains are short: the rows live on
    // the stack unless a string is longer than a label can be, since this
    // runs for every candidate of every distinct domain.
    const STACK: usize = 65;
    let mut on_stack = [0u32; 3 * STACK];
    let mut on_heap = Vec::new();
    let rows: &mut [u32] = if width <= STACK {
        &mut on_stack[..3 * width]
    } else {
        on_heap.resize(3 * width, 0);
        &mut on_heap
    };
    let (mut prev2, rest) = rows.split_at_mut(width);
    let (mut prev, mut cur) = rest.split_at_mut(width);
    prev2.fill(inf);
    for (j, v) in prev.iter_mut().enumerate() {
        *v = (j as u32).min(inf);
    }
    for i in 1..=n {
        cur.fill(inf);
        cur[0] = (i as u32).min(inf);
        let lo = i.saturating_sub(max as usize).max(1);
        let hi = (i + max as usize).min(m);
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = u32::from(t[i - 1] != o[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && t[i - 1] == o[j - 2] && t[i - 2] == o[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v.min(inf);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[m];
    (d <= max).then_some(d)
}

/// The edits of an optimal alignment of `t` to `o` (full matrix; used only
/// on verified candidates).
pub fn osa_ops(t: &[u8], o: &[u8]) -> Vec<Op> {
    let (n, m) = (t.len(), o.len());
    let w = m + 1;
    let mut d = vec![0u32; (n + 1) * w];
    for i in 0..=n {
        d[i * w] = i as u32;
    }
    for (j, cell) in d.iter_mut().enumerate().take(m + 1) {
        *cell = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = u32::from(t[i - 1] != o[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && t[i - 1] == o[j - 2] && t[i - 2] == o[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = d[i * w + j];
        if i > 0 && j > 0 && t[i - 1] == o[j - 1] && here == d[(i - 1) * w + j - 1] {
            i -= 1;
            j -= 1;
        } else if i > 1
            && j > 1
            && t[i - 1] == o[j - 2]
            && t[i - 2] == o[j - 1]
            && here == d[(i - 2) * w + j - 2] + 1
        {
            ops.push(Op::Transpose { i: i - 2 });
            i -= 2;
            j -= 2;
        } else if i > 0 && j > 0 && here == d[(i - 1) * w + j - 1] + 1 {
            ops.push(Op::Substitute { i: i - 1, j: j - 1 });
            i -= 1;
            j -= 1;
        } else if i > 0 && here == d[(i - 1) * w + j] + 1 {
            ops.push(Op::Delete { i: i - 1 });
            i -= 1;
        } else {
            ops.push(Op::Insert { p: i, j: j - 1 });
            j -= 1;
        }
    }
    ops.reverse();
    ops
}

/// An intended domain split at its public suffix.
#[derive(Clone, Copy, Debug)]
pub struct Split<'a> {
    pub domain: &'a str,
    /// Byte index where the public suffix starts (after the dot).
    pub suffix_start: usize,
    /// Whether the suffix is one the Public Suffix List knows (not just its
    /// default rule for an unknown top level, `aaa.co.k`).
    pub known: bool,
}

impl<'a> Split<'a> {
    /// Splits with the Public Suffix List. A domain with no dot is all name
    /// (a bare label, as typed without its suffix); a domain that is itself a
    /// public suffix (`co.uk`) is all suffix.
    pub fn new(domain: &'a str) -> Split<'a> {
        let (suffix_start, known) = if !domain.contains('.') {
            (domain.len(), false)
        } else {
            let suffix = psl::suffix(domain.as_bytes());
            let suffix_len = suffix.map_or(0, |s| s.as_bytes().len());
            (
                domain.len().saturating_sub(suffix_len),
                suffix.is_some_and(|s| s.is_known()),
            )
        };
        Split {
            domain,
            suffix_start,
            known,
        }
    }

    /// The registrable domain: the last label of the name and the suffix
    /// (`army.mil` of `mail.army.mil`); the whole domain if it has no name.
    pub fn registrable(&self) -> &'a str {
        let name = self.name();
        if name.is_empty() || self.suffix_start >= self.domain.len() {
            return self.domain;
        }
        let start = name.rfind('.').map_or(0, |dot| dot + 1);
        &self.domain[start..]
    }

    /// The labels before the suffix, without the dot.
    pub fn name(&self) -> &'a str {
        if self.suffix_start >= self.domain.len() {
            self.domain
        } else {
            &self.domain[..self.suffix_start.saturating_sub(1)]
        }
    }

    pub fn suffix(&self) -> &'a str {
        &self.domain[self.suffix_start..]
    }
}

/// How `observed` was made from `intended`, within two edits or by one of
/// the structural edits; `None` if it was not.
pub fn classify(intended: Split<'_>, observed: &str) -> Option<Classification> {
    classify_split(intended, Split::new(observed))
}

/// [`classify`] with the observed domain already split (the matcher splits
/// each observed domain once, not once per candidate).
pub fn classify_split(intended: Split<'_>, observed_split: Split<'_>) -> Option<Classification> {
    let t = intended.domain;
    let observed = observed_split.domain;
    if t == observed || observed.is_empty() {
        return None;
    }
    if let Some(c) = structural(intended, observed) {
        return Some(c);
    }
    let Some(distance) = osa_distance(t.as_bytes(), observed.as_bytes(), 2) else {
        return splitwise(intended, observed_split);
    };
    if distance >= 2 && t.len().min(observed.len()) <= 4 {
        // Two edits of a word of four letters or fewer leave too little of
        // it (`gm` is not `com`).
        return None;
    }
    let ops = osa_ops(t.as_bytes(), observed.as_bytes());
    let edits: Vec<Edit> = ops
        .iter()
        .map(|&op| classify_op(intended, observed.as_bytes(), op))
        .collect();
    Some(match edits.as_slice() {
        [one] => Classification {
            kind: one.kind,
            edits: edits.clone(),
            distance,
        },
        _ => Classification {
            kind: Kind::Compound,
            edits,
            distance,
        },
    })
}

/// Edits in the name and in the suffix at once, up to three in all (e.g.
/// `gmiol.co` for `gmail.com`, `ootlok.c` for `outlook.com`): the name within
/// two edits (three for long names) and the suffix within one edit or cut.
fn splitwise(s: Split<'_>, os: Split<'_>) -> Option<Classification> {
    let (tn, ts, on, osuf) = (s.name(), s.suffix(), os.name(), os.suffix());
    if tn == on || on.is_empty() {
        // The suffix alone more than two edits away: unrelated.
        return None;
    }
    if ts == osuf && tn.len() < 7 {
        // Three edits in a short name: too far to be a slip.
        return None;
    }
    let max_name = if tn.len() >= 6 { 3 } else { 2 };
    let name_dist = osa_distance(tn.as_bytes(), on.as_bytes(), max_name)?;
    if name_dist == 3 && !letters_within(on, tn) {
        // Three edits that bring in new letters make another word
        // (`gmail` is three edits from `hotmail`); three that only drop and
        // swap letters are a mangled name (`otmia`).
        return None;
    }
    let name_split = Split {
        domain: tn,
        suffix_start: tn.len(),
        known: false,
    };
    let mut edits: Vec<Edit> = osa_ops(tn.as_bytes(), on.as_bytes())
        .into_iter()
        .map(|op| classify_op(name_split, on.as_bytes(), op))
        .collect();
    if ts == osuf {
        let kind = if edits.len() == 1 {
            edits[0].kind
        } else {
            Kind::Compound
        };
        return Some(Classification {
            kind,
            edits,
            distance: name_dist,
        });
    }
    let suffix_edit = if osuf.is_empty() || (ts.starts_with(osuf) && ts.len() - osuf.len() >= 2) {
        Kind::SuffixTruncation
    } else if osa_distance(ts.as_bytes(), osuf.as_bytes(), 1).is_some() {
        let suffix_split = Split {
            domain: ts,
            suffix_start: 0,
            known: true,
        };
        let ops = osa_ops(ts.as_bytes(), osuf.as_bytes());
        classify_op(suffix_split, osuf.as_bytes(), ops[0]).kind
    } else {
        return None;
    };
    edits.push(Edit {
        kind: suffix_edit,
        location: Location::Suffix,
    });
    if edits.len() > 3 {
        return None;
    }
    let distance = name_dist + osa_distance(ts.as_bytes(), osuf.as_bytes(), 8).unwrap_or(1);
    Some(Classification {
        kind: Kind::Compound,
        edits,
        distance,
    })
}

/// Whether every letter of `a` is in `b`, counting repeats.
fn letters_within(a: &str, b: &str) -> bool {
    let mut counts = [0i32; 256];
    for c in b.bytes() {
        counts[c as usize] += 1;
    }
    a.bytes().all(|c| {
        counts[c as usize] -= 1;
        counts[c as usize] >= 0
    })
}

fn structural(s: Split<'_>, o: &str) -> Option<Classification> {
    let t = s.domain;
    let dist = |o: &str| osa_distance(t.as_bytes(), o.as_bytes(), u32::MAX / 4).unwrap_or(0);
    // Another suffix after the real one: gmail.com.com, partner.co.uk.com.
    // (A bare label with a suffix, `hotmail` -> `hotmail.com`, is no slip.)
    if let Some(rest) = o
        .strip_prefix(t)
        .and_then(|r| r.strip_prefix('.'))
        .filter(|_| t.contains('.'))
    {
        if !rest.is_empty() && !rest.contains('.') {
            return Some(Classification::single(
                Kind::SuffixAppended,
                Location::Suffix,
                dist(o),
            ));
        }
    }
    if s.suffix_start > 0 && s.suffix_start < t.len() {
        let name = s.name();
        let suffix = s.suffix();
        // The suffix cut off entirely (`outlook.` -> `outlook`) or cut short.
        if o == name {
            return Some(Classification::single(
                Kind::SuffixTruncation,
                Location::Suffix,
                dist(o),
            ));
        }
        if let Some(so) = o.strip_prefix(name).and_then(|r| r.strip_prefix('.')) {
            if !so.is_empty() && so.len() < suffix.len() {
                let cut_front =
                    suffix.ends_with(so) && suffix[..suffix.len() - so.len()].ends_with('.');
                let cut_back = suffix.starts_with(so) && suffix.len() - so.len() >= 2;
                if cut_front || cut_back {
                    return Some(Classification::single(
                        Kind::SuffixTruncation,
                        Location::Suffix,
                        dist(o),
                    ));
                }
            }
            // Another second level in the same country: co.uk -> ac.uk.
            if let (Some((sld_t, tld_t)), Some((sld_o, tld_o))) =
                (suffix.split_once('.'), so.split_once('.'))
            {
                if tld_t == tld_o && sld_t != sld_o && !sld_o.contains('.') && is_public_suffix(so)
                {
                    return Some(Classification::single(
                        Kind::WrongSecondLevel,
                        Location::Suffix,
                        dist(o),
                    ));
                }
            }
        }
    }
    // `rn` for `m`, `cl` for `d`: one visual edit of two characters.
    for (seq, ch) in VISUAL_SEQUENCES {
        for (from, to) in [(ch, seq), (seq, ch)] {
            let mut start = 0;
            while let Some(pos) = t[start..].find(from) {
                let at = start + pos;
                if o.len() == t.len() - from.len() + to.len()
                    && o.starts_with(&t[..at])
                    && o[at..].starts_with(to)
                    && o[at + to.len()..] == t[at + from.len()..]
                {
                    let loc = if at >= s.suffix_start {
                        Location::Suffix
                    } else {
                        Location::Label
                    };
                    return Some(Classification::single(
                        Kind::SubstitutionVisual,
                        loc,
                        dist(o),
                    ));
                }
                start = at + 1;
            }
        }
    }
    None
}

/// Whether `s` is itself a public suffix (e.g. `ac.uk`, not `com.uk`).
pub fn is_public_suffix(s: &str) -> bool {
    let probe = format!("x.{s}");
    psl::suffix(probe.as_bytes()).is_some_and(|x| x.is_known() && x.as_bytes() == s.as_bytes())
}

fn classify_op(s: Split<'_>, o: &[u8], op: Op) -> Edit {
    let t = s.domain.as_bytes();
    let in_suffix = |i: usize| i >= s.suffix_start && s.suffix_start < t.len();
    let (kind, location) = match op {
        Op::Delete { i } => match t[i] {
            b'.' => (Kind::MissingDot, Location::Boundary),
            b'-' => (Kind::Hyphenation, Location::Label),
            _ if in_suffix(i) => (Kind::SuffixOmission, Location::Suffix),
            _ => (Kind::Omission, Location::Label),
        },
        Op::Insert { p, j } => {
            let c = o[j];
            let doubled = (p > 0 && t[p - 1] == c) || t.get(p) == Some(&c);
            match c {
                b'.' => (Kind::ExtraDot, Location::Boundary),
                b'-' => (Kind::Hyphenation, Location::Label),
                _ if in_suffix(p) => (Kind::SuffixInsertion, Location::Suffix),
                _ if doubled => (Kind::Repetition, Location::Label),
                _ => (Kind::Insertion, Location::Label),
            }
        }
        Op::Substitute { i, j } => {
            let (a, b) = (t[i], o[j]);
            if a == b'.' {
                (Kind::MissingDot, Location::Boundary)
            } else if b == b'.' {
                (Kind::ExtraDot, Location::Boundary)
            } else if in_suffix(i) {
                (Kind::SuffixSubstitution, Location::Suffix)
            } else if a == b'-' || b == b'-' {
                (Kind::Hyphenation, Location::Label)
            } else if visual(a, b) {
                (Kind::SubstitutionVisual, Location::Label)
            } else if adjacent(a, b) {
                (Kind::SubstitutionKeyboard, Location::Label)
            } else if is_vowel(a) && is_vowel(b) {
                (Kind::SubstitutionVowel, Location::Label)
            } else if bitflip(a, b) {
                (Kind::Bitflip, Location::Label)
            } else {
                (Kind::SubstitutionOther, Location::Label)
            }
        }
        Op::Transpose { i } => {
            if t[i] == b'.' || t[i + 1] == b'.' {
                (Kind::ExtraDot, Location::Boundary)
            } else if in_suffix(i) {
                (Kind::SuffixTransposition, Location::Suffix)
            } else {
                (Kind::Transposition, Location::Label)
            }
        }
    };
    Edit { kind, location }
}

#[cfg(test)]
mod tests;
