//! "Did you mean …?": the nearest names to a misspelt one.
//!
//! The one home of near-miss suggestions: the schema's name resolver
//! ([`crate::model::Schema::resolve_kind`] and
//! [`crate::model::Schema::resolve_relation`], for a KIND or `--rel`
//! argument), node resolution (an unknown NODE argument), the loader
//! (unknown keys, kinds, relations and node ids in a file) and the query
//! planner (unknown labels, variables and functions) all rank candidates
//! with [`nearest`].

/// The candidates closest to `word`, best first, at most `limit` of them.
///
/// Case is ignored. A candidate is close when its normalized
/// Damerau–Levenshtein similarity is at least 0.6, or when one of the two
/// contains the other (`terror` → `terrorism`).
///
/// Complexity: O(c · (m + n + min(m, 100) · min(n, 100))) for c candidates of
/// length m and a word of length n.
pub fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let word = word.to_lowercase();
    if word.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let mut score = similarity(&word, &lower);
            // Containment counts only between names of some length: every
            // long word contains `e`.
            if word.len() >= 3
                && lower.len() >= 3
                && (lower.contains(&word) || word.contains(&lower))
            {
                score = score.max(0.75);
            }
            (score >= 0.6).then_some((score, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(limit).map(|(_, c)| c).collect()
}

/// The longest prefix compared, in characters: the distance takes time
/// proportional to the product of the lengths, and a 10,000-character
/// argument must not take minutes to be told it names nothing.
const MAX_COMPARED: usize = 100;

/// Normalized Damerau–Levenshtein similarity of `a` and `b`, 0 when their
/// lengths alone rule out 0.6, and over their first [`MAX_COMPARED`]
/// characters.
fn similarity(a: &str, b: &str) -> f64 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    // The distance is at least the difference of the lengths.
    let longest = la.max(lb).max(1);
    if la.abs_diff(lb) * 10 > longest * 4 {
        return 0.0;
    }
    let cut = |s: &str| s.chars().take(MAX_COMPARED).collect::<String>();
    strsim::normalized_damerau_levenshtein(&cut(a), &cut(b))
}

/// The single nearest candidate, if any is close.
pub fn nearest_one(
    word: &str,
    candidates: impl IntoIterator<Item = impl AsRef<str>>,
) -> Option<String> {
    let owned: Vec<_> = candidates.into_iter().collect();
    nearest(word, owned.iter().map(AsRef::as_ref), 1)
        .first()
        .map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_typo() {
        assert_eq!(
            nearest("terorism", ["terrorism", "transnational-crime"], 3),
            ["terrorism"]
        );
    }

    #[test]
    fn finds_a_prefix() {
        assert_eq!(
            nearest("terror", ["terrorism", "cyberattacks"], 3),
            ["terrorism"]
        );
    }

    #[test]
    fn long_words_are_compared_quickly() {
        // Was minutes: a 10,000-character NODE against a 10,000-character id.
        let long = "x".repeat(10_000);
        let other = "i".repeat(10_000);
        let started = std::time::Instant::now();
        assert!(nearest(&long, [other.as_str(), "short"], 3).is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(nearest(&long[1..], [long.as_str()], 3), [long.as_str()]);
    }

    #[test]
    fn ignores_the_unrelated() {
        assert!(nearest("zebra", ["terrorism", "pandemics"], 3).is_empty());
    }
}
