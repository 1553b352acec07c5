//! A map from id text to a small number, built for millions of ids.
//!
//! A bulk load looks ids up millions of times, and on a million-node graph
//! every lookup misses the cache. A `HashMap<String, _>` costs a miss for
//! its table and another for the string it points to; hashbrown's own
//! tables keep their control bytes apart from their slots, a miss each. An
//! [`IdMap`] is an open-addressing table with linear probing whose slots are
//! 32 bytes, two to a cache line, each holding the id's hash, its value and
//! (for ids of up to [`INLINE`] bytes) the id itself: a lookup reads one
//! line, and adding an id allocates nothing. Longer ids live in a side list.
//!
//! One miss per lookup is still a wait of a hundred nanoseconds or more when
//! lookups come one at a time. [`IdMap::get_many`] looks up a batch: it
//! hashes every id first, then reads the slot each starts at in a loop short
//! enough that the processor has dozens of those reads under way at once,
//! and only then probes, from cache. Resolving the ends of a million-node
//! graph's edges is the largest single cost of a CSV load, and these
//! overlapped misses are what make it fast (BENCHMARKS.md).
//!
//! The table grows by doubling at three quarters full; removal shifts the
//! slots after the removed one back (no tombstones), so lookups never slow
//! down after removals.

use std::hash::BuildHasher as _;

/// The longest id kept inside the table.
pub const INLINE: usize = 23;

/// `len` of a slot whose id lives in the side list.
const LONG: u8 = u8::MAX;

/// `len` of an empty slot.
const EMPTY: u8 = u8::MAX - 1;

/// How many ids [`IdMap::get_many`] hashes and reads the slots of before
/// it probes for them.
pub const BATCH: usize = 64;

/// One slot: 32 bytes, aligned so that two share a cache line.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    /// The low 32 bits of the id's hash: where its probe starts, and a
    /// quick check before the bytes are compared.
    hash: u32,
    value: u32,
    /// The id's length, [`LONG`], or [`EMPTY`].
    len: u8,
    /// The id's bytes, or (for a long id) its index in the side list.
    bytes: [u8; INLINE],
}

const VACANT: Slot = Slot {
    hash: 0,
    value: 0,
    len: EMPTY,
    bytes: [0; INLINE],
};

/// A map from ids to `u32` values (node indices).
#[derive(Clone, Default)]
pub struct IdMap {
    /// A power of two slots, or none before the first id.
    slots: Vec<Slot>,
    len: usize,
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

/// The most ids a table of `slots` slots holds before it grows: three
/// quarters full, where a lookup that finds its id reads 2.5 slots on
/// average (1.5 past the one it starts at).
fn capacity_of(slots: usize) -> usize {
    slots / 4 * 3
}

impl IdMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Makes room for `n` more ids.
    pub fn reserve(&mut self, n: usize) {
        let want = self.len.saturating_add(n);
        if want > capacity_of(self.slots.len()) {
            let slots = want
                .saturating_mul(4)
                .div_ceil(3)
                .checked_next_power_of_two()
                .unwrap_or(usize::MAX / 2 + 1)
                .max(16);
            self.rebuild(slots);
        }
    }

