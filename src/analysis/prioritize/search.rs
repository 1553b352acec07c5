//! The two searches: greedy with its running upper bound, and branch and
//! bound over subsets (see the module docs of [`super`]).

use super::*;

/// What the greedy pass found.
pub(super) struct Greedy {
    pub(super) chosen: Vec<usize>,
    pub(super) bound: f64,
    pub(super) timed_out: bool,
}

/// The sum of the `k` largest values (reorders `values`).
pub(super) fn top_sum(values: &mut [f64], k: usize) -> f64 {
    if k == 0 || values.is_empty() {
        return 0.0;
    }
    if k < values.len() {
        values.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        values[..k].iter().sum()
    } else {
        values.iter().sum()
    }
}

/// Greedy by completion value, with the bound of the module docs computed
/// after every step; `free` picks beyond `keep`.
pub(super) fn greedy(
    inst: &Instance,
    r: u32,
    keep: &[usize],
    free: usize,
    deadline: Option<Instant>,
) -> Greedy {
    let n = inst.candidates.len();
    let mut chosen: Vec<usize> = keep.to_vec();
    let mut in_set = vec![false; n];
    for &k in keep {
        in_set[k] = true;
    }
    let mut counts = inst.counts(keep);
    // Every target some `r` candidates (kept or free) can complete.
    let mut coverers = vec![0usize; inst.targets.len()];
    for cover in &inst.covers {
        for &t in cover {
            coverers[t as usize] += 1;
        }
    }
    let reachable: f64 = inst
        .weights
        .iter()
        .zip(&coverers)
        .zip(&counts)
        .filter(|((_, c), k)| **k >= r || (**c >= r as usize && (r - **k) as usize <= free))
        .map(|((w, _), _)| *w)
        .sum();
    let mut bound = reachable;
    let mut values = Vec::with_capacity(n);
    let mut timed_out = false;
    for step in 0..=free {
        let left = free - step;
        let score = inst.score(&counts, r);
        values.clear();
        let mut pick: Option<(usize, f64, f64)> = None;
        for (c, cover) in inst.covers.iter().enumerate() {
            if in_set[c] {
                continue;
            }
            let (mut v_bound, mut v_pick, mut gain) = (0.0, 0.0, 0.0);
            for &t in cover {
                let t = t as usize;
                let have = counts[t];
                if have >= r {
                    continue;
                }
                let need = (r - have) as usize;
                let w = inst.weights[t];
                if need <= free {
                    v_bound += w / need as f64;
                }
                if need <= left {
                    v_pick += w / need as f64;
                }
                if need == 1 {
                    gain += w;
                }
            }
            values.push(v_bound);
            let better = match pick {
                None => v_pick > 0.0,
                Some((_, v, g)) => v_pick > v || (v_pick == v && gain > g),
            };
            if better {
                pick = Some((c, v_pick, gain));
            }
        }
        bound = bound.min(score + top_sum(&mut values, free));
        if left == 0 {
            break;
        }
        let Some((c, _, _)) = pick else { break };
        in_set[c] = true;
        chosen.push(c);
        for &t in &inst.covers[c] {
            counts[t as usize] += 1;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            timed_out = left > 1;
            break;
        }
    }
    Greedy {
        chosen,
        bound,
        timed_out,
    }
}

/// The exhaustive search's state.
pub(super) struct Branch<'a> {
    pub(super) inst: &'a Instance,
    pub(super) r: u32,
    /// Candidates to decide on, most valuable first.
    pub(super) order: Vec<usize>,
    /// For each target, how many undecided candidates cover it.
    pub(super) rem: Vec<u32>,
    pub(super) counts: Vec<u32>,
    pub(super) score: f64,
    pub(super) current: Vec<usize>,
    pub(super) best: Vec<usize>,
    pub(super) best_score: f64,
    pub(super) deadline: Option<Instant>,
    pub(super) visited: u64,
    pub(super) timed_out: bool,
    pub(super) eps: f64,
    pub(super) scratch: Vec<f64>,
}

