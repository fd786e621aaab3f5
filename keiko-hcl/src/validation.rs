//! The conditions of variable `validation` blocks.

use crate::expr::{bare, call, num, strings, var};
use hcl::Expression;
use hcl::expr::{BinaryOp, BinaryOperator, ForExpr};

/// `can(regex("<pattern>", var.<name>))`: the whole value matches `pattern`.
pub fn matches(name: &str, pattern: &str) -> Expression {
    call("can", [call("regex", [pattern.into(), var(name)])])
}

/// `contains([..], var.<name>)`.
pub fn one_of(name: &str, values: &[&str]) -> Expression {
    call("contains", [strings(values.iter().copied()), var(name)])
}

/// `<expr> >= <n>`.
pub fn at_least(expr: Expression, n: u32) -> Expression {
    BinaryOp::new(expr, BinaryOperator::GreaterEq, num(n)).into()
}

/// `length(var.<name>) >= 1`.
pub fn not_empty(name: &str) -> Expression {
    at_least(call("length", [var(name)]), 1)
}

/// `alltrue([for item in <collection> : <check>])`, where `check` reads `item`.
pub fn all(collection: Expression, check: impl FnOnce(Expression) -> Expression) -> Expression {
    let each = ForExpr::new(hcl::Identifier::unchecked("item"), collection, check(bare("item")));
    call("alltrue", [each.into()])
}

/// Every entry of the list `var.<name>` is a CIDR block.
pub fn all_cidrs(name: &str) -> Expression {
    all(var(name), |item| call("can", [call("cidrhost", [item, num(0)])]))
}

/// A required string variable whose value must match `pattern`; `hint` says what is valid.
pub fn string_variable(
    name: &'static str,
    description: &'static str,
    pattern: &'static str,
    hint: &'static str,
) -> hcl::Block {
    crate::blocks::variable(crate::blocks::Variable {
        name,
        description,
        kind: crate::expr::bare("string"),
        rules: vec![(matches(name, pattern), hint)],
        sensitive: false,
        default: None,
    })
}
