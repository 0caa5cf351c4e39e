//! A map from domain names to their statistics, laid out for millions of
//! domains: the hash table holds only a 4-byte index, and names and values
//! sit in two vectors in insertion order.
//!
//! Why not a `HashMap<Box<[u8]>, DomainStats>`: its buckets hold the whole
//! value (240 bytes) and are kept at most 7/8 full in a power of two, so a
//! million domains took 2^21 buckets, 537 MB, most of them empty. Here the
//! empty buckets cost 5 bytes each, and a vector of values grows in place
//! (large reallocations are remapped, not copied). Names are hashed again
//! when the table grows, which costs less than storing each hash.

use std::hash::BuildHasher;

use hashbrown::HashTable;

type Hasher = foldhash::fast::RandomState;

/// Domain name -> `V`, iterated in insertion order.
#[derive(Debug)]
pub struct DomainMap<V> {
    table: HashTable<u32>,
    keys: Vec<Box<[u8]>>,
    values: Vec<V>,
    hasher: Hasher,
}

impl<V> Default for DomainMap<V> {
    fn default() -> Self {
        DomainMap {
            table: HashTable::new(),
            keys: Vec::new(),
            values: Vec::new(),
            hasher: Hasher::default(),
        }
    }
}

impl<V> DomainMap<V> {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The index of `key`: its position in [`iter`](Self::iter)'s order.
    pub fn find(&self, key: &[u8]) -> Option<usize> {
        let h = self.hasher.hash_one(key);
        self.table
            .find(h, |&i| *self.keys[i as usize] == *key)
            .map(|&i| i as usize)
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.find(key).map(|i| &self.values[i])
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        self.find(key).map(|i| &mut self.values[i])
    }

    /// The value of `key`, made with `make` (and the key copied) if absent.
    /// One hash and one probe either way.
    pub fn get_or_insert_with(&mut self, key: &[u8], make: impl FnOnce() -> V) -> &mut V {
        let h = self.hasher.hash_one(key);
        let keys = &self.keys;
        let hasher = &self.hasher;
        let entry = self.table.entry(
            h,
            |&i| *keys[i as usize] == *key,
            |&i| hasher.hash_one(&*keys[i as usize]),
        );
        let i = match entry {
            hashbrown::hash_table::Entry::Occupied(o) => *o.get() as usize,
            hashbrown::hash_table::Entry::Vacant(v) => {
                let i = self.keys.len();
                v.insert(index(i));
                self.keys.push(key.into());
                self.values.push(make());
                i
            }
        };
        &mut self.values[i]
    }

    /// Adds `value` under `key`, or folds it into the value there.
    pub fn insert_or_merge(&mut self, key: Box<[u8]>, value: V, merge: impl FnOnce(&mut V, V)) {
        match self.find(&key) {
            Some(i) => merge(&mut self.values[i], value),
            None => {
                let i = self.keys.len();
                let h = self.hasher.hash_one(&*key);
                let keys = &self.keys;
                let hasher = &self.hasher;
                self.table
                    .insert_unique(h, index(i), |&j| hasher.hash_one(&*keys[j as usize]));
                self.keys.push(key);
                self.values.push(value);
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.keys.iter().map(|k| &**k).zip(&self.values)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&[u8], &mut V)> {
        self.keys.iter().map(|k| &**k).zip(&mut self.values)
    }
}

impl<V> IntoIterator for DomainMap<V> {
    type Item = (Box<[u8]>, V);
    type IntoIter = std::iter::Zip<std::vec::IntoIter<Box<[u8]>>, std::vec::IntoIter<V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().zip(self.values)
    }
}

/// An index that fits the table's 4 bytes. 2^32 distinct domains would need
/// about a terabyte of statistics first.
fn index(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 distinct domains")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Behaves like a BTreeMap under any sequence of counts and merges.
        #[test]
        fn counts_like_a_btreemap(
            ops in proptest::collection::vec((0u8..40, 1u64..5, any::<bool>()), 0..400)
        ) {
            let mut m: DomainMap<u64> = DomainMap::default();
            let mut want: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
            for (k, n, merge) in ops {
                let key = format!("d{k}.example").into_bytes();
                if merge {
                    m.insert_or_merge(key.clone().into(), n, |a, b| *a += b);
                } else {
                    *m.get_or_insert_with(&key, || 0) += n;
                }
                *want.entry(key).or_default() += n;
            }
            prop_assert_eq!(m.len(), want.len());
            for (k, v) in &want {
                prop_assert_eq!(m.get(k), Some(v));
            }
            prop_assert_eq!(m.get(b"absent.example"), None);
            let got: BTreeMap<Vec<u8>, u64> = m.into_iter().map(|(k, v)| (k.into_vec(), v)).collect();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn insertion_order_is_kept() {
        let mut m: DomainMap<u32> = DomainMap::default();
        for (i, d) in ["c.example", "a.example", "b.example", "a.example"]
            .iter()
            .enumerate()
        {
            *m.get_or_insert_with(d.as_bytes(), || 0) += i as u32;
        }
        let order: Vec<&[u8]> = m.iter().map(|(k, _)| k).collect();
        assert_eq!(
            order,
            [&b"c.example"[..], &b"a.example"[..], &b"b.example"[..]]
        );
        assert_eq!(m.get(b"a.example"), Some(&4));
        *m.get_mut(b"b.example").unwrap() = 9;
        assert_eq!(m.iter_mut().map(|(_, v)| *v).sum::<u32>(), 13);
    }
}
