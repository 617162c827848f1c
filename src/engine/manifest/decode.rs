//! JSON value -> typed `Object`: apiVersion/kind lookup (kubectl's client-side checks), the typed
//! decode with unknown fields collected (`unknown`: a round trip compared with the input) and wrong types worded as the API
//! server's Go decoder words them (`locate` finds the path).

use super::document::{ManifestError, ManifestErrorKind};
use super::gotypes::unmarshal_error;
use super::locate::{self, NodePath, Seg, Trial};
use crate::engine::model::{Kind, Object, PodTemplateSpec};
use serde::de::DeserializeOwned;
use serde_json::Value;

mod unknown;

/// A decoded object and the fields the API does not know (`spec.replica`,
/// `spec.template.spec.containers[0].imagePullPolicyy`); those fields are dropped.
#[derive(Clone, Debug)]
pub struct Decoded {
    pub object: Object,
    pub unknown_fields: Vec<String>,
}

const STOP_VALIDATE: &str =
    "if you choose to ignore these errors, turn validation off with --validate=false";

/// kubectl's own check before sending (`getObjectKind` in kubectl's validation package).
fn type_meta(value: &Value) -> Result<(String, String), ManifestError> {
    let Some(map) = value.as_object() else {
        let go_kind = match value {
            Value::Array(_) => "array",
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Bool(_) => "bool",
            _ => "null",
        };
        return Err(ManifestError::new(
            ManifestErrorKind::Schema,
            format!(
                "error validating data: json: cannot unmarshal {go_kind} into Go value of type map[string]interface {{}}; {STOP_VALIDATE}"
            ),
        ));
    };
    let mut errs = Vec::new();
    let mut field = |name: &str| match map.get(name) {
        None | Some(Value::Null) => {
            errs.push(format!("{name} not set"));
            String::new()
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            errs.push(format!("{name} isn't string type"));
            String::new()
        }
    };
    let api_version = field("apiVersion");
    let kind = field("kind");
    if errs.is_empty() && kind.is_empty() {
        errs.push("kind not set".into());
    }
    match errs.len() {
        0 => Ok((api_version, kind)),
        1 => Err(ManifestError::new(
            ManifestErrorKind::Schema,
            format!("error validating data: {}; {STOP_VALIDATE}", errs[0]),
        )),
        _ => Err(ManifestError::new(
            ManifestErrorKind::Schema,
            format!(
                "error validating data: [{}]; {STOP_VALIDATE}",
                errs.join(", ")
            ),
        )),
    }
}

