//! Go type names for the API server's JSON decoding errors. A value of the wrong type is
//! reported by Go's decoder as `json: cannot unmarshal string into Go struct field
//! StatefulSetSpec.spec.replicas of type int32`: the Go struct holding the field, the JSON path
//! without list indices, and the field's Go type. This table knows the structs a workload
//! manifest is made of; anything else falls back to `Go value of type ...`.

use crate::engine::model::Kind;

/// The Go struct under `key` of Go struct `parent` (`("PodSpec", "containers")` -> `Container`).
pub fn child_struct(parent: &str, key: &str) -> Option<&'static str> {
    let s = match (parent, key) {
        (_, "metadata") => "ObjectMeta",
        ("StatefulSet", "spec") => "StatefulSetSpec",
        ("StatefulSet", "status") => "StatefulSetStatus",
        ("DaemonSet", "spec") => "DaemonSetSpec",
        ("DaemonSet", "status") => "DaemonSetStatus",
        ("Deployment", "spec") => "DeploymentSpec",
        ("Deployment", "status") => "DeploymentStatus",
        ("ReplicaSet", "spec") => "ReplicaSetSpec",
        ("ReplicaSet", "status") => "ReplicaSetStatus",
        ("Pod", "spec") | ("PodTemplateSpec", "spec") => "PodSpec",
        ("Pod", "status") => "PodStatus",
        ("Service", "spec") => "ServiceSpec",
        ("PersistentVolumeClaim", "spec") => "PersistentVolumeClaimSpec",
        ("PersistentVolume", "spec") => "PersistentVolumeSpec",
        ("Node", "spec") => "NodeSpec",
        ("Namespace", "spec") => "NamespaceSpec",
        ("PodDisruptionBudget", "spec") => "PodDisruptionBudgetSpec",
        ("StatefulSetSpec" | "DaemonSetSpec" | "DeploymentSpec" | "ReplicaSetSpec", "template") => {
            "PodTemplateSpec"
        }
        (
            "StatefulSetSpec"
            | "DaemonSetSpec"
            | "DeploymentSpec"
            | "ReplicaSetSpec"
            | "PersistentVolumeClaimSpec"
            | "PodDisruptionBudgetSpec",
            "selector",
        ) => "LabelSelector",
        ("StatefulSetSpec", "updateStrategy") => "StatefulSetUpdateStrategy",
        ("StatefulSetUpdateStrategy", "rollingUpdate") => "RollingUpdateStatefulSetStrategy",
        ("StatefulSetSpec", "volumeClaimTemplates") => "PersistentVolumeClaim",
        ("StatefulSetSpec", "persistentVolumeClaimRetentionPolicy") => {
            "StatefulSetPersistentVolumeClaimRetentionPolicy"
        }
        ("StatefulSetSpec", "ordinals") => "StatefulSetOrdinals",
        ("DaemonSetSpec", "updateStrategy") => "DaemonSetUpdateStrategy",
        ("DaemonSetUpdateStrategy", "rollingUpdate") => "RollingUpdateDaemonSet",
        ("DeploymentSpec", "strategy") => "DeploymentStrategy",
        ("DeploymentStrategy", "rollingUpdate") => "RollingUpdateDeployment",
        ("PodSpec", "containers" | "initContainers") => "Container",
        ("PodSpec", "volumes") => "Volume",
        ("PodSpec", "tolerations") => "Toleration",
        ("PodSpec", "affinity") => "Affinity",
        ("Affinity", "nodeAffinity") => "NodeAffinity",
        ("Container", "ports") => "ContainerPort",
        ("Container", "env") => "EnvVar",
        ("Container", "resources") => "ResourceRequirements",
        ("Container", "livenessProbe" | "readinessProbe" | "startupProbe") => "Probe",
        ("Container", "volumeMounts") => "VolumeMount",
        ("Probe", "httpGet") => "HTTPGetAction",
        ("ServiceSpec", "ports") => "ServicePort",
        ("PersistentVolumeClaimSpec", "resources") => "VolumeResourceRequirements",
        ("LabelSelector", "matchExpressions") => "LabelSelectorRequirement",
        ("Volume", "persistentVolumeClaim") => "PersistentVolumeClaimVolumeSource",
        ("Volume", "configMap") => "ConfigMapVolumeSource",
        ("Volume", "secret") => "SecretVolumeSource",
        ("Volume", "emptyDir") => "EmptyDirVolumeSource",
        ("Volume", "hostPath") => "HostPathVolumeSource",
        ("ObjectMeta", "ownerReferences") => "OwnerReference",
        ("NodeSpec", "taints") => "Taint",
        _ => return None,
    };
    Some(s)
}

