//! `CALL name(args) YIELD …`: the procedure looked up in the table of
//! procedures, its arguments checked against its inputs, its outputs bound.

use super::super::ast::{Expr, Ident};
use super::super::error::{Code, QueryError, Span};
use super::super::procedures;
use super::super::value::Value;
use super::{PExpr, Planner, Scope, Step, already_bound, warnings};

impl Planner<'_> {
    /// The step of a procedure call, and the names it binds (the columns
    /// of a standalone call).
    pub(super) fn procedure_call(
        &mut self,
        name: &Ident,
        args: Option<&[Expr]>,
        yields: &Option<Vec<(Ident, Option<Ident>)>>,
        span: Span,
        scope: &Scope,
        standalone: bool,
    ) -> Result<(Step, Vec<String>), QueryError> {
        let Some(procedure) = procedures::find(&name.name, self.procedures) else {
            let err = QueryError::semantic(
                Code::ProcedureNotFound,
                name.span,
                format!("unknown procedure `{}`", name.name),
            )
            .with_help("`SHOW PROCEDURES` lists them");
            let names = procedures::names(self.procedures);
            return Err(warnings::with_nearest(
                err,
                &name.name,
                names.iter().map(String::as_str),
            ));
        };
        let mut planned = match args {
            Some(args) => {
                if args.len() < procedure.required() || args.len() > procedure.inputs.len() {
                    let at = args.get(procedure.inputs.len()).map_or(span, |a| a.span);
                    return Err(QueryError::semantic(
                        Code::InvalidNumberOfArguments,
                        at,
                        format!(
                            "{} takes {} argument{}, not {}",
                            procedure.name,
                            arity(procedure.required(), procedure.inputs.len()),
                            if procedure.inputs.len() == 1 { "" } else { "s" },
                            args.len()
                        ),
                    )
                    .with_help(format!("its signature: {}", procedure.signature())));
                }
                let mut planned = Vec::with_capacity(args.len());
                for (a, input) in args.iter().zip(&procedure.inputs) {
                    let e = self.expr_in(a, scope, "a procedure's arguments")?;
                    if let PExpr::Const(v) = &e {
                        check_argument(&procedure, input, v, a.span)?;
                    }
                    planned.push(e);
                }
                planned
            }
            None if !standalone => {
                return Err(QueryError::semantic(
                    Code::InvalidArgumentPassingMode,
                    name.span,
                    format!(
                        "a procedure called within a query needs its arguments in parentheses: `{}(…)`",
                        procedure.name
                    ),
                ));
            }
            // Implicit arguments: the parameters named as the inputs.
            None => {
                let mut planned = Vec::with_capacity(procedure.inputs.len());
                for input in &procedure.inputs {
                    match (self.params.get(&input.name), &input.default) {
                        (Some(v), _) => {
                            check_argument(&procedure, input, v, name.span)?;
                            planned.push(PExpr::Const(v.clone()));
                        }
                        (None, Some(_)) => break,
                        (None, None) => {
                            return Err(QueryError::MissingParameter {
                                name: input.name.clone(),
                                span: name.span,
                            });
                        }
                    }
                }
                planned
            }
        };
        for input in procedure.inputs.iter().skip(planned.len()) {
            planned.push(PExpr::Const(input.default.clone().unwrap_or(Value::Null)));
        }
        let outputs: Vec<&str> = procedure.outputs.iter().map(|o| o.name.as_str()).collect();
        let wanted: Vec<(usize, String)> = match yields {
            // Within a query, a call without YIELD binds nothing.
            None if !standalone => Vec::new(),
            None => outputs
                .iter()
                .enumerate()
                .map(|(i, o)| (i, o.to_string()))
                .collect(),
            Some(items) => {
                let mut out: Vec<(usize, String)> = Vec::new();
                for (o, alias) in items {
                    let Some(i) = outputs.iter().position(|x| *x == o.name) else {
                        return Err(QueryError::semantic(
                            Code::UndefinedVariable,
                            o.span,
                            format!("{} has no output `{}`", procedure.name, o.name),
                        )
                        .with_help(format!("its outputs: {}", outputs.join(", "))));
                    };
                    let v = alias.as_ref().unwrap_or(o);
                    if scope.get(&v.name).is_some() || out.iter().any(|w| w.1 == v.name) {
                        return Err(already_bound(v));
                    }
                    out.push((i, v.name.clone()));
                }
                out
            }
        };
        let pass_through = !standalone && procedure.outputs.is_empty();
        let names = wanted.iter().map(|w| w.1.clone()).collect();
        Ok((
            Step::Procedure {
                procedure: Box::new(procedure),
                args: planned,
                picks: wanted.iter().map(|w| w.0).collect(),
                pass_through,
                filter: None,
                span,
            },
            names,
        ))
    }
}

/// "2", or "1 to 2" when some inputs have defaults.
fn arity(required: usize, all: usize) -> String {
    if required == all {
        all.to_string()
    } else {
        format!("{required} to {all}")
    }
}

/// The error for an argument of the wrong type.
pub(crate) fn check_argument(
    procedure: &procedures::Procedure,
    input: &procedures::ProcParam,
    v: &Value,
    span: Span,
) -> Result<(), QueryError> {
    if input.accepts(v) {
        return Ok(());
    }
    Err(QueryError::semantic(
        Code::InvalidArgumentType,
        span,
        format!(
            "{}'s input `{}` is {}, not {}",
            procedure.name,
            input.name,
            input.ty,
            v.type_name()
        ),
    ))
}
