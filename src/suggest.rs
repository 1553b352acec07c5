//! "Did you mean …?": the nearest names to a misspelt one.
//!
//! Shared by the loader (unknown kinds, relations, node ids in a file) and
//! the command line (an unknown NODE argument).

/// The candidates closest to `word`, best first, at most `limit` of them.
///
/// Case is ignored. A candidate is close when its normalized
/// Damerau–Levenshtein similarity is at least 0.6, or when one of the two
/// contains the other (`terror` → `terrorism`).
///
/// Complexity: O(c · m · n) for c candidates of length m and a word of length n.
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
            let mut score = strsim::normalized_damerau_levenshtein(&word, &lower);
            if word.len() >= 3 && (lower.contains(&word) || word.contains(&lower)) {
                score = score.max(0.75);
            }
            (score >= 0.6).then_some((score, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(limit).map(|(_, c)| c).collect()
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
    fn ignores_the_unrelated() {
        assert!(nearest("zebra", ["terrorism", "pandemics"], 3).is_empty());
    }
}