/// The Go element type of a map-valued field (`ConfigMap.data` holds `string`s).
fn map_field_element(parent: &str, key: &str) -> Option<&'static str> {
    let element = match (parent, key) {
        ("ObjectMeta", "labels" | "annotations")
        | ("ConfigMap", "data")
        | ("Secret", "stringData")
        | ("LabelSelector", "matchLabels")
        | ("PodSpec", "nodeSelector")
        | ("ServiceSpec", "selector") => "string",
        ("ConfigMap", "binaryData") | ("Secret", "data") => "[]uint8",
        ("ResourceRequirements" | "VolumeResourceRequirements", "limits" | "requests") => {
            "resource.Quantity"
        }
        _ => return None,
    };
    Some(element)
}

/// The named Go string type of an enum-valued field (`type TaintEffect string`): Go's decoder
/// names it, not `string`, when the JSON value is not a string. kubeplay's model holds these
/// as plain strings (or a string enum), so the name comes from this table.
fn named_string_type(parent: &str, key: &str) -> Option<&'static str> {
    let t = match (parent, key) {
        ("Taint" | "Toleration", "effect") => "TaintEffect",
        ("Toleration", "operator") => "TolerationOperator",
        ("PodSpec", "restartPolicy") => "RestartPolicy",
        ("PodSpec", "dnsPolicy") => "DNSPolicy",
        ("PodSpec", "preemptionPolicy") => "PreemptionPolicy",
        ("PodStatus", "phase") => "PodPhase",
        ("Container", "imagePullPolicy") => "PullPolicy",
        ("Container", "terminationMessagePolicy") => "TerminationMessagePolicy",
        ("ContainerPort" | "ServicePort", "protocol") => "Protocol",
        ("HTTPGetAction", "scheme") => "URIScheme",
        ("ServiceSpec", "type") => "ServiceType",
        ("ServiceSpec", "sessionAffinity") => "ServiceAffinity",
        ("ServiceSpec", "externalTrafficPolicy") => "ServiceExternalTrafficPolicy",
        ("ServiceSpec", "internalTrafficPolicy") => "ServiceInternalTrafficPolicy",
        ("StatefulSetSpec", "podManagementPolicy") => "PodManagementPolicyType",
        ("StatefulSetUpdateStrategy", "type") => "StatefulSetUpdateStrategyType",
        ("StatefulSetPersistentVolumeClaimRetentionPolicy", "whenDeleted" | "whenScaled") => {
            "PersistentVolumeClaimRetentionPolicyType"
        }
        ("DaemonSetUpdateStrategy", "type") => "DaemonSetUpdateStrategyType",
        ("DeploymentStrategy", "type") => "DeploymentStrategyType",
        ("PersistentVolumeClaimSpec", "accessModes") => "PersistentVolumeAccessMode",
        ("PersistentVolumeClaimSpec", "volumeMode") => "PersistentVolumeMode",
        ("LabelSelectorRequirement", "operator") => "LabelSelectorOperator",
        _ => return None,
    };
    Some(t)
}

/// Go package qualifier of an API struct (`metav1.ObjectMeta` prints as `v1.ObjectMeta`).
fn qualified(s: &str) -> String {
    format!("v1.{s}")
}

