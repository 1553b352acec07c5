//! `seccoop gaps`: where coverage is thin.

use std::collections::HashSet;

use petgraph::stable_graph::NodeIndex;
use serde::Serialize;

use super::{CliError, Context, NodeRef, Output};
use crate::analysis::{Coverage, coverage};
use crate::output::{self, Format};

/// Find coverage gaps: thinly covered threats, unmitigated challenges,
/// activities with no actor, and single points of failure.
///
/// A single point of failure is an activity whose loss leaves some threat
/// addressed by nothing.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  seccoop gaps --format json")]
pub struct Args {}

/// The coverage answer, shared with `whatif`.
#[derive(Serialize)]
pub(super) struct GapsJson {
    unaddressed_threats: Vec<NodeRef>,
    derived_only_threats: Vec<DerivedOnlyJson>,
    single_activity_threats: Vec<SingleJson>,
    unmitigated_challenges: Vec<NodeRef>,
    activities_without_actor: Vec<NodeRef>,
    single_points_of_failure: Vec<SpofJson>,
}

#[derive(Serialize)]
struct SingleJson {
    threat: NodeRef,
    activity: NodeRef,
}

/// A threat addressed only through derived edges, with those edges.
#[derive(Serialize)]
struct DerivedOnlyJson {
    threat: NodeRef,
    addressed_by: Vec<super::EdgeJson>,
}

#[derive(Serialize)]
struct SpofJson {
    activity: NodeRef,
    leaves_unaddressed: Vec<NodeRef>,
}

/// The formats `gaps` prints, its default first.
pub const FORMATS: &[Format] = Format::REPORT;

/// Runs `gaps`.
pub fn run(_args: &Args, ctx: &Context) -> Result<Output, CliError> {
    let cov = coverage(&ctx.graph, &HashSet::new());
    ctx.table_or_json(|| output::json(&gaps_json(&cov, ctx)), || render(&cov, ctx))
}

/// The JSON form of a coverage.
pub(super) fn gaps_json(cov: &Coverage, ctx: &Context) -> GapsJson {
    let refs =
        |it: &mut dyn Iterator<Item = NodeIndex>| sorted(it.map(|n| ctx.node_ref(n)).collect());
    GapsJson {
        unaddressed_threats: refs(&mut cov.unaddressed()),
        derived_only_threats: {
            let mut v: Vec<DerivedOnlyJson> = cov
                .derived_only
                .iter()
                .map(|&t| DerivedOnlyJson {
                    threat: ctx.node_ref(t),
                    addressed_by: addressed_by(cov, ctx, t),
                })
                .collect();
            v.sort_by_cached_key(|d| d.threat.name.to_lowercase());
            v
        },
        single_activity_threats: {
            let mut v: Vec<SingleJson> = cov
                .single()
                .map(|(t, a)| SingleJson {
                    threat: ctx.node_ref(t),
                    activity: ctx.node_ref(a),
                })
                .collect();
            v.sort_by_cached_key(|s| s.threat.name.to_lowercase());
            v
        },
        unmitigated_challenges: refs(&mut cov.unmitigated()),
        activities_without_actor: refs(&mut cov.without_actor()),
        single_points_of_failure: {
            let mut v: Vec<SpofJson> = cov
                .single_points()
                .into_iter()
                .map(|(a, threats)| SpofJson {
                    activity: ctx.node_ref(a),
                    leaves_unaddressed: sorted(
                        threats.into_iter().map(|t| ctx.node_ref(t)).collect(),
                    ),
                })
                .collect();
            v.sort_by(|x, y| {
                x.activity
                    .name
                    .to_lowercase()
                    .cmp(&y.activity.name.to_lowercase())
            });
            v
        },
    }
}

/// The edges by which the activities of a coverage address a threat.
fn addressed_by(cov: &Coverage, ctx: &Context, threat: NodeIndex) -> Vec<super::EdgeJson> {
    let by = cov
        .threats
        .iter()
        .find(|(t, _)| *t == threat)
        .map(|(_, by)| by.as_slice())
        .unwrap_or_default();
    let counters: Vec<_> = ctx
        .graph
        .schema()
        .relations()
        .filter(|(_, r)| r.roles.counters)
        .map(|(id, _)| id)
        .collect();
    ctx.graph
        .edges_of(threat, crate::model::Direction::In)
        .filter(|e| counters.contains(&e.edge.rel) && by.contains(&e.from))
        .map(|e| ctx.edge_json(e.index))
        .collect()
}

fn sorted(mut v: Vec<NodeRef>) -> Vec<NodeRef> {
    v.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// The table form of a coverage.
pub(super) fn render(cov: &Coverage, ctx: &Context) -> String {
    let g = gaps_json(cov, ctx);
    let style = ctx.style;
    let mut out = String::new();
    let mut section =
        |title: &str, n: usize, body: String| output::section(&mut out, style, title, n, || body);
    let list = |v: &[NodeRef]| {
        output::table(
            &["ID", "NAME"],
            v.iter().map(|r| vec![r.id.clone(), r.name.clone()]),
            style,
        )
    };
    section(
        "Threats no activity addresses",
        g.unaddressed_threats.len(),
        list(&g.unaddressed_threats),
    );
    // A graph with nothing derived has nothing to say here.
    if ctx.graph.derived_count() > 0 {
        section(
            "Threats addressed only through derived edges (`explain ACTIVITY addresses THREAT` says why)",
            g.derived_only_threats.len(),
            output::table(
                &["THREAT", "NAME", "DERIVED FOR"],
                g.derived_only_threats.iter().map(|d| {
                    let by: Vec<&str> = d.addressed_by.iter().map(|e| e.from.as_str()).collect();
                    vec![d.threat.id.clone(), d.threat.name.clone(), by.join(", ")]
                }),
                style,
            ),
        );
    }
    section(
        "Threats only one activity addresses",
        g.single_activity_threats.len(),
        output::table(
            &["THREAT", "NAME", "ONLY ACTIVITY"],
            g.single_activity_threats.iter().map(|s| {
                vec![
                    s.threat.id.clone(),
                    s.threat.name.clone(),
                    s.activity.id.clone(),
                ]
            }),
            style,
        ),
    );
    section(
        "Challenges nothing mitigates",
        g.unmitigated_challenges.len(),
        list(&g.unmitigated_challenges),
    );
    section(
        "Activities that involve no actor",
        g.activities_without_actor.len(),
        list(&g.activities_without_actor),
    );
    section(
        "Single points of failure: activities whose loss leaves a threat unaddressed",
        g.single_points_of_failure.len(),
        output::table(
            &["ACTIVITY", "LEAVES UNADDRESSED"],
            g.single_points_of_failure.iter().map(|s| {
                let threats: Vec<&str> =
                    s.leaves_unaddressed.iter().map(|t| t.id.as_str()).collect();
                vec![s.activity.id.clone(), threats.join(", ")]
            }),
            style,
        ),
    );
    out
}
