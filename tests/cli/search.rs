//! `seccoop search TEXT`.

use crate::harness::{assert_keys, seccoop};

#[test]
fn best_match_first() {
    seccoop(&["search", "terror"]).success().stdout_is(
        "\
ID                             KIND      NAME                           MATCHED
terrorism                      threat    Terrorism                      alias
terrorist-financing            threat    Terrorist Financing            name
terrorist-networks             threat    Terrorist Networks             name
movement-of-terrorist-groups   threat    Movement of Terrorist Groups   alias
combating-financial-terrorism  activity  Combating Financial Terrorism  name
counter-terrorism-cooperation  activity  Counter-terrorism Cooperation  name
law-enforcement-cooperation    area      Law Enforcement Cooperation    description
",
    );
}

#[test]
fn an_exact_name_beats_a_prefix() {
    let run = seccoop(&["search", "climate change"]);
    assert_eq!(
        run.success().first_column()[..2],
        ["climate-change", "climate-change-induced-instability"],
        "{run}"
    );
}

#[test]
fn case_is_ignored() {
    let lower = seccoop(&["search", "terror"]).success().stdout.clone();
    seccoop(&["search", "TERROR"]).success().stdout_is(&lower);
    seccoop(&["search", "Terror"]).success().stdout_is(&lower);
}

#[test]
fn several_words_match_nodes_that_hold_them_all() {
    let run = seccoop(&["search", "mass", "destruction"]);
    let mut ids = run.success().first_column();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "counter-proliferation-financing",
            "proliferation-financing",
            "wmd-proliferation"
        ],
        "{run}"
    );
}

#[test]
fn json_rows_carry_score_and_matched_field_best_first() {
    let json = seccoop(&["search", "cyber", "--format", "json"])
        .success()
        .json();
    let hits = json.as_array().expect("a JSON array");
    assert_eq!(hits.len(), 4, "{json:#}");
    for hit in hits {
        assert_keys(hit, &["id", "kind", "name", "score", "matched"]);
    }
    assert_eq!(hits[0]["id"], "cyberattacks");
    assert_eq!(hits[0]["matched"], "alias");
    assert_eq!(hits[0]["score"], 95);
    let scores: Vec<u64> = hits
        .iter()
        .map(|h| h["score"].as_u64().expect("score is a number"))
        .collect();
    assert!(
        scores.is_sorted_by(|a, b| a >= b),
        "not best first: {scores:?}"
    );
}

#[test]
fn searches_a_user_graph() {
    seccoop(&["-g", "good/phishing.toml", "search", "fraudulent"])
        .success()
        .stdout_is(
            "\
ID                  KIND      NAME                MATCHED
awareness-training  activity  Awareness Training  description
phishing            threat    Phishing            description
",
        );
}

#[test]
fn no_hit_is_an_empty_answer_with_a_note_on_stderr() {
    seccoop(&["search", "zebra"])
        .success()
        .stdout_is("")
        .stderr_is("no node matches `zebra`\n");
}

#[test]
fn no_hit_in_json_is_an_empty_array() {
    seccoop(&["search", "zebra", "--format", "json"])
        .success()
        .stdout_is("[]\n");
}

#[test]
fn a_node_argument_takes_the_clearly_best_search_match_and_says_so() {
    seccoop(&["related", "border", "--rel", "part_of"])
        .success()
        .stdout_is(
            "\
REL      DIR  ID                           KIND  NAME                         BASIS
part_of  out  law-enforcement-cooperation  area  Law Enforcement Cooperation  stated
",
        )
        .stderr_is(
            "note: no node is called `border`; taking `border-security-cooperation` \
             (Border Security Cooperation), the best search match\n",
        );
}

#[test]
fn a_node_argument_with_no_clear_best_match_gets_suggestions() {
    seccoop(&["show", "financing"]).error().stderr_is(
        "\
error: unknown node `financing`
  help: did you mean `counter-proliferation-financing` (Counter-proliferation Financing), `proliferation-financing` (Proliferation Financing), `terrorist-financing` (Terrorist Financing)?
",
    );
}
