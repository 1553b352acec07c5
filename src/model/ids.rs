//! A map from id text to a small number, built for millions of ids.
//!
//! A bulk load looks ids up millions of times, and on a million-node graph
//! every lookup misses the cache: a `HashMap<String, _>` costs a miss for
//! the table and another for the string it points to. [`IdMap`] keeps ids of
//! up to [`INLINE`] bytes inside the table itself, so a lookup costs one
//! miss, and adding an id allocates nothing. Longer ids live in a side list.

use std::hash::BuildHasher as _;

use hashbrown::HashTable;

/// The longest id kept inside the table.
pub const INLINE: usize = 23;

/// `len` of a slot whose id lives in the side list.
const LONG: u8 = u8::MAX;

#[derive(Clone, Copy)]
struct Slot {
    len: u8,
    /// The id's bytes, or (for a long id) its index in the side list.
    bytes: [u8; INLINE],
    value: u32,
}

/// A map from ids to `u32` values (node indices, or numbers in order of
/// first appearance).
#[derive(Clone, Default)]
pub struct IdMap {
    table: HashTable<Slot>,
    hasher: foldhash::fast::RandomState,
    long: Vec<Box<str>>,
}

impl std::fmt::Debug for IdMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

fn long_index(bytes: &[u8; INLINE]) -> usize {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize
}

impl IdMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Makes room for `n` more ids.
    pub fn reserve(&mut self, n: usize) {
        let (hasher, long) = (&self.hasher, &self.long);
        self.table
            .reserve(n, |s| hasher.hash_one(Self::slot_bytes(long, s)));
    }

    #[inline]
    fn slot_bytes<'a>(long: &'a [Box<str>], s: &'a Slot) -> &'a [u8] {
        if s.len == LONG {
            long.get(long_index(&s.bytes))
                .map_or(&[][..], |l| l.as_bytes())
        } else {
            // `len` was set from a slice that fitted in `bytes` (INLINE).
            &s.bytes[..usize::from(s.len)]
        }
    }

    #[inline]
    fn find(&self, hash: u64, id: &[u8]) -> Option<&Slot> {
        let long = &self.long;
        self.table.find(hash, |s| Self::slot_bytes(long, s) == id)
    }

    /// The value of `id`.
    #[inline]
    pub fn get(&self, id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(id.as_bytes());
        self.find(hash, id.as_bytes()).map(|s| s.value)
    }

    /// Adds `id` with `value` unless present; returns the value it has.
    ///
    /// One probe finds the id or the slot it goes in: a bulk load adds a
    /// million node ids and interns millions of edge ends, each of them a
    /// cache miss per probe.
    pub fn get_or_insert(&mut self, id: &str, value: impl FnOnce() -> u32) -> (u32, bool) {
        use hashbrown::hash_table::Entry;
        let bytes = id.as_bytes();
        let hash = self.hasher.hash_one(bytes);
        let (hasher, long) = (&self.hasher, &self.long);
        let vacant = match self.table.entry(
            hash,
            |s| Self::slot_bytes(long, s) == bytes,
            |s| hasher.hash_one(Self::slot_bytes(long, s)),
        ) {
            Entry::Occupied(o) => return (o.get().value, false),
            Entry::Vacant(v) => v,
        };
        let value = value();
        let mut slot = Slot {
            len: 0,
            bytes: [0; INLINE],
            value,
        };
        let is_long = bytes.len() > INLINE;
        if is_long {
            slot.len = LONG;
            let i = u32::try_from(long.len()).unwrap_or(u32::MAX);
            slot.bytes[..4].copy_from_slice(&i.to_le_bytes());
        } else {
            slot.len = bytes.len() as u8;
            // Fits: tested against INLINE, the size of `bytes`, above.
            slot.bytes[..bytes.len()].copy_from_slice(bytes);
        }
        // Inserting into a slot already found rehashes nothing, so the
        // long id's text may join the side list just after.
        vacant.insert(slot);
        if is_long {
            self.long.push(id.into());
        }
        (value, true)
    }

    /// Removes `id`, returning its value.
    pub fn remove(&mut self, id: &str) -> Option<u32> {
        let bytes = id.as_bytes();
        let hash = self.hasher.hash_one(bytes);
        let long = &self.long;
        let entry = self
            .table
            .find_entry(hash, |s| Self::slot_bytes(long, s) == bytes)
            .ok()?;
        let (slot, _) = entry.remove();
        // A long id's text stays in the side list: removals are rare.
        Some(slot.value)
    }

    /// Every id with its value, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.table.iter().map(|s| {
            let text = std::str::from_utf8(Self::slot_bytes(&self.long, s)).unwrap_or("");
            (text, s.value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_ids_round_trip() {
        let mut m = IdMap::new();
        let long = "an id much longer than twenty-three bytes";
        assert_eq!(m.get_or_insert("a", || 1), (1, true));
        assert_eq!(m.get_or_insert(long, || 2), (2, true));
        assert_eq!(m.get_or_insert("a", || 9), (1, false));
        assert_eq!(m.get(long), Some(2));
        assert_eq!(m.get(""), None);
        assert_eq!(m.remove(long), Some(2));
        assert_eq!(m.get(long), None);
        assert_eq!(m.len(), 1);
        let ids: Vec<_> = m.iter().collect();
        assert_eq!(ids, [("a", 1)]);
    }

    #[test]
    fn ids_inserted_through_many_growths_keep_their_values() {
        // Long ids join the side list after their slot is found: a growth
        // in between must not mix up which text a slot points to.
        let mut m = IdMap::new();
        let id = |i: u32| {
            if i.is_multiple_of(3) {
                format!("a long id, number {i}, well past the inline size")
            } else {
                format!("n{i}")
            }
        };
        for i in 0..20_000u32 {
            assert_eq!(m.get_or_insert(&id(i), || i), (i, true));
        }
        for i in 0..20_000u32 {
            assert_eq!(m.get_or_insert(&id(i), || u32::MAX), (i, false));
            assert_eq!(m.get(&id(i)), Some(i));
        }
        assert_eq!(m.len(), 20_000);
        assert_eq!(m.iter().filter(|(t, v)| *t == id(*v)).count(), 20_000);
    }
}