/// Decodes one document's value.
pub fn decode(mut value: Value) -> Result<Decoded, ManifestError> {
    let (api_version, kind_name) = type_meta(&value)?;
    if is_unsimulated_builtin(&api_version, &kind_name) {
        return Err(ManifestError::new(
            ManifestErrorKind::Unsupported,
            format!(
                "kubeplay does not simulate {kind_name} ({api_version}); a real cluster would accept it. \
Simulated kinds: {}",
                simulated_kinds()
            ),
        ));
    }
    let Some(kind) = Kind::from_api(&api_version, &kind_name) else {
        let meta = value.get("metadata");
        let text = |k: &str| {
            meta.and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        return Err(ManifestError::new(
            ManifestErrorKind::NoKindMatch {
                name: text("name").into(),
                namespace: text("namespace").into(),
            },
            format!("no matches for kind {kind_name:?} in version {api_version:?}"),
        ));
    };
    // Go's decoder treats `null` as "leave the zero value"; serde would reject it.
    strip_nulls(&mut value, 0);
    let mut unknown = Vec::new();
    macro_rules! typed {
        ($($v:ident),*) => {
            match kind {
                $(Kind::$v => decode_typed(kind, value, &mut unknown, &|v| {
                    attempt::<crate::engine::model::$v>(v).map(Object::$v)
                }),)*
            }
        };
    }
    let object = typed!(
        Namespace,
        Node,
        Pod,
        Service,
        Endpoints,
        EndpointSlice,
        ConfigMap,
        Secret,
        PersistentVolumeClaim,
        PersistentVolume,
        Event,
        DaemonSet,
        Deployment,
        ReplicaSet,
        StatefulSet,
        ControllerRevision,
        PodDisruptionBudget,
        StorageClass
    )
    .map_err(|(go_message, path)| {
        let info = kind.info();
        let mut e = ManifestError::new(
            ManifestErrorKind::BadRequest,
            format!(
                "{} in version {:?} cannot be handled as a {}: {go_message}",
                info.name, info.version, info.name
            ),
        );
        e.path = path;
        e
    })?;
    check_bytes(&object).map_err(|go_message| {
        let info = kind.info();
        ManifestError::new(
            ManifestErrorKind::BadRequest,
            format!(
                "{} in version {:?} cannot be handled as a {}: {go_message}",
                info.name, info.version, info.name
            ),
        )
    })?;
    Ok(Decoded {
        object,
        unknown_fields: unknown,
    })
}

/// Go decodes `[]byte` fields (Secret `data`, ConfigMap `binaryData`) from base64 and fails on
/// bad input with `illegal base64 data at input byte N`.
fn check_bytes(object: &Object) -> Result<(), String> {
    use base64::Engine as _;
    let maps = match object {
        Object::Secret(s) => s.data.as_ref(),
        Object::ConfigMap(c) => c.binary_data.as_ref(),
        _ => None,
    };
    for value in maps.into_iter().flat_map(|m| m.values()) {
        if let Err(e) = base64::engine::general_purpose::STANDARD.decode(value) {
            let at = match e {
                base64::DecodeError::InvalidByte(i, _)
                | base64::DecodeError::InvalidLastSymbol(i, _) => i,
                base64::DecodeError::InvalidLength(len) => len - len % 4,
                base64::DecodeError::InvalidPadding => value.len().saturating_sub(1),
            };
            return Err(format!("illegal base64 data at input byte {at}"));
        }
    }
    Ok(())
}

fn strip_nulls(v: &mut Value, depth: usize) {
    if depth > super::limits::MAX_DEPTH {
        return;
    }
    match v {
        Value::Object(map) => {
            map.retain(|_, x| !x.is_null());
            for x in map.values_mut() {
                strip_nulls(x, depth + 1);
            }
        }
        Value::Array(items) => {
            for x in items {
                strip_nulls(x, depth + 1);
            }
        }
        _ => {}
    }
}

/// Typed decode. A field our model requires but Go would leave at its zero value (a volume
/// mount without `mountPath`) is filled with that zero value and decoding retried, so
/// validation can report it the API server's way (`...mountPath: Required value`).
/// Not generic: one compiled copy of this search serves every kind (`attempt` is the kind's
/// typed decode).
fn decode_typed(
    kind: Kind,
    mut value: Value,
    unknown: &mut Vec<String>,
    attempt: &dyn Fn(Value) -> Result<Object, String>,
) -> Result<Object, (String, Option<String>)> {
    const MAX_RETRIES: usize = 64;
    // Extra decodes spent finding where errors are (see `locate`), fewer for big documents.
    let mut trials_left = locate::trial_budget(&value);
    let mut inserted: Vec<NodePath> = Vec::new();
    for _ in 0..MAX_RETRIES {
        let msg = match attempt(value.clone()) {
            Ok(object) => {
                // apiVersion and kind, which to_json adds, are in the input too.
                let round_trip = object.to_json();
                *unknown =
                    unknown::unknown_fields(&value, &round_trip, &mut |copy| attempt(copy).is_ok());
                return Ok(object);
            }
            Err(msg) => msg,
        };
        let mut trial = |copy: Value| {
            trials_left = trials_left.checked_sub(1)?;
            let error = attempt(copy).err();
            Some(Trial { error })
        };
        if let Some(field) = msg
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            if let Some(path) = locate::missing_field(&value, field, &msg, &mut trial) {
                if let Some(Value::Object(obj)) = locate::get_mut(&mut value, &path) {
                    // `field: ""`; a number field gets 0 on the next round.
                    obj.insert(field.to_string(), Value::String(String::new()));
                    let mut filled = path;
                    filled.push(Seg::Key(field.to_string()));
                    inserted.push(filled);
                    continue;
                }
            }
            return Err((unmarshal_error(kind, &[], &msg), None));
        }
        // A zero value we filled in last round is the usual suspect: two decodes confirm it.
        let path = inserted
            .last()
            .filter(|_| msg.starts_with("invalid type: string \"\", expected"))
            .and_then(|last| locate::confirm(&value, last, &msg, &mut trial))
            .or_else(|| locate::culprit(&value, &msg, &mut trial));
        if let Some(path) = &path {
            if msg.starts_with("invalid type: string \"\", expected") && inserted.contains(path) {
                if let Some(v) = locate::get_mut(&mut value, path) {
                    *v = Value::from(0);
                    continue;
                }
            }
        }
        let keys = path.as_deref().map(locate::keys).unwrap_or_default();
        return Err((
            unmarshal_error(kind, &keys, &msg),
            path.as_deref().map(locate::field_path),
        ));
    }
    Err((
        "json: the document has too many missing fields".to_string(),
        None,
    ))
}

