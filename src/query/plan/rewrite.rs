//! Rewrites of planned expressions: constant folding, filters pushed into
//! patterns, and what a `reduce` body does with its accumulator.

use super::super::ast::BinaryOp;
use super::super::value::Value;
use super::{PExpr, PartPlan, Props, SType, Scope};

/// A list literal of constants is a constant.
pub(super) fn fold_list(items: Vec<PExpr>) -> PExpr {
    if items.iter().all(|i| matches!(i, PExpr::Const(_))) {
        PExpr::Const(Value::List(
            items
                .into_iter()
                .map(|i| match i {
                    PExpr::Const(v) => v,
                    _ => Value::Null,
                })
                .collect(),
        ))
    } else {
        PExpr::List(items)
    }
}

/// Copies the conjuncts of a MATCH's WHERE that constrain one new node,
/// `n.key = constant` and `n:Label`, into the node's pattern, so matching
/// can start from an index or a small label and check them while it walks.
/// The WHERE still runs: this only prunes earlier.
pub(super) fn push_down(filter: &PExpr, parts: &mut [PartPlan], width_in: usize, scope: &Scope) {
    let is_node = |slot: usize| {
        slot >= width_in
            && scope
                .vars
                .iter()
                .any(|v| v.slot == slot && v.ty == SType::Node)
    };
    let mut conjuncts = vec![filter];
    while let Some(c) = conjuncts.pop() {
        match c {
            PExpr::Binary(BinaryOp::And, a, b, _) => {
                conjuncts.push(a);
                conjuncts.push(b);
            }
            PExpr::Binary(BinaryOp::Eq, a, b, _) => {
                let (target, value) = match (a.as_ref(), b.as_ref()) {
                    (PExpr::Property(t, key, _), PExpr::Const(v))
                    | (PExpr::Const(v), PExpr::Property(t, key, _)) => ((t, key), v),
                    _ => continue,
                };
                let PExpr::Var(slot) = target.0.as_ref() else {
                    continue;
                };
                if !is_node(*slot) {
                    continue;
                }
                for n in parts.iter_mut().flat_map(|p| p.nodes.iter_mut()) {
                    if n.slot == Some(*slot) {
                        let entry = (target.1.clone(), PExpr::Const(value.clone()));
                        match &mut n.props {
                            Props::Map(entries) => entries.push(entry),
                            p @ Props::None => *p = Props::Map(vec![entry]),
                            Props::Expr(_) => {}
                        }
                    }
                }
            }
            PExpr::HasLabels(target, labels, _) => {
                let PExpr::Var(slot) = target.as_ref() else {
                    continue;
                };
                if !is_node(*slot) {
                    continue;
                }
                for n in parts.iter_mut().flat_map(|p| p.nodes.iter_mut()) {
                    if n.slot == Some(*slot) {
                        n.labels.extend(labels.iter().cloned());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether `slot` is read inside a list or map built by `e` (`inside`:
/// already under one).
pub(super) fn wraps(e: &PExpr, slot: usize, inside: bool) -> bool {
    let w = |x: &PExpr, inside| wraps(x, slot, inside);
    match e {
        PExpr::Var(s) => inside && *s == slot,
        PExpr::Const(_) | PExpr::Column(_) | PExpr::Agg(_) => false,
        PExpr::List(items) => items.iter().any(|i| w(i, true)),
        PExpr::Map(entries) => entries.iter().any(|(_, v)| w(v, true)),
        PExpr::ListComp {
            list, filter, map, ..
        } => {
            w(list, inside)
                || filter.as_deref().is_some_and(|f| w(f, inside))
                || map.as_deref().is_some_and(|m| w(m, true))
        }
        PExpr::Property(a, ..) | PExpr::HasLabels(a, ..) | PExpr::Not(a, _) | PExpr::Neg(a, _) => {
            w(a, inside)
        }
        PExpr::IsNull(a, _) => w(a, inside),
        PExpr::Index(a, b, _) | PExpr::Binary(_, a, b, _) => w(a, inside) || w(b, inside),
        PExpr::Slice(a, b, c, _) => {
            w(a, inside)
                || b.as_deref().is_some_and(|x| w(x, inside))
                || c.as_deref().is_some_and(|x| w(x, inside))
        }
        PExpr::Call(_, args, _) => args.iter().any(|a| w(a, inside)),
        PExpr::Case {
            subject,
            arms,
            otherwise,
        } => {
            subject.as_deref().is_some_and(|x| w(x, inside))
                || arms.iter().any(|(a, b)| w(a, inside) || w(b, inside))
                || otherwise.as_deref().is_some_and(|x| w(x, inside))
        }
        PExpr::Quantified { list, filter, .. } => {
            w(list, inside) || filter.as_deref().is_some_and(|f| w(f, inside))
        }
        PExpr::Reduce {
            init, list, expr, ..
        } => w(init, inside) || w(list, inside) || w(expr, inside),
        // A pattern comprehension collects whatever its map reads.
        PExpr::Pattern { .. } | PExpr::Subquery { .. } => true,
        PExpr::MapProjection {
            target, entries, ..
        } => w(target, inside) || entries.iter().any(|(_, v)| w(v, true)),
    }
}

/// A map literal of constants is a constant.
pub(super) fn fold_map(entries: Vec<(String, PExpr)>) -> PExpr {
    if entries.iter().all(|(_, v)| matches!(v, PExpr::Const(_))) {
        PExpr::Const(Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| match v {
                    PExpr::Const(v) => (k, v),
                    _ => (k, Value::Null),
                })
                .collect(),
        ))
    } else {
        PExpr::Map(entries)
    }
}
