//! Reads YAML text into a JSON value plus the file position of every value and key,
//! so that later checks can point at the exact line of a problem.

use super::error::{Location, Problem, SpecError, SpecPath};
use granit_parser::{Event, Parser, ScalarStyle, Span, StrInput};
use serde_json::{Map, Number, Value};
// Looked up by pointer, never iterated, so no order can leak into output.
#[allow(clippy::disallowed_types)]
use std::collections::HashMap;

/// Nesting deeper than this is refused; it keeps recursion bounded on hostile input.
const MAX_DEPTH: usize = 64;

/// A parsed document and where each part of it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's data, with YAML 1.2 core-schema scalars resolved.
    pub value: Value,
    /// Positions of values and keys.
    pub map: SourceMap,
}

/// Positions of values and keys, by JSON pointer. One hash map entry per node: a
/// 1,000-service spec has hundreds of thousands of them, and ordered maps keyed by long
/// pointers sharing their prefixes made this most of the time it takes to load a spec.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(clippy::disallowed_types)]
pub struct SourceMap {
    places: HashMap<String, Place>,
}

/// Where one node was written.
#[derive(Debug, Clone, Default, PartialEq)]
struct Place {
    value: Option<Location>,
    key: Option<Location>,
    scalar: Option<std::ops::Range<usize>>,
    sequence: bool,
}

impl SourceMap {
    /// Where the value at `pointer` (or the nearest enclosing value) starts.
    pub fn value(&self, pointer: &str) -> Option<Location> {
        let mut current = pointer;
        loop {
            if let Some(at) = self.places.get(current).and_then(|p| p.value) {
                return Some(at);
            }
            current = &current[..current.rfind('/')?];
        }
    }

    /// Where the key of the entry at `pointer` is written, falling back to its value.
    pub fn key(&self, pointer: &str) -> Option<Location> {
        self.places.get(pointer).and_then(|p| p.key).or_else(|| self.value(pointer))
    }

    /// The byte range of the scalar at `pointer` in the source text, quotes included,
    /// so a tool can rewrite one value and keep every comment and blank line.
    pub fn scalar_span(&self, pointer: &str) -> Option<std::ops::Range<usize>> {
        self.places.get(pointer).and_then(|p| p.scalar.clone())
    }

    /// Whether the value at `pointer` is a sequence.
    pub fn is_sequence(&self, pointer: &str) -> bool {
        self.places.get(pointer).is_some_and(|p| p.sequence)
    }

    /// The node at `pointer`, created on first use (a mapping entry creates it for its
    /// key, so its value reuses the allocation).
    fn place(&mut self, pointer: &str) -> &mut Place {
        if !self.places.contains_key(pointer) {
            self.places.insert(pointer.to_owned(), Place::default());
        }
        self.places.get_mut(pointer).unwrap_or_else(|| unreachable!("inserted above"))
    }

    /// Where a spec path points, preferring the key so the whole entry is named.
    pub fn locate(&self, path: &SpecPath) -> Option<Location> {
        self.key(&pointer_of(path))
    }
}

