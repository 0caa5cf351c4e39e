//! A symmetric-deletion index (SymSpell) over strings: every string with up
//! to `d` characters deleted points back to the entries it came from, so the
//! entries within `d` edits of a query are found by looking up the query's
//! own deletions, without comparing it to every entry. Hits are candidates
//! only; callers verify them with a real distance.
//!
//! Entries are added, then the index is frozen into one sorted array of
//! (deletion hash, entry) pairs with a hash table of ranges into it: a
//! lookup reads one contiguous run instead of chasing a linked list.

use std::collections::HashMap;

/// Deletion index mapping strings to entry ids.
#[derive(Debug, Default)]
pub struct DeletionIndex {
    max: usize,
    /// (deletion hash, entry) pairs added since the last freeze.
    pending: Vec<(u64, u32)>,
    /// Deletion hash -> range of `ids`.
    ranges: HashMap<u64, (u32, u32), foldhash::fast::FixedState>,
    ids: Vec<u32>,
}

/// Strings longer than this are indexed and queried with one deletion
/// fewer: their deletion sets grow quadratically.
const LONG: usize = 40;
/// Strings this short are indexed and queried one deletion deep: their
/// two-deletion remnants (`abc` of `abcde`) are shared by thousands of
/// entries, and two edits leave too little of a short name to mean anything.
const SHORT: usize = 5;

/// Deletion strings are hashed as polynomials modulo the Mersenne prime
/// 2^61 - 1, so that the hash of a string with some bytes left out comes
/// from its prefix hashes in a few multiplications, without writing the
/// shorter string out: a query makes hundreds of them. A collision only
/// adds a candidate, which the caller's distance check then drops.
const MODULUS: u64 = (1 << 61) - 1;
const BASE: u64 = 0x0ab5_4a98_ceb1_f0d3;

fn mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    let r = (p as u64 & MODULUS) + (p >> 61) as u64;
    if r >= MODULUS {
        r - MODULUS
    } else {
        r
    }
}

fn add(a: u64, b: u64) -> u64 {
    let r = a + b;
    if r >= MODULUS {
        r - MODULUS
    } else {
        r
    }
}

