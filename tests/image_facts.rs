//! Every container can write what its image writes: for every container of every
//! environment, each path the image's entrypoint or program writes (keiko_model::images,
//! read from the image's source at the pinned tag) lies in a writable volume under the
//! rendered securityContext (every root filesystem is read-only), and the container
//! runs as the user the image needs. An image without facts, or whose tag moved away
//! from the tag its facts were read at, fails too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_model::images::{self, User};
use keiko_spec::Env;
use serde_json::Value;

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

/// The pod spec of a pod-bearing object, and the names of its per-replica volumes.
fn pod_spec(kind: &str, value: &Value) -> Option<(Value, Vec<String>)> {
    let spec = keiko_policy::k8s_rules::pod_spec_of(kind, value)?.clone();
    let claims = value
        .pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(|c| c.pointer("/metadata/name")?.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    Some((spec, claims))
}

/// Whether `path` lies under the mount point `at` (path components, not string prefixes).
fn under(path: &str, at: &str) -> bool {
    let at = at.trim_end_matches('/');
    path == at || path.starts_with(&format!("{at}/"))
}

/// The problems of one pod: `own` tells the platform's own service images, which have no
/// upstream facts (they follow the service image contract: any non-root user, /tmp only).
fn pod_problems(at: &str, spec: &Value, claims: &[String], own: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut problems = Vec::new();
    let volumes = spec["volumes"].as_array().cloned().unwrap_or_default();
    let writable = |name: &str| {
        claims.iter().any(|c| c == name)
            || volumes
                .iter()
                .any(|v| v["name"] == name && (v.get("emptyDir").is_some() || v.get("persistentVolumeClaim").is_some()))
    };
    let pod_user = spec.pointer("/securityContext/runAsUser").and_then(Value::as_i64);
    let containers = ["initContainers", "containers"]
        .iter()
        .flat_map(|k| spec[k].as_array().cloned().unwrap_or_default())
        .collect::<Vec<_>>();
    for container in &containers {
        let name = container["name"].as_str().unwrap_or_default();
        let image = container["image"].as_str().unwrap_or_default();
        let here = format!("{at} container {name} ({image})");
        if own(image) {
            continue;
        }
        let Some(facts) = images::facts(image) else {
            problems.push(format!("{here}: no facts for this image in keiko_model::images; read them from its source"));
            continue;
        };
        let tag = image.rsplit_once(':').map_or("", |(_, t)| t);
        if tag != facts.tag {
            problems.push(format!(
                "{here}: its facts were read at tag {}; read them again at {tag} ({})",
                facts.tag, facts.source
            ));
        }
        let user = container.pointer("/securityContext/runAsUser").and_then(Value::as_i64).or(pod_user);
        match facts.user {
            User::Uid(uid) if user != Some(uid) => {
                problems.push(format!("{here}: runs as {user:?}, but the image needs uid {uid}"));
            }
            User::AnyNonRoot if user.is_none_or(|u| u == 0) => {
                problems.push(format!("{here}: runs as {user:?}; give it a non-root uid"));
            }
            _ => {}
        }
        let read_only_root = container.pointer("/securityContext/readOnlyRootFilesystem") == Some(&Value::Bool(true));
        let env: Vec<(String, String)> = container["env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| Some((e["name"].as_str()?.to_owned(), e["value"].as_str()?.to_owned())))
            .collect();
        let has_command = container.get("command").is_some();
        let mounts = container["volumeMounts"].as_array().cloned().unwrap_or_default();
        for write in images::writes_in(facts, has_command, &env) {
            let mount = mounts
                .iter()
                .filter(|m| under(write.path, m["mountPath"].as_str().unwrap_or_default()))
                .max_by_key(|m| m["mountPath"].as_str().unwrap_or_default().len());
            let fine = match mount {
                None => !read_only_root,
                Some(m) => {
                    m["readOnly"] != Value::Bool(true)
                        && m.get("subPath").is_none()
                        && writable(m["name"].as_str().unwrap_or_default())
                }
            };
            if !fine {
                let on = mount.map_or("the read-only root filesystem".to_owned(), |m| {
                    format!("volume {} at {}", m["name"], m["mountPath"])
                });
                problems.push(format!(
                    "{here}: writes {} ({}), but that is {on}: mount a writable volume there (facts: {})",
                    write.path, write.because, facts.source
                ));
            }
        }
    }
    problems
}

/// Every problem of every pod-bearing object `platform` renders for `env`.
fn problems(platform: &Platform, env: Env) -> Vec<String> {
    let own_repositories: Vec<String> =
        platform.services().values().map(|s| format!("/{}:", s.image.repository)).collect();
    let own = |image: &str| own_repositories.iter().any(|r| image.contains(r.as_str()));
    let mut problems = Vec::new();
    for component in components(platform, env).unwrap() {
        for object in &component.objects {
            let Some((spec, claims)) = pod_spec(&object.kind, &object.value) else { continue };
            let at = format!("{env}: {} {}/{}", object.kind, object.namespace, object.name);
            problems.extend(pod_problems(&at, &spec, &claims, &own));
        }
    }
    problems
}

/// The rendered StatefulSet of `store` in dev, as JSON.
fn store(platform: &Platform, store: &str) -> Value {
    components(platform, Env::Dev)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.objects)
        .find(|o| o.kind == "StatefulSet" && o.name == store)
        .map(|o| o.value.clone())
        .unwrap()
}

fn store_problems(value: &Value) -> Vec<String> {
    let (spec, claims) = pod_spec("StatefulSet", value).unwrap();
    pod_problems("planted", &spec, &claims, &|_| false)
}

#[test]
fn every_container_can_write_what_its_image_writes() {
    let platform = keiko();
    for env in Env::ALL {
        let problems = problems(&platform, env);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[test]
fn synthetic_fleets_pass_too() {
    let platform = Platform::new(keiko_spec::synthetic::spec(100).unwrap());
    let problems = problems(&platform, Env::Production);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn clickhouse_without_a_writable_users_d_is_caught() {
    let platform = keiko();
    let mut value = store(&platform, "clickhouse");
    assert!(store_problems(&value).is_empty());
    let mounts = value.pointer_mut("/spec/template/spec/containers/0/volumeMounts").unwrap().as_array_mut().unwrap();
    mounts.retain(|m| m["mountPath"] != "/etc/clickhouse-server/users.d");
    let problems = store_problems(&value);
    assert!(
        problems.iter().any(|p| p.contains("writes /etc/clickhouse-server/users.d/default-user.xml")),
        "{problems:#?}"
    );
}

#[test]
fn neo4j_with_a_read_only_conf_is_caught() {
    let platform = keiko();
    let mut value = store(&platform, "neo4j");
    assert!(store_problems(&value).is_empty());
    let mounts = value.pointer_mut("/spec/template/spec/containers/0/volumeMounts").unwrap().as_array_mut().unwrap();
    for mount in mounts.iter_mut().filter(|m| m["mountPath"] == "/var/lib/neo4j/conf") {
        mount["readOnly"] = Value::Bool(true);
    }
    let problems = store_problems(&value);
    assert!(problems.iter().any(|p| p.contains("writes /var/lib/neo4j/conf/neo4j.conf")), "{problems:#?}");
}

#[test]
fn a_wrong_user_and_a_moved_tag_are_caught() {
    let platform = keiko();
    let mut value = store(&platform, "clickhouse");
    value["spec"]["template"]["spec"]["securityContext"]["runAsUser"] = Value::from(10001);
    value["spec"]["template"]["spec"]["containers"][0]["image"] = Value::from("clickhouse/clickhouse-server:25.9");
    let problems = store_problems(&value);
    assert!(problems.iter().any(|p| p.contains("the image needs uid 101")), "{problems:#?}");
    assert!(problems.iter().any(|p| p.contains("read them again at 25.9")), "{problems:#?}");
}

#[test]
fn an_image_without_facts_is_named() {
    let platform = keiko();
    let mut value = store(&platform, "neo4j");
    value["spec"]["template"]["spec"]["containers"][0]["image"] = Value::from("example/unknown:1.0");
    let problems = store_problems(&value);
    assert!(problems.iter().any(|p| p.contains("no facts for this image")), "{problems:#?}");
}

/// The size limit, in bytes, of the emptyDir volume `name` of a pod spec.
fn size_limit(spec: &Value, name: &str) -> Option<u64> {
    let volume = spec["volumes"].as_array()?.iter().find(|v| v["name"] == name)?;
    let text = volume.pointer("/emptyDir/sizeLimit")?.as_str()?;
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let factor = match unit {
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        _ => return None,
    };
    Some(number.parse::<u64>().ok()? * factor)
}

#[test]
fn the_drill_restores_onto_the_volume_sized_for_the_dumps() {
    // The throw-away PostgreSQL holds every restored database at once: its data directory
    // must be on the volume the dumps are sized for, not the small /tmp.
    let platform = keiko();
    let drill = components(&platform, Env::Production)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.objects)
        .find(|o| o.kind == "CronJob" && o.name == "dr-drill")
        .unwrap();
    let spec = keiko_policy::k8s_rules::pod_spec_of("CronJob", &drill.value).unwrap();
    let restore = spec["containers"].as_array().unwrap().iter().find(|c| c["name"] == "restore-and-verify").unwrap();
    let script = restore["args"][0].as_str().unwrap();
    let data_dir = script.split_whitespace().skip_while(|w| *w != "-D").nth(1).expect("initdb -D <dir>");
    let mount = restore["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| under(data_dir, m["mountPath"].as_str().unwrap()))
        .max_by_key(|m| m["mountPath"].as_str().unwrap().len())
        .expect("the data directory is on a volume");
    let volume = mount["name"].as_str().unwrap();
    let limit = size_limit(spec, volume).unwrap();
    assert!(limit >= 10 << 30, "{data_dir} is on volume {volume} of {limit} bytes: restore onto the work volume");
}

/// Where each container of `env` pulls from, by `kind namespace/name`: the image reference.
fn images(platform: &Platform, env: Env) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for object in components(platform, env).unwrap().into_iter().flat_map(|c| c.objects) {
        let Some((spec, _)) = pod_spec(&object.kind, &object.value) else { continue };
        for key in ["initContainers", "containers"] {
            for container in spec[key].as_array().into_iter().flatten() {
                let who = format!("{} {}/{}", object.kind, object.namespace, object.name);
                out.push((who, container["image"].as_str().unwrap().to_owned()));
            }
        }
    }
    out
}

/// The images a container may name: a service's own, from the registry Terraform creates
/// (`platform.registry`, whose host `facts/global.json` must confirm, ADR 0019); an image the
/// spec names (a store's, the collectors'); or a platform image whose facts were read at
/// its tag (`keiko_model::images`).
fn image_host_problems(platform: &Platform, images: &[(String, String)]) -> Vec<String> {
    let registry = format!("{}/", platform.settings().registry);
    let spec_images: Vec<&str> = platform
        .stateful()
        .values()
        .map(|s| s.image.as_str())
        .chain([platform.observability().collector_image.as_str()])
        .collect();
    let pinned: Vec<String> = keiko_model::images::ALL.iter().map(|f| format!("{}:{}", f.repository, f.tag)).collect();
    images
        .iter()
        .filter(|(_, image)| {
            let service = image.strip_prefix(&registry).is_some_and(|rest| {
                platform.services().values().any(|s| rest.starts_with(&format!("{}:", s.image.repository)))
            });
            !(service || spec_images.contains(&image.as_str()) || pinned.contains(image))
        })
        .map(|(who, image)| format!("{who} pulls {image}: neither from the registry Terraform creates nor declared"))
        .collect()
}

#[test]
fn every_image_comes_from_the_registry_terraform_creates_or_is_declared() {
    let platform = keiko();
    for env in Env::ALL {
        let images = images(&platform, env);
        assert!(images.len() > 15, "{env}: {} images", images.len());
        let problems = image_host_problems(&platform, &images);
        assert!(problems.is_empty(), "{env}:\n{}", problems.join("\n"));
        // Planted: a service image on the host the seed named but Terraform does not create.
        let mut planted = images.clone();
        planted.push(("Deployment keiko/x".into(), "registry.example.invalid/keikolatam/api-gateway:1".into()));
        assert_eq!(image_host_problems(&platform, &planted).len(), 1);
    }
}
