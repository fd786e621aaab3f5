//! Small typed expression helpers: references, function calls, objects and lists.

use hcl::expr::{FuncCall, Traversal, TraversalOperator, Variable};
use hcl::{Expression, Identifier, Number, Object, ObjectKey};

/// A reference `root.a.b…`; segments are static names chosen in this crate.
pub fn reference(root: &str, path: &[&str]) -> Expression {
    let builder = path.iter().fold(Traversal::builder(Variable::unchecked(root)), |b, segment| b.attr(*segment));
    builder.build().into()
}

/// `var.<name>`.
pub fn var(name: &str) -> Expression {
    reference("var", &[name])
}

/// A bare name such as the type keyword `string` or an `ignore_changes` entry.
pub fn bare(name: &str) -> Expression {
    Expression::Variable(Variable::unchecked(name))
}

/// `expr[index]`.
pub fn index(expr: Expression, at: Expression) -> Expression {
    extend(expr, TraversalOperator::Index(at))
}

/// `expr.attr`.
pub fn attr(expr: Expression, name: &str) -> Expression {
    extend(expr, TraversalOperator::GetAttr(Identifier::unchecked(name)))
}

/// Appends `operator` to a traversal (one flat traversal, as the parser builds it).
fn extend(expr: Expression, operator: TraversalOperator) -> Expression {
    match expr {
        Expression::Traversal(mut traversal) => {
            traversal.operators.push(operator);
            Expression::Traversal(traversal)
        }
        other => Traversal::new(other, [operator]).into(),
    }
}

/// A call `name(args…)`.
pub fn call(name: &str, args: impl IntoIterator<Item = Expression>) -> Expression {
    let builder = args.into_iter().fold(FuncCall::builder(name), |b, arg| b.arg(arg));
    builder.build().into()
}

/// A quoted template such as `"arn:aws:s3:::${var.bucket}"`; `text` is written as is,
/// so only static text and references chosen in this crate go in it.
pub fn template(text: &str) -> Expression {
    Expression::TemplateExpr(Box::new(hcl::expr::TemplateExpr::QuotedString(text.to_owned())))
}

/// A number literal.
pub fn num(n: u32) -> Expression {
    Expression::Number(Number::from(n))
}

/// An object whose keys are static identifiers.
pub fn object<'a>(pairs: impl IntoIterator<Item = (&'a str, Expression)>) -> Expression {
    let object: Object<ObjectKey, Expression> =
        pairs.into_iter().map(|(k, v)| (ObjectKey::Identifier(Identifier::unchecked(k)), v)).collect();
    Expression::Object(object)
}

/// An object keyed by already-checked identifiers (spec names).
pub fn ident_object(pairs: impl IntoIterator<Item = (Identifier, Expression)>) -> Expression {
    Expression::Object(pairs.into_iter().map(|(k, v)| (ObjectKey::Identifier(k), v)).collect())
}

/// An object with quoted string keys (labels such as `keiko.io/node-pool`).
pub fn string_map<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Expression {
    Expression::Object(pairs.into_iter().map(|(k, v)| (ObjectKey::Expression(k.into()), v.into())).collect())
}

/// A list of strings.
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Expression {
    Expression::Array(items.into_iter().map(Expression::from).collect())
}