/// The JSON pointer of a spec path.
pub fn pointer_of(path: &SpecPath) -> String {
    use super::error::Segment;
    path.segments()
        .iter()
        .map(|segment| match segment {
            Segment::Key(key) => format!("/{}", escape(key)),
            Segment::Index(index) => format!("/{index}"),
        })
        .collect()
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parses one YAML document. Syntax errors stop the parse; other problems (duplicate
/// keys, aliases) are collected and parsing goes on, so all of them are reported.
pub fn parse(text: &str) -> Result<Document, Vec<SpecError>> {
    let (value, map) = read(text, Some(SourceMap::default()))?;
    Ok(Document { value, map: map.unwrap_or_default() })
}

/// [`parse`] without positions, for a spec expected to load cleanly: at fleet scale
/// recording hundreds of thousands of positions is most of the parse. Problems come
/// back unlocated; the caller parses again with [`parse`] to report them.
pub fn parse_unlocated(text: &str) -> Result<Value, Vec<SpecError>> {
    read(text, None).map(|(value, _)| value)
}

fn read(text: &str, map: Option<SourceMap>) -> Result<(Value, Option<SourceMap>), Vec<SpecError>> {
    let mut reader = Reader { parser: Parser::new_from_str(text), map, errors: Vec::new() };
    match reader.document() {
        Ok(value) if reader.errors.is_empty() => Ok((value, reader.map)),
        Ok(_) => Err(reader.errors),
        Err(fatal) => {
            reader.errors.push(fatal);
            Err(reader.errors)
        }
    }
}

struct Reader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    /// Where positions are recorded; none when only the value is wanted.
    map: Option<SourceMap>,
    errors: Vec<SpecError>,
}

type Step<'a> = (Event<'a>, Span);

