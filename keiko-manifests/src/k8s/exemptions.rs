//! Policy exemptions from the spec, written onto the objects they cover as checkov
//! skip annotations (`checkov.io/skipN: ID=reason`) or, for Keiko's own rules,
//! `keiko.io/exempt-<ID>: reason`, so scanners, `generate lint` and reviewers see the
//! reason next to the object.

use super::object::Object;
use keiko_model::Platform;
use keiko_spec::security::{Exemption, Framework};
use serde_json::{Map, Value};

/// Annotates every object an exemption covers.
pub fn annotate(platform: &Platform, objects: &mut [Object]) {
    for object in objects {
        let applicable: Vec<_> = platform
            .security()
            .exemptions
            .iter()
            .filter(|e| e.framework == Framework::Kubernetes)
            .filter(|e| e.kinds.is_empty() || e.kinds.contains(&object.kind))
            .collect();
        if applicable.is_empty() {
            continue;
        }
        let Some(metadata) = object.value.get_mut("metadata").and_then(Value::as_object_mut) else { continue };
        let annotations = metadata.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(annotations) = annotations {
            let (own, checkov): (Vec<&&Exemption>, Vec<&&Exemption>) =
                applicable.iter().partition(|e| e.check.starts_with("KEIKO-"));
            for (index, exemption) in checkov.iter().enumerate() {
                annotations.insert(
                    format!("checkov.io/skip{}", index + 1),
                    Value::from(format!("{}={}", exemption.check, exemption.reason)),
                );
            }
            for exemption in own {
                annotations
                    .insert(format!("keiko.io/exempt-{}", exemption.check), Value::from(exemption.reason.clone()));
            }
        }
    }
}
