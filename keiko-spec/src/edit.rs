//! Edits of keiko.yaml that keep its comments and layout: image tags are replaced in
//! place, byte for byte, and the result is validated like any other spec.

use super::error::{Problem, SpecError, SpecErrors, SpecPath};
use super::source::{self, pointer_of};
use super::validate::names;
use super::{Env, Spec, load};

/// One image tag to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagChange {
    /// The service.
    pub service: String,
    /// The environment.
    pub env: Env,
    /// The tag before the change.
    pub from: String,
    /// The tag after it.
    pub to: String,
}

/// Sets `service`'s tag in `env`, returning the new text and the change (none when the
/// tag is already set).
pub fn set_image(
    file: &str,
    text: &str,
    service: &str,
    env: Env,
    tag: &str,
) -> Result<(String, Vec<TagChange>), SpecErrors> {
    let spec = load(file, text)?;
    let current = current_tag(file, &spec, service, env)?;
    let changes = if current == tag {
        Vec::new()
    } else {
        vec![TagChange { service: service.to_owned(), env, from: current, to: tag.to_owned() }]
    };
    apply(file, text, changes)
}

/// Copies the tags of `from` into the next environment, for one service or all.
pub fn promote(
    file: &str,
    text: &str,
    from: Env,
    to: Env,
    service: Option<&str>,
) -> Result<(String, Vec<TagChange>), SpecErrors> {
    if from.next() != Some(to) {
        let next = from.next().map_or("nothing: it is the last environment".to_owned(), |n| n.name().to_owned());
        return Err(one(file, SpecPath::root(), format!("cannot promote {from} to {to}: {from} promotes to {next}")));
    }
    let spec = load(file, text)?;
    let names: Vec<String> = match service {
        Some(name) => vec![name.to_owned()],
        None => spec.services().keys().cloned().collect(),
    };
    let mut changes = Vec::new();
    for name in names {
        let (source, target) = (current_tag(file, &spec, &name, from)?, current_tag(file, &spec, &name, to)?);
        if source != target {
            changes.push(TagChange { service: name, env: to, from: target, to: source });
        }
    }
    apply(file, text, changes)
}

fn current_tag(file: &str, spec: &Spec, service: &str, env: Env) -> Result<String, SpecErrors> {
    match spec.services().get(service) {
        Some(found) => Ok(found.image.tags.get(env).clone()),
        None => {
            let known = spec.services().keys().cloned().collect::<Vec<_>>().join(", ");
            Err(one(
                file,
                SpecPath::root().key("services"),
                format!("`{service}` is not a service; expected one of: {known}"),
            ))
        }
    }
}

/// Rewrites every changed tag in place, then validates the result as a whole.
fn apply(file: &str, text: &str, changes: Vec<TagChange>) -> Result<(String, Vec<TagChange>), SpecErrors> {
    let document = source::parse(text).map_err(|errors| SpecErrors { file: file.to_owned(), errors })?;
    let mut spans = Vec::new();
    for change in &changes {
        let path = tag_path(&change.service, change.env);
        let span = document.map.scalar_span(&pointer_of(&path)).ok_or_else(|| {
            one(file, path.clone(), "the tag is not a plain value that can be edited in place".to_owned())
        })?;
        spans.push((span, scalar(&change.to)));
    }
    spans.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut edited = text.to_owned();
    for (span, replacement) in spans {
        edited.replace_range(span, &replacement);
    }
    load(file, &edited)?;
    Ok((edited, changes))
}

/// The spec path of a tag.
pub fn tag_path(service: &str, env: Env) -> SpecPath {
    SpecPath::root().key("services").key(service).key("image").key("tags").key(env.name())
}

/// A tag as YAML: plain when it cannot be misread, double-quoted otherwise.
fn scalar(tag: &str) -> String {
    let plain = names::is_image_tag(tag)
        && !matches!(
            source::resolve_plain(tag),
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) | serde_json::Value::Null
        );
    if plain { tag.to_owned() } else { serde_json::Value::from(tag).to_string() }
}

fn one(file: &str, path: SpecPath, message: String) -> SpecErrors {
    SpecErrors { file: file.to_owned(), errors: vec![SpecError::new(path, Problem::Invalid(message))] }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# header comment\nplatform: {}\nservices:\n  a:\n    image:\n      tags:\n        dev: v1   # keep me\n        staging: \"abc\"\n";

    #[test]
    fn tags_are_rewritten_in_place_keeping_comments() {
        let document = source::parse(TEXT).unwrap();
        let span = document.map.scalar_span(&pointer_of(&tag_path("a", Env::Dev))).unwrap();
        assert_eq!(&TEXT[span], "v1");
        let quoted = document.map.scalar_span(&pointer_of(&tag_path("a", Env::Staging))).unwrap();
        assert_eq!(&TEXT[quoted], "\"abc\"");
    }

    #[test]
    fn tags_that_yaml_would_misread_are_quoted() {
        assert_eq!(scalar("v1.2.3"), "v1.2.3");
        assert_eq!(scalar("1234"), "\"1234\"");
        assert_eq!(scalar("sha256:00"), "\"sha256:00\"");
    }
}
