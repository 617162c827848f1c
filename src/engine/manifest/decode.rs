//! JSON value -> typed `Object`: apiVersion/kind lookup (kubectl's client-side checks), the typed
//! decode (`model::codec`) with unknown fields collected and wrong types worded as the API
//! server's Go decoder words them.

use super::document::{ManifestError, ManifestErrorKind};
use super::gotypes::unmarshal_error;
use crate::engine::model::codec::{self, Codec, DecodeCx, Seg};
use crate::engine::model::{Kind, Object, PodTemplateSpec};
use serde_json::Value;

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
pub fn decode(value: Value) -> Result<Decoded, ManifestError> {
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
    // `null` is Go's "leave the zero value": the codec handles it where it stands (a map entry
    // `tier: null` is `""`, an unknown field set to null is still reported).
    let mut cx = DecodeCx::new();
    macro_rules! typed {
        ($($v:ident),*) => {
            match kind {
                $(Kind::$v => <crate::engine::model::$v as Codec>::decode(&value, &mut cx).map(Object::$v),)*
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
    .map_err(|e| {
        let info = kind.info();
        let keys: Vec<String> = e
            .path
            .iter()
            .filter_map(|seg| match seg {
                Seg::Key(k) => Some(k.clone()),
                Seg::Index(_) => None,
            })
            .collect();
        let go_message = unmarshal_error(kind, &keys, &e.message);
        let mut err = ManifestError::new(
            ManifestErrorKind::BadRequest,
            format!(
                "{} in version {:?} cannot be handled as a {}: {go_message}",
                info.name, info.version, info.name
            ),
        );
        err.path = (!e.path.is_empty()).then(|| field_path(&e.path));
        err
    })?;
    let unknown = cx.into_unknown().iter().map(|p| field_path(p)).collect();
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

/// A pod template kept as JSON (a ControllerRevision's data).
pub fn pod_template_from_value(value: Value) -> Result<PodTemplateSpec, String> {
    codec::from_value(&value).map_err(|e| e.to_string())
}

/// `spec.template.spec.containers[0].image`: how the API server names a field.
pub fn field_path(path: &[Seg]) -> String {
    let mut p = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if !p.is_empty() {
                    p.push('.');
                }
                p.push_str(key);
            }
            Seg::Index(index) => p.push_str(&format!("[{index}]")),
        }
    }
    p
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
    fn many_missing_fields_get_zero_values_as_in_go() {
        let mounts: Vec<Value> = (0..3000)
            .map(|i| json!({"name": format!("v{i}")}))
            .collect();
        let d = decode(pod(
            json!([{"name": "a", "image": "x", "volumeMounts": mounts}]),
        ))
        .expect("Go's decoder leaves missing fields at their zero value");
        let json = d.object.to_json();
        assert_eq!(
            json["spec"]["containers"][0]["volumeMounts"][2999]["mountPath"],
            ""
        );
    }

    #[test]
    fn unknown_fields_are_named_in_document_order() {
        let d = decode(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "labelz": {"a": "b"}},
            "spec": {"containers": [{"name": "a", "image": "x", "imagee": "y",
                                     "ports": [{"containerPort": 80, "protocl": "TCP"}]}],
                     "nodeSelectr": {}}}))
        .expect("unknown fields are dropped, not errors");
        assert_eq!(
            d.unknown_fields,
            [
                "metadata.labelz",
                "spec.containers[0].imagee",
                "spec.containers[0].ports[0].protocl",
                "spec.nodeSelectr"
            ]
        );
    }
}