impl<'a> Reader<'a> {
    fn document(&mut self) -> Result<Value, SpecError> {
        let mut value = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd => {}
                Event::DocumentStart(..) if value.is_some() => {
                    return Err(unsupported(SpecPath::root(), span, "keiko.yaml must hold exactly one YAML document"));
                }
                Event::DocumentStart(..) => {
                    let first = self.next()?;
                    value = Some(self.node(first, "", 0)?);
                }
                Event::StreamEnd => {
                    // A file with no document (empty, or only comments) is a null at its
                    // start, so the problem "not a mapping" still has a position.
                    self.record("", |root| root.value = root.value.or(Some(Location { line: 1, column: 1 })));
                    return Ok(value.unwrap_or(Value::Null));
                }
                _ => {}
            }
        }
    }

    /// The next event that carries data; anchors and comments are skipped.
    fn next(&mut self) -> Result<Step<'a>, SpecError> {
        loop {
            match self.parser.next() {
                None => return Err(syntax_at(None, "unexpected end of input".into())),
                Some(Err(error)) => {
                    let at = location(error.marker().line(), error.marker().col());
                    return Err(syntax_at(Some(at), error.info()));
                }
                Some(Ok((Event::Anchor(..), _))) => {}
                Some(Ok(step)) if is_data(&step.0) => return Ok(step),
                Some(Ok(_)) => {}
            }
        }
    }

    fn node(&mut self, (event, span): Step<'a>, pointer: &str, depth: usize) -> Result<Value, SpecError> {
        if depth > MAX_DEPTH {
            return Err(unsupported(self.path(pointer), span, "nesting is deeper than 64 levels"));
        }
        self.record(pointer, |place| place.value = Some(start(&span)));
        match event {
            Event::Scalar(text, style, _, tag) => {
                if let (Some(from), Some(to)) = (span.start.byte_offset(), span.end.byte_offset()) {
                    self.record(pointer, |place| place.scalar = Some(from..to));
                }
                self.scalar(pointer, &text, style, tag.as_deref(), span)
            }
            Event::SequenceStart(..) => self.sequence(pointer, depth),
            Event::MappingStart(..) => self.mapping(pointer, depth),
            Event::Alias(_) => {
                let path = self.path(pointer);
                self.errors.push(unsupported(path, span, "aliases (`*name`) are not supported: write the value out"));
                Ok(Value::Null)
            }
            _ => Err(syntax_at(Some(start(&span)), "expected a value".into())),
        }
    }

    fn sequence(&mut self, pointer: &str, depth: usize) -> Result<Value, SpecError> {
        self.record(pointer, |place| place.sequence = true);
        let mut items = Vec::new();
        loop {
            let step = self.next()?;
            if matches!(step.0, Event::SequenceEnd) {
                return Ok(Value::Array(items));
            }
            let child = self.child(pointer, || items.len().to_string());
            items.push(self.node(step, &child, depth + 1)?);
        }
    }

    fn mapping(&mut self, pointer: &str, depth: usize) -> Result<Value, SpecError> {
        let mut entries = Map::new();
        loop {
            let (event, span) = self.next()?;
            let key = match event {
                Event::MappingEnd => return Ok(Value::Object(entries)),
                Event::Scalar(text, ..) => text.into_owned(),
                _ => {
                    let path = self.path(pointer);
                    self.errors.push(unsupported(path, span, "mapping keys must be plain strings"));
                    self.skip_node(event)?;
                    let value = self.next()?;
                    self.skip_node(value.0)?;
                    continue;
                }
            };
            let child = self.child(pointer, || escape(&key));
            let value_step = self.next()?;
            if entries.contains_key(&key) {
                let path = self.path(&child);
                self.errors.push(located(path, span, Problem::DuplicateKey(key)));
                self.skip_node(value_step.0)?;
                continue;
            }
            self.record(&child, |place| place.key = Some(start(&span)));
            let value = self.node(value_step, &child, depth + 1)?;
            entries.insert(key, value);
        }
    }

    /// Records part of the position of the node at `pointer`, when positions are kept.
    fn record(&mut self, pointer: &str, set: impl FnOnce(&mut Place)) {
        if let Some(map) = &mut self.map {
            set(map.place(pointer));
        }
    }

    /// The pointer of a child node; empty when positions are not kept, since pointers
    /// only key positions and name problems.
    fn child(&self, pointer: &str, segment: impl FnOnce() -> String) -> String {
        match self.map {
            Some(_) => format!("{pointer}/{}", segment()),
            None => String::new(),
        }
    }

    /// The spec path of `pointer`, so parse problems name the field they concern.
    fn path(&self, pointer: &str) -> SpecPath {
        SpecPath::from_pointer(pointer, |parent| self.map.as_ref().is_some_and(|m| m.is_sequence(&pointer_of(parent))))
    }

    /// Consumes the rest of a node whose first event was `event`.
    fn skip_node(&mut self, event: Event<'a>) -> Result<(), SpecError> {
        let mut open = usize::from(matches!(event, Event::SequenceStart(..) | Event::MappingStart(..)));
        while open > 0 {
            match self.next()?.0 {
                Event::SequenceStart(..) | Event::MappingStart(..) => open += 1,
                Event::SequenceEnd | Event::MappingEnd => open -= 1,
                _ => {}
            }
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        pointer: &str,
        text: &str,
        style: ScalarStyle,
        tag: Option<&granit_parser::Tag>,
        span: Span,
    ) -> Result<Value, SpecError> {
        match tag {
            None if style == ScalarStyle::Plain => Ok(resolve_plain(text)),
            None => Ok(Value::String(text.to_owned())),
            Some(tag) if tag.is_yaml_core_schema() && tag.suffix() == "str" => Ok(Value::String(text.to_owned())),
            Some(tag) => {
                let path = self.path(pointer);
                self.errors.push(unsupported(path, span, &format!("tag `{tag}` is not supported: remove it")));
                Ok(Value::Null)
            }
        }
    }
}

fn is_data(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(..)
            | Event::DocumentEnd
            | Event::Alias(_)
            | Event::Scalar(..)
            | Event::SequenceStart(..)
            | Event::SequenceEnd
            | Event::MappingStart(..)
            | Event::MappingEnd
    )
}

/// Resolves a plain scalar by the YAML 1.2 core schema: null, booleans, integers,
/// floats, and everything else a string.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(number) = integer(text) {
        return Value::Number(number);
    }
    match float(text) {
        Some(number) => Value::Number(number),
        None => Value::String(text.to_owned()),
    }
}

