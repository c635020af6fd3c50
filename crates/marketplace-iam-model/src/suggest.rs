//! "Did you mean …?": the known name closest to a misspelt one, for every message of the project that suggests one
//! (policies.toml keys, action ids and names; the checker's policy elements and condition operators).

/// The candidate most similar to `wanted` (Jaro-Winkler similarity, at least `threshold`); of equally similar
/// ones, the last.
///
/// # Examples
///
/// ```
/// use marketplace_iam_model::suggest::closest;
///
/// assert_eq!(closest("actoins", ["id", "actions", "name"], 0.8), Some("actions"));
/// assert_eq!(closest("colour", ["id", "actions"], 0.8), None);
/// ```
pub fn closest<T: AsRef<str>>(
    wanted: &str,
    candidates: impl IntoIterator<Item = T>,
    threshold: f64,
) -> Option<T> {
    best(candidates, threshold, &|c| strsim::jaro_winkler(wanted, c))
}

/// Like [`closest`], comparing both in ASCII lower case.
///
/// # Examples
///
/// ```
/// use marketplace_iam_model::suggest::closest_ignoring_case;
///
/// let names = ["aws-marketplace:MeterUsage", "aws-marketplace:BatchMeterUsage"];
/// assert_eq!(
///     closest_ignoring_case("AWS-MARKETPLACE:BATCHMETERUSAG", names, 0.9),
///     Some("aws-marketplace:BatchMeterUsage")
/// );
/// ```
pub fn closest_ignoring_case<T: AsRef<str>>(
    wanted: &str,
    candidates: impl IntoIterator<Item = T>,
    threshold: f64,
) -> Option<T> {
    let wanted = wanted.to_ascii_lowercase();
    best(candidates, threshold, &|c| {
        strsim::jaro_winkler(&wanted, &c.to_ascii_lowercase())
    })
}

fn best<T: AsRef<str>>(
    candidates: impl IntoIterator<Item = T>,
    threshold: f64,
    similarity: &dyn Fn(&str) -> f64,
) -> Option<T> {
    candidates
        .into_iter()
        .map(|c| (similarity(c.as_ref()), c))
        .filter(|(score, _)| *score >= threshold)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
