//! A set of small `Copy` values that keeps its first `N` values inline and
//! allocates a hash set only past them.
//!
//! Why: the census keeps two sets per recipient domain (recipients and
//! senders), and most domains of a large archive are seen once or twice. An empty hash set costs nothing, but a hash set with one value
//! allocates room for four (about 100 bytes with the allocator's own); with
//! millions of distinct domains (backscatter, spam runs) those allocations
//! were a fifth of the census's memory.

use std::hash::Hash;

use hashbrown::HashSet;

type Heap<T> = HashSet<T, foldhash::fast::RandomState>;

/// A set that is inline up to `N` values.
#[derive(Debug, Clone)]
pub enum SmallSet<T: Copy + Eq + Hash + Default, const N: usize> {
    /// The first `len` values of `items` (the rest are placeholders).
    Inline {
        len: u8,
        items: [T; N],
    },
    Heap(Box<Heap<T>>),
}

impl<T: Copy + Eq + Hash + Default, const N: usize> Default for SmallSet<T, N> {
    fn default() -> Self {
        SmallSet::Inline {
            len: 0,
            items: [T::default(); N],
        }
    }
}

impl<T: Copy + Eq + Hash + Default, const N: usize> SmallSet<T, N> {
    /// Adds `v`; true if it was not there.
    pub fn insert(&mut self, v: T) -> bool {
        match self {
            SmallSet::Inline { len, items } => {
                let n = usize::from(*len);
                if items[..n].contains(&v) {
                    return false;
                }
                if n < N {
                    items[n] = v;
                    *len += 1;
                    return true;
                }
                let mut heap: Heap<T> = Heap::default();
                heap.reserve(N * 2);
                heap.extend(items.iter().copied());
                heap.insert(v);
                *self = SmallSet::Heap(Box::new(heap));
                true
            }
            SmallSet::Heap(h) => h.insert(v),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            SmallSet::Inline { len, .. } => usize::from(*len),
            SmallSet::Heap(h) => h.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        let (inline, heap) = match self {
            SmallSet::Inline { len, items } => (&items[..usize::from(*len)], None),
            SmallSet::Heap(h) => (&[][..], Some(h.iter().copied())),
        };
        inline.iter().copied().chain(heap.into_iter().flatten())
    }

    /// Adds every value of `other` (the larger set keeps its allocation).
    pub fn merge(&mut self, mut other: Self) {
        if other.len() > self.len() {
            std::mem::swap(self, &mut other);
        }
        match other {
            SmallSet::Inline { len, items } => {
                for v in &items[..usize::from(len)] {
                    self.insert(*v);
                }
            }
            SmallSet::Heap(h) => {
                for v in h.into_iter() {
                    self.insert(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn sorted<const N: usize>(s: &SmallSet<u32, N>) -> Vec<u32> {
        let mut v: Vec<u32> = s.iter().collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn counts_distinct_values_inline_and_past_inline() {
        let mut s: SmallSet<u32, 2> = SmallSet::default();
        assert!(s.is_empty());
        assert!(s.insert(0), "the placeholder value is not taken as present");
        assert!(!s.insert(0));
        assert!(s.insert(7));
        assert!(matches!(s, SmallSet::Inline { len: 2, .. }));
        assert!(s.insert(9));
        assert!(matches!(s, SmallSet::Heap(_)));
        assert!(!s.insert(7));
        assert_eq!(s.len(), 3);
        assert_eq!(sorted(&s), vec![0, 7, 9]);
    }

    proptest::proptest! {
        #[test]
        fn behaves_like_a_set(a in proptest::collection::vec(0u32..20, 0..40),
                              b in proptest::collection::vec(0u32..20, 0..40)) {
            let (mut x, mut y): (SmallSet<u32, 1>, SmallSet<u32, 1>) = Default::default();
            let mut want = BTreeSet::new();
            for v in &a {
                proptest::prop_assert_eq!(x.insert(*v), want.insert(*v));
            }
            for v in &b {
                y.insert(*v);
                want.insert(*v);
            }
            x.merge(y);
            proptest::prop_assert_eq!(x.len(), want.len());
            proptest::prop_assert_eq!(sorted(&x), want.into_iter().collect::<Vec<_>>());
        }
    }
}