/// The Go error for a value of the wrong JSON type.
///
/// `keys` are the JSON keys from the object root to the field (no list indices); `serde_msg` is
/// serde's description (`invalid type: string "3", expected i32`).
pub fn unmarshal_error(kind: Kind, keys: &[String], serde_msg: &str) -> String {
    let (json_kind, expected) = describe(serde_msg);
    // Walk the structs down to the field's parent and, where known, the field's own struct.
    let mut current: Option<&'static str> = Some(kind.info().name);
    let mut parent: Option<&'static str> = None;
    let mut keys = keys;
    let mut map_element: Option<&'static str> = None;
    for (i, key) in keys.iter().enumerate() {
        parent = current;
        current = current.and_then(|c| child_struct(c, key));
        // Go's decoder names a map's field, not the key inside it: a bad value under
        // `data.debug` is reported at `ConfigMap.data` with the map's element type.
        if i + 1 < keys.len() {
            if let Some(element) = parent.and_then(|p| map_field_element(p, key)) {
                keys = &keys[..=i];
                map_element = Some(element);
                break;
            }
        }
    }
    let mut go_type = match map_element {
        Some(element) if !serde_msg.contains("quantities") => element.to_string(),
        _ => go_type(&expected, current, serde_msg),
    };
    if is_integer_type(&go_type) {
        if let Some(t) = keys.last().and_then(|k| go_int_type(k)) {
            go_type = t.to_string();
        }
    }
    if go_type == "string" && map_element.is_none() {
        if let (Some(p), Some(k)) = (parent, keys.last()) {
            if let Some(t) = named_string_type(p, k) {
                go_type = qualified(t);
            }
        }
    }
    let value = if json_kind == "number" && is_integer_type(&go_type) {
        // Go names the number when it does not fit the integer type (1.5, 1e+12, 2^40).
        number_literal(serde_msg)
            .map(|n| format!("number {n}"))
            .unwrap_or(json_kind.clone())
    } else {
        json_kind.clone()
    };
    match (parent, keys.is_empty()) {
        (Some(p), false) => {
            format!(
                "json: cannot unmarshal {value} into Go struct field {p}.{} of type {go_type}",
                keys.join(".")
            )
        }
        _ => format!("json: cannot unmarshal {value} into Go value of type {go_type}"),
    }
}

/// The Go integer type of API fields the model stores in a wider Rust type.
fn go_int_type(field: &str) -> Option<&'static str> {
    match field {
        "containerPort"
        | "hostPort"
        | "port"
        | "nodePort"
        | "initialDelaySeconds"
        | "timeoutSeconds"
        | "periodSeconds"
        | "successThreshold"
        | "failureThreshold"
        | "defaultMode"
        | "replicas"
        | "minReadySeconds"
        | "revisionHistoryLimit"
        | "progressDeadlineSeconds"
        | "partition"
        | "weight"
        | "priority"
        | "start" => Some("int32"),
        "activeDeadlineSeconds"
        | "terminationGracePeriodSeconds"
        | "tolerationSeconds"
        | "generation" => Some("int64"),
        _ => None,
    }
}

fn is_integer_type(t: &str) -> bool {
    matches!(
        t,
        "int32" | "int64" | "uint32" | "uint64" | "int" | "uint8" | "int16"
    )
}

/// (JSON kind, serde's "expected ..." text).
fn describe(msg: &str) -> (String, String) {
    let expected = msg
        .rsplit_once(", expected ")
        .map(|(_, e)| e.to_string())
        .unwrap_or_default();
    let json_kind = if let Some(rest) = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
    {
        if rest.starts_with("string") {
            "string"
        } else if rest.starts_with("integer") || rest.starts_with("floating point") {
            "number"
        } else if rest.starts_with("boolean") {
            "bool"
        } else if rest.starts_with("sequence") {
            "array"
        } else if rest.starts_with("map") {
            "object"
        } else {
            "null"
        }
    } else if let Some((_, got)) = msg.rsplit_once(", got ") {
        match got.chars().next() {
            Some('t' | 'f') => "bool",
            Some('[') => "array",
            Some('{') => "object",
            Some('"') => "string",
            _ => "number",
        }
    } else {
        "value"
    };
    (json_kind.to_string(), expected)
}

