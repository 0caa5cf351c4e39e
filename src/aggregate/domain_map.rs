//! A map from domain names to their statistics, laid out for millions of
//! domains: the hash table holds only a 4-byte index, and names and values
//! sit in two vectors in insertion order.
//!
//! Why not a `HashMap<Box<[u8]>, DomainStats>`: its buckets hold the whole
//! value (240 bytes then) and are kept at most 7/8 full in a power of two,
//! so a million domains took 2^21 buckets, 537 MB, most of them empty. Here
//! the empty buckets cost 5 bytes each. Names are hashed again when the
//! table grows, which costs less than storing each hash.
//!
//! Why chunks: names and values are kept in fixed-size chunks rather than
//! one vector each. A vector that doubles holds up to twice what it needs,
//! and while it doubles the old and the new buffer are both alive (the
//! allocator copies rather than remaps): for a million domains' values that
//! was 126 MB held twice at the peak of the run.

use std::hash::BuildHasher;

use hashbrown::HashTable;

type Hasher = foldhash::fast::RandomState;

/// Domain name -> `V`, iterated in insertion order.
#[derive(Debug)]
pub struct DomainMap<V> {
    table: HashTable<u32>,
    keys: Chunked<Box<[u8]>>,
    values: Chunked<V>,
    hasher: Hasher,
}

impl<V> Default for DomainMap<V> {
    fn default() -> Self {
        DomainMap {
            table: HashTable::new(),
            keys: Chunked::default(),
            values: Chunked::default(),
            hasher: Hasher::default(),
        }
    }
}

impl<V> DomainMap<V> {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.len() == 0
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
        let i = self.find_or_insert_with(key, make);
        &mut self.values[i]
    }

    /// The index of `key`, inserted with the value `make` gives if absent.
    pub fn find_or_insert_with(&mut self, key: &[u8], make: impl FnOnce() -> V) -> usize {
        let h = self.hasher.hash_one(key);
        let keys = &self.keys;
        let hasher = &self.hasher;
        let entry = self.table.entry(
            h,
            |&i| *keys[i as usize] == *key,
            |&i| hasher.hash_one(&*keys[i as usize]),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(o) => *o.get() as usize,
            hashbrown::hash_table::Entry::Vacant(v) => {
                let i = self.keys.len();
                v.insert(index(i));
                self.keys.push(key.into());
                self.values.push(make());
                i
            }
        }
    }

    /// The key at index `i` (as [`find`](Self::find) gives it).
    pub fn key(&self, i: usize) -> &[u8] {
        &self.keys[i]
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.keys.iter().map(|k| &**k)
    }

    /// Adds `value` under `key`, or folds it into the value there.
    /// Inserts `key`, or merges `value` into its value; returns its index.
    pub fn insert_or_merge(
        &mut self,
        key: Box<[u8]>,
        value: V,
        merge: impl FnOnce(&mut V, V),
    ) -> usize {
        match self.find(&key) {
            Some(i) => {
                merge(&mut self.values[i], value);
                i
            }
            None => {
                let i = self.keys.len();
                let h = self.hasher.hash_one(&*key);
                let keys = &self.keys;
                let hasher = &self.hasher;
                self.table
                    .insert_unique(h, index(i), |&j| hasher.hash_one(&*keys[j as usize]));
                self.keys.push(key);
                self.values.push(value);
                i
            }
        }
    }

    /// The value at index `i` (as [`find`](Self::find) gives it).
    pub fn value_mut(&mut self, i: usize) -> &mut V {
        &mut self.values[i]
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.keys.iter().map(|k| &**k).zip(self.values.iter())
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&[u8], &mut V)> {
        self.keys.iter().map(|k| &**k).zip(self.values.iter_mut())
    }
}

type ChunksIntoIter<T> = std::iter::Flatten<std::vec::IntoIter<Vec<T>>>;

impl<V> IntoIterator for DomainMap<V> {
    type Item = (Box<[u8]>, V);
    type IntoIter = std::iter::Zip<ChunksIntoIter<Box<[u8]>>, ChunksIntoIter<V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().zip(self.values.into_iter())
    }
}

/// Entries per chunk past the first: 2^12 (three quarters of a megabyte of
/// 184-byte domain statistics).
const CHUNK_BITS: u32 = 12;
const CHUNK: usize = 1 << CHUNK_BITS;

/// A vector kept in chunks of [`CHUNK`] entries. The first chunk grows like
/// a vector (most maps are small: one per input file); each later chunk is
/// allocated whole, so the slack is at most one chunk and nothing is moved.
#[derive(Debug)]
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, v: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(v),
            _ => {
                let mut c = if self.chunks.is_empty() {
                    Vec::new()
                } else {
                    Vec::with_capacity(CHUNK)
                };
                c.push(v);
                self.chunks.push(c);
            }
        }
        self.len += 1;
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.chunks.iter_mut().flatten()
    }

    fn into_iter(self) -> ChunksIntoIter<T> {
        self.chunks.into_iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }
}

impl<T> std::ops::IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
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
    fn many_chunks_keep_every_entry_and_the_order() {
        let n = 3 * CHUNK + 5;
        let mut m: DomainMap<usize> = DomainMap::default();
        for i in 0..n {
            *m.get_or_insert_with(format!("d{i}.example").as_bytes(), || 0) += i;
        }
        // A second round finds every entry where the first left it.
        for i in (0..n).rev() {
            *m.get_or_insert_with(format!("d{i}.example").as_bytes(), || 0) += i;
        }
        assert_eq!(m.len(), n);
        assert_eq!(m.values.chunks.len(), 4);
        assert!(m.values.chunks[1..].iter().all(|c| c.capacity() == CHUNK));
        for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK + 7, n - 1] {
            let key = format!("d{i}.example");
            assert_eq!(m.find(key.as_bytes()), Some(i));
            assert_eq!(m.get(key.as_bytes()), Some(&(2 * i)));
        }
        assert!(m.iter().enumerate().all(|(i, (_, v))| *v == 2 * i));
        let keys: Vec<Box<[u8]>> = m.into_iter().map(|(k, _)| k).collect();
        assert_eq!(&*keys[CHUNK], format!("d{CHUNK}.example").as_bytes());
        assert_eq!(keys.len(), n);
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