impl<'a> Branch<'a> {
    pub(super) fn new(
        inst: &'a Instance,
        r: u32,
        keep: &[usize],
        incumbent: &Solution,
        deadline: Option<Instant>,
        eps: f64,
    ) -> Self {
        let counts = inst.counts(keep);
        let value = |c: usize| -> f64 {
            inst.covers[c]
                .iter()
                .filter(|&&t| counts[t as usize] < r)
                .map(|&t| inst.weights[t as usize] / f64::from(r - counts[t as usize]))
                .sum()
        };
        let mut order: Vec<(usize, f64)> = (0..inst.candidates.len())
            .filter(|c| !keep.contains(c) && !inst.covers[*c].is_empty())
            .map(|c| (c, value(c)))
            .collect();
        order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let order: Vec<usize> = order.into_iter().map(|(c, _)| c).collect();
        let mut rem = vec![0u32; inst.targets.len()];
        for &c in &order {
            for &t in &inst.covers[c] {
                rem[t as usize] += 1;
            }
        }
        Branch {
            inst,
            r,
            rem,
            score: inst.score(&counts, r),
            counts,
            current: keep.to_vec(),
            best: incumbent.chosen.clone(),
            best_score: incumbent.score,
            deadline,
            visited: 0,
            timed_out: false,
            eps,
            scratch: Vec::with_capacity(order.len()),
            order,
        }
    }

    /// The best score any completion from `pos` with `left` picks can add.
    pub(super) fn bound(&mut self, pos: usize, left: usize) -> f64 {
        let (inst, r) = (self.inst, self.r);
        let open = |t: usize, counts: &[u32], rem: &[u32]| -> Option<u32> {
            let have = counts[t];
            let need = r.checked_sub(have).filter(|n| *n > 0)?;
            (need as usize <= left && rem[t] >= need).then_some(need)
        };
        let cap: f64 = (0..inst.targets.len())
            .filter(|&t| open(t, &self.counts, &self.rem).is_some())
            .map(|t| inst.weights[t])
            .sum();
        self.scratch.clear();
        for &c in &self.order[pos..] {
            let v: f64 = inst.covers[c]
                .iter()
                .filter_map(|&t| {
                    open(t as usize, &self.counts, &self.rem)
                        .map(|need| inst.weights[t as usize] / f64::from(need))
                })
                .sum();
            self.scratch.push(v);
        }
        cap.min(top_sum(&mut self.scratch, left))
    }

    pub(super) fn add(&mut self, c: usize, sign: i32) {
        let r = self.r;
        for &t in &self.inst.covers[c] {
            let t = t as usize;
            let before = self.counts[t] >= r;
            if sign > 0 {
                self.counts[t] += 1;
            } else {
                self.counts[t] -= 1;
            }
            let after = self.counts[t] >= r;
            if before != after {
                let w = self.inst.weights[t];
                self.score += if after { w } else { -w };
            }
        }
    }

    pub(super) fn dfs(&mut self, pos: usize, left: usize) {
        if self.timed_out {
            return;
        }
        self.visited += 1;
        if self.visited.is_multiple_of(1024) && self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out = true;
            return;
        }
        if self.score > self.best_score + self.eps {
            self.best_score = self.score;
            self.best = self.current.clone();
        }
        if left == 0 || pos == self.order.len() {
            return;
        }
        if self.score + self.bound(pos, left) <= self.best_score + self.eps {
            return;
        }
        let c = self.order[pos];
        for &t in &self.inst.covers[c] {
            self.rem[t as usize] -= 1;
        }
        self.add(c, 1);
        self.current.push(c);
        self.dfs(pos + 1, left - 1);
        self.current.pop();
        self.add(c, -1);
        self.dfs(pos + 1, left);
        for &t in &self.inst.covers[c] {
            self.rem[t as usize] += 1;
        }
    }
}

/// Drops chosen candidates (never kept ones) whose loss costs nothing,
/// latest first.
pub(super) fn minimal(
    inst: &Instance,
    r: u32,
    keep: &[usize],
    mut chosen: Vec<usize>,
) -> Vec<usize> {
    let full = inst.score(&inst.counts(&chosen), r);
    let mut i = chosen.len();
    while i > 0 {
        i -= 1;
        if keep.contains(&chosen[i]) {
            continue;
        }
        let mut without = chosen.clone();
        without.remove(i);
        if inst.score(&inst.counts(&without), r) >= full {
            chosen = without;
        }
    }
    chosen
}