fn integer(text: &str) -> Option<Number> {
    let (radix, digits) = if let Some(hex) = text.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = text.strip_prefix("0o") {
        (8, octal)
    } else {
        (10, text)
    };
    let unsigned = if radix == 10 { digits.strip_prefix(['-', '+']).unwrap_or(digits) } else { digits };
    if unsigned.is_empty() || !unsigned.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if let Ok(value) = u64::from_str_radix(digits.trim_start_matches('+'), radix) {
        return Some(Number::from(value));
    }
    i64::from_str_radix(digits, radix).ok().map(Number::from)
}

fn float(text: &str) -> Option<Number> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mantissa = body.split(['e', 'E']).next().unwrap_or(body);
    let plausible = !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().filter(|&c| c == '.').count() <= 1
        && mantissa != ".";
    if !plausible {
        return None;
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

fn location(line: usize, col: usize) -> Location {
    Location { line, column: col + 1 }
}

fn start(span: &Span) -> Location {
    location(span.start.line(), span.start.col())
}

fn located(path: SpecPath, span: Span, problem: Problem) -> SpecError {
    SpecError { path, location: Some(start(&span)), problem }
}

fn unsupported(path: SpecPath, span: Span, message: &str) -> SpecError {
    located(path, span, Problem::Unsupported(message.to_owned()))
}

fn syntax_at(location: Option<Location>, message: String) -> SpecError {
    SpecError { path: SpecPath::root(), location, problem: Problem::Syntax(message) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_scalars_resolve_by_the_yaml_1_2_core_schema() {
        assert_eq!(resolve_plain("8080"), json!(8080));
        assert_eq!(resolve_plain("-3"), json!(-3));
        assert_eq!(resolve_plain("99.9"), json!(99.9));
        assert_eq!(resolve_plain("true"), json!(true));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("yes"), json!("yes"));
        assert_eq!(resolve_plain("1.35"), json!(1.35));
        assert_eq!(resolve_plain("500m"), json!("500m"));
        assert_eq!(resolve_plain("0x1F"), json!(31));
        assert_eq!(resolve_plain("e3"), json!("e3"));
        assert_eq!(resolve_plain("1e3"), json!(1000.0));
    }

    #[test]
    fn values_and_keys_are_located() {
        let doc = parse("a:\n  b: 1\n  list:\n    - x\n    - y\n").unwrap();
        assert_eq!(doc.value, json!({"a": {"b": 1, "list": ["x", "y"]}}));
        assert_eq!(doc.map.key("/a/b"), Some(Location { line: 2, column: 3 }));
        assert_eq!(doc.map.value("/a/list/1"), Some(Location { line: 5, column: 7 }));
        assert!(doc.map.is_sequence("/a/list"));
    }

    #[test]
    fn duplicate_keys_and_aliases_are_all_reported() {
        let errors = parse("a: &x 1\na: 2\nb: *x\n").unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].problem, Problem::DuplicateKey("a".into()));
        assert_eq!(errors[0].location, Some(Location { line: 2, column: 1 }));
        assert_eq!(errors[0].path.to_string(), "a");
        assert_eq!(errors[1].path.to_string(), "b");
    }

    #[test]
    fn parse_problems_name_the_field_they_concern() {
        let errors = parse("list:\n  - { a: 1, a: 2 }\n  - !!int 3\n").unwrap_err();
        let paths: Vec<String> = errors.iter().map(|e| e.path.to_string()).collect();
        assert_eq!(paths, ["list[0].a", "list[1]"], "{errors:?}");
    }

    #[test]
    fn an_empty_file_is_located_at_its_start() {
        for text in ["", "# only a comment\n", "\n\n"] {
            let doc = parse(text).unwrap();
            assert_eq!(doc.value, Value::Null);
            assert_eq!(doc.map.value(""), Some(Location { line: 1, column: 1 }), "{text:?}");
        }
    }

    #[test]
    fn syntax_errors_carry_a_location() {
        let errors = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(matches!(errors[0].problem, Problem::Syntax(_)));
        assert!(errors[0].location.is_some());
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        let text = "[".repeat(10_000);
        assert!(parse(&text).is_err());
    }
}