/// The key of a deletion string from its polynomial and its length.
fn key(poly: u64, len: usize) -> u64 {
    poly ^ (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The key of `b` as written out (what [`for_each_deletion_key`] computes
/// without writing it).
#[cfg(test)]
fn key_of(b: &[u8]) -> u64 {
    let poly = b
        .iter()
        .fold(0, |h, &c| add(mul(h, BASE), u64::from(c) + 1));
    key(poly, b.len())
}

/// Prefix polynomials of a string and powers of the base.
struct Prefixes {
    pre: Vec<u64>,
    pow: Vec<u64>,
}

impl Prefixes {
    fn new(s: &[u8]) -> Prefixes {
        let mut pre = Vec::with_capacity(s.len() + 1);
        let mut pow = Vec::with_capacity(s.len() + 1);
        let (mut h, mut p) = (0, 1);
        pre.push(h);
        pow.push(p);
        for &c in s {
            h = add(mul(h, BASE), u64::from(c) + 1);
            p = mul(p, BASE);
            pre.push(h);
            pow.push(p);
        }
        Prefixes { pre, pow }
    }

    /// `acc` followed by `s[a..b]`.
    fn then(&self, acc: u64, a: usize, b: usize) -> u64 {
        let k = self.pow[b - a];
        // pre[b] - pre[a] * k is the polynomial of s[a..b].
        let seg = add(self.pre[b], MODULUS - mul(self.pre[a], k));
        add(mul(acc, k), seg)
    }
}

/// Calls `f` with the key of every string made by deleting up to `max` (at
/// most 3) bytes of `s`, including `s` itself; the same keys as
/// [`for_each_deletion`]'s strings would have. Some come more than once
/// (deleting either of two equal neighbours); callers do not mind.
pub fn for_each_deletion_key(s: &[u8], max: usize, f: &mut dyn FnMut(u64)) {
    let n = s.len();
    let max = max.min(3).min(n);
    let p = Prefixes::new(s);
    f(key(p.pre[n], n));
    if max == 0 {
        return;
    }
    for d1 in 0..n {
        let a = p.pre[d1];
        f(key(p.then(a, d1 + 1, n), n - 1));
        if max == 1 {
            continue;
        }
        for d2 in d1 + 1..n {
            let b = p.then(a, d1 + 1, d2);
            f(key(p.then(b, d2 + 1, n), n - 2));
            if max == 2 {
                continue;
            }
            for d3 in d2 + 1..n {
                let c = p.then(b, d2 + 1, d3);
                f(key(p.then(c, d3 + 1, n), n - 3));
            }
        }
    }
}

/// How many deletions a string of this length gets, at most `max`.
fn depth(len: usize, max: usize) -> usize {
    if len > LONG || len <= SHORT {
        max.min(1)
    } else {
        max.min(3)
    }
}

/// Calls `f` with every string made by deleting up to `max` (at most 3)
/// characters of `s`, including `s` itself: the written-out form of
/// [`for_each_deletion_key`], which tests check it against.
#[cfg(test)]
pub fn for_each_deletion(s: &[u8], max: usize, f: &mut dyn FnMut(&[u8])) {
    let max = max.min(3);
    let mut buf = Vec::with_capacity(s.len());
    let mut picked = [0usize; 3];
    for k in 0..=max.min(s.len()) {
        // Deletion positions in increasing order, as an odometer.
        for (i, p) in picked.iter_mut().take(k).enumerate() {
            *p = i;
        }
        loop {
            buf.clear();
            let mut from = 0;
            for &p in &picked[..k] {
                buf.extend_from_slice(&s[from..p]);
                from = p + 1;
            }
            buf.extend_from_slice(&s[from..]);
            f(&buf);
            // Advance the rightmost position that can move.
            let Some(i) = (0..k).rev().find(|&i| picked[i] < s.len() - (k - i)) else {
                break;
            };
            picked[i] += 1;
            for j in i + 1..k {
                picked[j] = picked[j - 1] + 1;
            }
        }
    }
}

impl DeletionIndex {
    pub fn new(max: usize) -> DeletionIndex {
        DeletionIndex {
            max,
            ..DeletionIndex::default()
        }
    }

    /// Indexes `s` under entry `id`; visible to queries after [`freeze`](Self::freeze).
    pub fn insert(&mut self, s: &[u8], id: u32) {
        let pending = &mut self.pending;
        for_each_deletion_key(s, depth(s.len(), self.max), &mut |k| pending.push((k, id)));
    }

    /// Makes every inserted entry visible to queries.
    pub fn freeze(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut all: Vec<(u64, u32)> = std::mem::take(&mut self.pending);
        for (h, &(start, len)) in &self.ranges {
            all.extend(
                self.ids[start as usize..(start + len) as usize]
                    .iter()
                    .map(|&id| (*h, id)),
            );
        }
        all.sort_unstable();
        all.dedup();
        self.ranges.clear();
        self.ids.clear();
        self.ids.reserve(all.len());
        let mut i = 0;
        while i < all.len() {
            let h = all[i].0;
            let start = self.ids.len() as u32;
            while i < all.len() && all[i].0 == h {
                self.ids.push(all[i].1);
                i += 1;
            }
            self.ranges
                .insert(h, (start, self.ids.len() as u32 - start));
        }
    }

    /// Calls `f` with every entry sharing a deletion with `s` (possibly
    /// more than once).
    pub fn query(&self, s: &[u8], f: &mut dyn FnMut(u32)) {
        debug_assert!(self.pending.is_empty(), "query before freeze");
        for_each_deletion_key(s, depth(s.len(), self.max), &mut |k| {
            if let Some(&(start, len)) = self.ranges.get(&k) {
                for &id in &self.ids[start as usize..(start + len) as usize] {
                    f(id);
                }
            }
        });
    }

    /// Index entries (deletion strings stored).
    pub fn len(&self) -> usize {
        self.ids.len() + self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(idx: &DeletionIndex, q: &str) -> Vec<u32> {
        let mut v = Vec::new();
        idx.query(q.as_bytes(), &mut |id| v.push(id));
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn finds_entries_within_two_edits() {
        let mut idx = DeletionIndex::new(2);
        for (i, s) in ["gmail", "hotmail", "yahoo", "army"].iter().enumerate() {
            idx.insert(s.as_bytes(), i as u32);
        }
        idx.freeze();
        assert_eq!(hits(&idx, "gmial"), [0]);
        assert_eq!(hits(&idx, "gnail"), [0]);
        assert_eq!(hits(&idx, "hotnial"), [1], "two edits of a longer name");
        assert!(
            hits(&idx, "gnial").is_empty(),
            "short names are one edit deep"
        );
        assert_eq!(hits(&idx, "hotmial"), [1]);
        assert_eq!(hits(&idx, "yahooo"), [2]);
        assert_eq!(hits(&idx, "arny"), [3]);
        assert!(hits(&idx, "outlook").is_empty());
    }

    #[test]
    fn every_deletion_is_generated() {
        let mut all = Vec::new();
        for_each_deletion(b"aab", 2, &mut |d| all.push(d.to_vec()));
        all.sort();
        all.dedup();
        let want: Vec<Vec<u8>> = ["", "a", "aa", "aab", "ab", "b"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        // "" is three deletions away; the rest are all there.
        assert_eq!(all, want[1..]);
        let mut n = 0;
        for_each_deletion(b"abcdef", 2, &mut |_| n += 1);
        assert_eq!(n, 1 + 6 + 15);
        let mut n = 0;
        for_each_deletion(b"abcdef", 3, &mut |_| n += 1);
        assert_eq!(n, 1 + 6 + 15 + 20);
        let mut all = Vec::new();
        for_each_deletion(b"ab", 3, &mut |d| all.push(d.to_vec()));
        assert_eq!(all.len(), 4, "never more deletions than letters");
    }

    #[test]
    fn deletion_keys_are_the_keys_of_the_deletions_written_out() {
        for (s, max) in [
            ("", 3),
            ("a", 3),
            ("aab", 2),
            ("gmail", 3),
            ("hotmail.com", 3),
            ("ab", 1),
        ] {
            let mut want = Vec::new();
            for_each_deletion(s.as_bytes(), max, &mut |d| want.push(key_of(d)));
            let mut got = Vec::new();
            for_each_deletion_key(s.as_bytes(), max, &mut |k| got.push(k));
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want, "{s} {max}");
        }
        // Different strings, different keys (here: all of these).
        let mut keys: Vec<u64> = ["", "a", "b", "ab", "ba", "aa", "a\0", "\0a"]
            .iter()
            .map(|s| key_of(s.as_bytes()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 8);
    }

    proptest::proptest! {
        #[test]
        fn deletion_keys_match_for_any_string(s in proptest::collection::vec(0u8..4, 0..12), max in 0usize..4) {
            let mut want = Vec::new();
            for_each_deletion(&s, max, &mut |d| want.push(key_of(d)));
            let mut got = Vec::new();
            for_each_deletion_key(&s, max, &mut |k| got.push(k));
            want.sort_unstable();
            got.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
