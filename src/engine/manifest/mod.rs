//! Manifest text -> typed objects: YAML parsing (the only module that touches serde_yaml),
//! API-server defaults, validation with the API server's wording, unknown-field warnings.
//! (Minimal version: parsing only; defaults and validation are their own work item.)

use super::model::{Kind, Object};
use serde_json::Value;

/// One YAML document of a manifest.
#[derive(Clone, Debug)]
pub struct Document {
    /// 0-based position in the stream.
    pub index: usize,
    /// 1-based line where the document starts in the text.
    pub line: usize,
    pub object: Result<Object, ManifestError>,
    /// kubectl-style warnings such as `unknown field "spec.replica"`.
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ManifestError {
    /// The message as kubectl prints it.
    pub message: String,
    /// 1-based line and column in the whole text, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// Splits a multi-document manifest and decodes each document.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, ManifestError> {
    let mut docs = Vec::new();
    for (index, de) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value: Value = match serde::Deserialize::deserialize(de) {
            Ok(v) => v,
            Err(e) => {
                let loc = e.location();
                return Err(ManifestError {
                    message: format!("error converting YAML to JSON: {e}"),
                    line: loc.as_ref().map(|l| l.line()),
                    column: loc.as_ref().map(|l| l.column()),
                });
            }
        };
        if value.is_null() {
            continue;
        }
        let object = decode(value);
        docs.push(Document { index, line: 1, object, warnings: Vec::new() });
    }
    Ok(docs)
}

fn decode(value: Value) -> Result<Object, ManifestError> {
    let err = |m: String| ManifestError { message: m, line: None, column: None };
    let api = value.get("apiVersion").and_then(Value::as_str).unwrap_or_default().to_string();
    let kind_name = value.get("kind").and_then(Value::as_str).unwrap_or_default().to_string();
    let kind = Kind::from_api(&api, &kind_name)
        .ok_or_else(|| err(format!("no matches for kind \"{kind_name}\" in version \"{api}\"")))?;
    macro_rules! de {
        ($($v:ident),*) => {
            match kind {
                $(Kind::$v => serde_json::from_value(value).map(Object::$v),)*
            }
        };
    }
    de!(Namespace, Node, Pod, Service, Endpoints, ConfigMap, Secret, PersistentVolumeClaim, PersistentVolume, Event, DaemonSet, Deployment, ReplicaSet, StatefulSet, ControllerRevision, PodDisruptionBudget, StorageClass)
        .map_err(|e| err(e.to_string()))
}

/// DNS-1123 subdomain check with the API server's message.
pub fn validate_dns1123_subdomain(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        });
    if ok {
        Ok(())
    } else {
        Err("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_string())
    }
}