/// One decode; the only instantiation of the model's deserializers for `T`.
fn attempt<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// A pod template kept as JSON (a ControllerRevision's data), decoded by the manifest decoder's
/// code so the wasm holds one PodSpec deserializer rather than two.
pub fn pod_template_from_value(value: Value) -> Result<PodTemplateSpec, String> {
    attempt(value)
}

/// Built-in v1.36 kinds that kubeplay does not model. Saying "no matches for kind" for them
/// would teach that a real cluster lacks them.
fn is_unsimulated_builtin(api_version: &str, kind: &str) -> bool {
    const BUILTIN: &[(&str, &str)] = &[
        ("batch/v1", "Job"),
        ("batch/v1", "CronJob"),
        ("v1", "ServiceAccount"),
        ("v1", "ReplicationController"),
        ("v1", "PodTemplate"),
        ("v1", "LimitRange"),
        ("v1", "ResourceQuota"),
        ("networking.k8s.io/v1", "Ingress"),
        ("networking.k8s.io/v1", "IngressClass"),
        ("networking.k8s.io/v1", "NetworkPolicy"),
        ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("autoscaling/v1", "HorizontalPodAutoscaler"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
        ("storage.k8s.io/v1", "CSIDriver"),
        ("storage.k8s.io/v1", "CSINode"),
        ("storage.k8s.io/v1", "VolumeAttachment"),
        ("coordination.k8s.io/v1", "Lease"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        (
            "admissionregistration.k8s.io/v1",
            "ValidatingWebhookConfiguration",
        ),
        (
            "admissionregistration.k8s.io/v1",
            "MutatingWebhookConfiguration",
        ),
        ("node.k8s.io/v1", "RuntimeClass"),
    ];
    BUILTIN.contains(&(api_version, kind))
}

fn simulated_kinds() -> String {
    let names: Vec<&str> = Kind::ALL
        .iter()
        .filter(|k| {
            !matches!(
                k,
                Kind::Event | Kind::ControllerRevision | Kind::Endpoints | Kind::Node
            )
        })
        .map(|k| k.info().name)
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(containers: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
               "spec": {"containers": containers}})
    }

    #[test]
    fn of_two_bad_values_the_first_is_named() {
        let e = decode(pod(json!([
            {"name": "a", "image": "x", "env": [{"name": "N", "value": "80"}],
             "ports": [{"containerPort": 80}, {"containerPort": "80"}]},
            {"name": "b", "image": "x", "ports": [{"containerPort": "80"}]}
        ])))
        .expect_err("string port");
        assert_eq!(
            e.path.as_deref(),
            Some("spec.containers[0].ports[1].containerPort")
        );
        assert!(e.message.ends_with("json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32"), "{}", e.message);
    }

    #[test]
    fn missing_fields_are_filled_where_they_are_missing() {
        let d = decode(pod(json!([{"name": "a", "image": "x",
            "volumeMounts": [{"name": "v", "mountPath": "/a"}, {"name": "w"}, {"name": "u"}]}])))
        .expect("zero values filled");
        let json = d.object.to_json();
        let mounts = &json["spec"]["containers"][0]["volumeMounts"];
        assert_eq!(mounts[0]["mountPath"], "/a");
        assert_eq!(mounts[1]["mountPath"], "");
        assert_eq!(mounts[2]["mountPath"], "");
    }

    #[test]
    fn many_missing_fields_end_quickly_with_an_error() {
        let mounts: Vec<Value> = (0..3000)
            .map(|i| json!({"name": format!("v{i}")}))
            .collect();
        let e = decode(pod(
            json!([{"name": "a", "image": "x", "volumeMounts": mounts}]),
        ))
        .expect_err("too many");
        assert!(
            e.message
                .ends_with("json: the document has too many missing fields"),
            "{}",
            e.message
        );
    }
}