    /// Moves every id into a table of `slots` slots (a power of two).
    fn rebuild(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![VACANT; slots]);
        let mask = slots - 1;
        for s in old.into_iter().filter(|s| s.len != EMPTY) {
            let mut i = s.hash as usize & mask;
            while self.slots.get(i).is_some_and(|t| t.len != EMPTY) {
                i = (i + 1) & mask;
            }
            if let Some(t) = self.slots.get_mut(i) {
                *t = s;
            }
        }
    }

    #[inline]
    fn hash(&self, id: &[u8]) -> u32 {
        self.hasher.hash_one(id) as u32
    }

    #[inline]
    fn slot_bytes<'a>(long: &'a [Box<str>], s: &'a Slot) -> &'a [u8] {
        if s.len == LONG {
            long.get(long_index(&s.bytes))
                .map_or(&[][..], |l| l.as_bytes())
        } else {
            // `len` was set from a slice that fitted in `bytes` (INLINE).
            s.bytes.get(..usize::from(s.len)).unwrap_or_default()
        }
    }

    /// Whether a slot holds `id`, whose hash is `hash`.
    #[inline]
    fn holds(&self, s: &Slot, hash: u32, id: &[u8]) -> bool {
        s.hash == hash
            && if s.len == LONG {
                Self::slot_bytes(&self.long, s) == id
            } else {
                usize::from(s.len) == id.len() && s.bytes.get(..id.len()) == Some(id)
            }
    }

    /// The position of `id`'s slot, or of the empty slot where it would go.
    #[inline]
    fn probe(&self, hash: u32, id: &[u8]) -> Result<usize, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = hash as usize & mask;
        // The table is never full, so the probe meets an empty slot.
        while let Some(s) = self.slots.get(i) {
            if s.len == EMPTY {
                return Err(i);
            }
            if self.holds(s, hash, id) {
                return Ok(i);
            }
            i = (i + 1) & mask;
        }
        Err(i)
    }

    /// The value of `id`.
    #[inline]
    pub fn get(&self, id: &str) -> Option<u32> {
        let hash = self.hash(id.as_bytes());
        let i = self.probe(hash, id.as_bytes()).ok()?;
        self.slots.get(i).map(|s| s.value)
    }

    /// The values of `ids`, in order, each passed to `found`: what
    /// [`IdMap::get`] gives for each (bytes that are not UTF-8 name no id),
    /// with the cache misses of a batch overlapped (see the module docs).
    pub fn get_many(&self, ids: &[&[u8]], mut found: impl FnMut(Option<u32>)) {
        let mut hashes = [0u32; BATCH];
        for batch in ids.chunks(BATCH) {
            for (h, id) in hashes.iter_mut().zip(batch) {
                *h = self.hash(id);
            }
            self.touch(hashes.iter().take(batch.len()));
            for (&h, id) in hashes.iter().zip(batch) {
                let at = self.probe(h, id).ok();
                found(at.and_then(|i| self.slots.get(i)).map(|s| s.value));
            }
        }
    }

    /// Reads the slot where the probe for each of `ids` starts, so that
    /// adding or finding them next finds those slots in cache: the reads
    /// are independent of one another, so their misses overlap.
    pub fn touch_many<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        let mut hashes = [0u32; BATCH];
        let mut ids = ids.into_iter().peekable();
        while ids.peek().is_some() {
            let mut n = 0;
            for (h, id) in hashes.iter_mut().zip(ids.by_ref()) {
                *h = self.hash(id.as_bytes());
                n += 1;
            }
            self.touch(hashes.iter().take(n));
        }
    }

    #[inline]
    fn touch<'h>(&self, hashes: impl Iterator<Item = &'h u32>) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut sum = 0u32;
        for &h in hashes {
            sum ^= self.slots.get(h as usize & mask).map_or(0, |s| s.value);
        }
        std::hint::black_box(sum);
    }

    /// Adds `id` with `value` unless present; returns the value it has and
    /// whether it was added.
    pub fn get_or_insert(&mut self, id: &str, value: impl FnOnce() -> u32) -> (u32, bool) {
        if self.len + 1 > capacity_of(self.slots.len()) {
            self.reserve(1.max(self.len));
        }
        let bytes = id.as_bytes();
        let hash = self.hash(bytes);
        let at = match self.probe(hash, bytes) {
            Ok(i) => return (self.slots.get(i).map_or(0, |s| s.value), false),
            Err(i) => i,
        };
        let value = value();
        let mut slot = Slot {
            hash,
            value,
            len: 0,
            bytes: [0; INLINE],
        };
        if bytes.len() > INLINE {
            slot.len = LONG;
            let i = u32::try_from(self.long.len()).unwrap_or(u32::MAX);
            slot.bytes[..4].copy_from_slice(&i.to_le_bytes());
            self.long.push(id.into());
        } else {
            slot.len = bytes.len() as u8;
            // Fits: tested against INLINE, the size of `bytes`, above.
            slot.bytes[..bytes.len()].copy_from_slice(bytes);
        }
        if let Some(s) = self.slots.get_mut(at) {
            *s = slot;
            self.len += 1;
        }
        (value, true)
    }

    /// Removes `id`, returning its value.
    pub fn remove(&mut self, id: &str) -> Option<u32> {
        let bytes = id.as_bytes();
        let hash = self.hash(bytes);
        let mut hole = self.probe(hash, bytes).ok()?;
        let value = self.slots.get(hole)?.value;
        // Slots after the hole that could sit in it move back, so every
        // probe still meets its id before an empty slot. A long id's text
        // stays in the side list: removals are rare.
        let mask = self.slots.len() - 1;
        let mut j = (hole + 1) & mask;
        while let Some(&s) = self.slots.get(j).filter(|s| s.len != EMPTY) {
            let from_home = j.wrapping_sub(s.hash as usize) & mask;
            let from_hole = j.wrapping_sub(hole) & mask;
            if from_home >= from_hole {
                if let Some(h) = self.slots.get_mut(hole) {
                    *h = s;
                }
                hole = j;
            }
            j = (j + 1) & mask;
        }
        if let Some(h) = self.slots.get_mut(hole) {
            *h = VACANT;
        }
        self.len -= 1;
        Some(value)
    }

    /// Every id with its value, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.slots.iter().filter(|s| s.len != EMPTY).map(|s| {
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

    #[test]
    fn get_many_answers_as_get_does() {
        let mut m = IdMap::new();
        let long = |i: u32| format!("a long id, number {i}, well past the inline size");
        for i in 0..5_000u32 {
            m.get_or_insert(&format!("n{i}"), || i);
            m.get_or_insert(&long(i), || i + 10_000);
        }
        // Present and absent ids, short and long, over several batches and
        // a partial last one.
        let texts: Vec<String> = (0..700u32)
            .map(|i| match i % 4 {
                0 => format!("n{}", i * 7),
                1 => long(i * 3),
                2 => format!("missing{i}"),
                _ => format!("{} but not in the map", long(i)),
            })
            .collect();
        let ids: Vec<&[u8]> = texts.iter().map(String::as_bytes).collect();
        let mut out = vec![Some(u32::MAX)];
        m.get_many(&ids, |v| out.push(v));
        assert_eq!(out.len(), ids.len() + 1, "one answer per id, in order");
        for (id, got) in texts.iter().zip(out.iter().skip(1)) {
            assert_eq!(*got, m.get(id), "{id}");
        }
        let not_utf8: &[u8] = &[0xff, b'n', b'1'];
        let mut odd = Vec::new();
        m.get_many(&[not_utf8, b"n7"], |v| odd.push(v));
        assert_eq!(odd, [None, Some(7)]);
        // Touching changes nothing, present or absent, and on an empty map.
        m.touch_many(texts.iter().map(String::as_str));
        IdMap::new().touch_many(["a", "b"]);
        assert_eq!(m.get("n7"), Some(7));
        assert_eq!(out.iter().skip(1).filter(|v| v.is_some()).count(), 350);
        let mut none = Vec::new();
        IdMap::new().get_many(&ids, |v| none.push(v));
        assert!(none.iter().all(Option::is_none) && none.len() == ids.len());
    }

    #[test]
    fn removals_keep_every_other_id_findable() {
        // Backward-shift removal against a HashMap model, on a table kept
        // small and full so probe runs are long and wrap around the end.
        let mut m = IdMap::new();
        let mut model = std::collections::HashMap::new();
        let mut state = 0x9e37_79b9_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        for step in 0..40_000u32 {
            let key = format!("k{}", next() % 300);
            if next() % 3 == 0 {
                assert_eq!(m.remove(&key), model.remove(&key), "step {step}");
            } else {
                let (v, added) = m.get_or_insert(&key, || step);
                let want = *model.entry(key.clone()).or_insert(step);
                assert_eq!((v, added), (want, want == step), "step {step}");
            }
            assert_eq!(m.len(), model.len());
        }
        for i in 0..300 {
            let key = format!("k{i}");
            assert_eq!(m.get(&key), model.get(&key).copied(), "{key}");
        }
        let mut all: Vec<_> = m.iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let mut want: Vec<_> = model.into_iter().collect();
        all.sort();
        want.sort();
        assert_eq!(all, want);
    }
}
