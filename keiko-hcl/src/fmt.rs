//! Canonical `terraform fmt` layout for the text hcl-rs prints.
//!
//! hcl-rs prints one space on each side of `=`; `terraform fmt` (hclwrite) aligns the `=`
//! of consecutive single-line attributes. This pass applies hclwrite's rule: a line is an
//! assignment when its first `=` follows a key and the rest of the line opens as many
//! brackets as it closes; a run of such lines shares the column of its longest key, and any
//! other line (a block header, a bracket, a blank line) ends the run. hcl-rs also prints
//! object `for` expressions as `{for ..}`, which `terraform fmt` writes `{ for .. }`.

/// Rewrites `text` with `=` aligned the way `terraform fmt` aligns it.
pub fn canonicalize(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut run: Vec<Assignment<'_>> = Vec::new();
    let spaced: Vec<String> = lines.iter().map(|line| space_object_for(line)).collect();
    for line in &spaced {
        match assignment(line) {
            Some(assignment) => run.push(assignment),
            None => {
                flush(&mut run, &mut out);
                out.push(line.trim_end().to_owned());
            }
        }
    }
    flush(&mut run, &mut out);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// One `key = value` line split around its `=`.
#[derive(Debug, PartialEq)]
struct Assignment<'a> {
    indent: &'a str,
    key: &'a str,
    value: &'a str,
}

/// Writes a run of assignments with their `=` aligned.
fn flush(run: &mut Vec<Assignment<'_>>, out: &mut Vec<String>) {
    let width = run.iter().map(|a| a.key.chars().count()).max().unwrap_or(0);
    for a in run.drain(..) {
        let pad = width - a.key.chars().count();
        out.push(format!("{}{}{} = {}", a.indent, a.key, " ".repeat(pad), a.value));
    }
}

/// Splits `line` when it is a single-line assignment.
fn assignment(line: &str) -> Option<Assignment<'_>> {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    let at = first_assign(body)?;
    let (key, value) = (body[..at].trim_end(), body[at + 1..].trim());
    if key.is_empty() || bracket_balance(value) != 0 {
        return None;
    }
    Some(Assignment { indent, key, value })
}

/// The byte offset of the first lone `=` outside string literals.
fn first_assign(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut quotes = Quotes::default();
    for (i, &b) in bytes.iter().enumerate() {
        if quotes.inside(b) {
            continue;
        }
        if b == b'=' {
            return lone_equals(bytes, i).then_some(i);
        }
    }
    None
}

/// Whether the `=` at `i` is an assignment, not part of `==`, `!=`, `<=`, `>=` or `=>`.
fn lone_equals(bytes: &[u8], i: usize) -> bool {
    let before = i.checked_sub(1).map(|j| bytes[j]);
    let after = bytes.get(i + 1).copied();
    !matches!(before, Some(b'=' | b'!' | b'<' | b'>')) && !matches!(after, Some(b'=' | b'>'))
}

/// Writes `{for ..}` as `{ for .. }` on one line, outside string literals.
fn space_object_for(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 4);
    let mut braces: Vec<bool> = Vec::new();
    let mut quotes = Quotes::default();
    for (i, c) in line.char_indices() {
        if quotes.inside(u8::try_from(c).unwrap_or(0)) {
            out.push(c);
            continue;
        }
        match c {
            '{' => {
                let is_for = line[i + 1..].starts_with("for ");
                braces.push(is_for);
                out.push(c);
                if is_for {
                    out.push(' ');
                }
                continue;
            }
            '}' if braces.pop() == Some(true) => out.push(' '),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Tracks whether a left-to-right scan is inside a string literal.
#[derive(Default)]
struct Quotes {
    in_string: bool,
    escaped: bool,
}

impl Quotes {
    /// Feeds byte `b`; true when `b` belongs to a string literal, its quotes included.
    fn inside(&mut self, b: u8) -> bool {
        let was_inside = self.in_string;
        if was_inside {
            self.in_string = b != b'"' || self.escaped;
            self.escaped = b == b'\\' && !self.escaped;
        } else if b == b'"' {
            self.in_string = true;
        }
        was_inside || self.in_string
    }
}

/// Opened minus closed brackets outside string literals.
fn bracket_balance(text: &str) -> i32 {
    let mut balance = 0;
    let mut quotes = Quotes::default();
    for b in text.bytes() {
        if quotes.inside(b) {
            continue;
        }
        match b {
            b'{' | b'[' | b'(' => balance += 1,
            b'}' | b']' | b')' => balance -= 1,
            _ => {}
        }
    }
    balance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_attributes_share_one_column() {
        let text = "a = 1\nlong_name = 2\n\nb = 3\n";
        assert_eq!(canonicalize(text), "a         = 1\nlong_name = 2\n\nb = 3\n");
    }

    #[test]
    fn a_multi_line_value_ends_the_run() {
        let text = "x = {\n  k = \"a=b\"\n  kk = 1\n}\nyy = 2\n";
        assert_eq!(canonicalize(text), "x = {\n  k  = \"a=b\"\n  kk = 1\n}\nyy = 2\n");
    }

    #[test]
    fn object_for_expressions_get_inner_spaces() {
        assert_eq!(space_object_for("v = {for k, x in y : k => x}"), "v = { for k, x in y : k => x }");
        assert_eq!(space_object_for("v = [for x in y : x]"), "v = [for x in y : x]");
    }

    #[test]
    fn comparison_operators_are_not_assignments() {
        assert_eq!(first_assign("x >= 1"), None);
        assert_eq!(first_assign("\"a=\" = 1"), Some(5));
    }
}