/// The number between backticks in `integer `1000000000000`` / `floating point `1.5``.
fn number_literal(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    let text = &msg[start..start + len];
    // Go prints large floats in exponent form (1e+12); integers as written.
    if let Ok(f) = text.parse::<f64>() {
        if text.contains('.') || text.contains('e') || text.contains('E') {
            if f.fract() == 0.0 && f.abs() >= 1e21 {
                return Some(format!("{f:e}").replace('e', "e+"));
            }
            if f.fract() == 0.0 {
                return Some(format!("{}", f as i128));
            }
        }
    }
    Some(text.to_string())
}

fn go_type(expected: &str, field_struct: Option<&str>, msg: &str) -> String {
    if msg.contains("an integer or a string") {
        return "intstr.IntOrString".into();
    }
    if msg.contains("quantities") {
        return "resource.Quantity".into();
    }
    let simple = match expected {
        "i8" => "int8",
        "i16" => "int16",
        "i32" => "int32",
        "i64" => "int64",
        "u8" => "uint8",
        "u16" => "uint16",
        "u32" => "uint32",
        "u64" => "uint64",
        "f32" => "float32",
        "f64" => "float64",
        "a string" => "string",
        "a boolean" => "bool",
        "a map" => "map[string]string",
        _ => "",
    };
    if !simple.is_empty() {
        return simple.to_string();
    }
    if expected == "a sequence" {
        return match field_struct {
            Some(s) => format!("[]{}", qualified(s)),
            None => "[]string".to_string(),
        };
    }
    if let Some(name) = expected.strip_prefix("struct ") {
        return qualified(field_struct.unwrap_or(name));
    }
    match field_struct {
        Some(s) => qualified(s),
        None => "string".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(p: &str) -> Vec<String> {
        p.split('.').map(String::from).collect()
    }

    #[test]
    fn go_integer_types_follow_the_api_not_the_model() {
        assert_eq!(
            unmarshal_error(
                Kind::Pod,
                &keys("spec.containers.ports.containerPort"),
                "invalid type: string \"80\", expected i64"
            ),
            "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32"
        );
    }

    #[test]
    fn go_wording_for_wrong_types() {
        assert_eq!(
            unmarshal_error(Kind::StatefulSet, &keys("spec.replicas"), "invalid type: string \"3\", expected i32"),
            "json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
        );
        assert_eq!(
            unmarshal_error(
                Kind::StatefulSet,
                &keys("spec.template.spec.containers"),
                "invalid type: map, expected a sequence"
            ),
            "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"
        );
        assert_eq!(
            unmarshal_error(Kind::StatefulSet, &keys("spec.replicas"), "invalid value: integer `1000000000000`, expected i32"),
            "json: cannot unmarshal number 1000000000000 into Go struct field StatefulSetSpec.spec.replicas of type int32"
        );
        assert_eq!(
            unmarshal_error(Kind::Pod, &keys("spec.containers.image"), "invalid type: integer `5`, expected a string"),
            "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string"
        );
        // A map's values are reported at the map field.
        assert_eq!(
            unmarshal_error(
                Kind::ConfigMap,
                &keys("data.debug"),
                "invalid type: boolean `true`, expected a string"
            ),
            "json: cannot unmarshal bool into Go struct field ConfigMap.data of type string"
        );
        assert_eq!(
            unmarshal_error(Kind::Deployment, &keys("spec.selector.matchLabels.app"), "invalid type: integer `5`, expected a string"),
            "json: cannot unmarshal number into Go struct field LabelSelector.spec.selector.matchLabels of type string"
        );
        assert_eq!(
            unmarshal_error(Kind::Pod, &keys("metadata.labels.on"), "invalid type: boolean `true`, expected a string"),
            "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string"
        );
    }
}
