//! Storage kinds: PersistentVolumeClaim, PersistentVolume, StorageClass.

use super::codec::codec_struct;
use super::meta::{LabelSelector, ObjectMeta, Quantity};
use serde_json::Value;
use std::collections::BTreeMap;

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PersistentVolumeClaim {
        "apiVersion" [omit] pub api_version: String,
        "kind" [omit] pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: PvcSpec,
        "status" pub status: PvcStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PvcSpec {
        "accessModes" [omit] pub access_modes: Vec<String>,
        "dataSource" [omit] pub data_source: Option<Value>,
        "dataSourceRef" [omit] pub data_source_ref: Option<Value>,
        "resources" [omit] pub resources: Option<VolumeResourceRequirements>,
        "selector" [omit] pub selector: Option<LabelSelector>,
        "storageClassName" [omit] pub storage_class_name: Option<String>,
        "volumeAttributesClassName" [omit] pub volume_attributes_class_name: Option<String>,
        "volumeMode" [omit] pub volume_mode: Option<String>,
        "volumeName" [omit] pub volume_name: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct VolumeResourceRequirements {
        "limits" [omit] pub limits: Option<BTreeMap<String, Quantity>>,
        "requests" [omit] pub requests: Option<BTreeMap<String, Quantity>>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PvcStatus {
        "accessModes" [omit] pub access_modes: Vec<String>,
        "capacity" [omit] pub capacity: Option<BTreeMap<String, Quantity>>,
        "phase" [omit] pub phase: Option<String>,
    }
}

impl PersistentVolumeClaim {
    pub fn requested_storage(&self) -> Option<&Quantity> {
        self.spec
            .resources
            .as_ref()?
            .requests
            .as_ref()?
            .get("storage")
    }
    pub fn phase(&self) -> &str {
        self.status.phase.as_deref().unwrap_or("Pending")
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PersistentVolume {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: PvSpec,
        "status" pub status: PvStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PvSpec {
        "accessModes" [omit] pub access_modes: Vec<String>,
        "capacity" [omit] pub capacity: Option<BTreeMap<String, Quantity>>,
        "claimRef" [omit] pub claim_ref: Option<ClaimRef>,
        "csi" [omit] pub csi: Option<Value>,
        "hostPath" [omit] pub host_path: Option<Value>,
        "local" [omit] pub local: Option<Value>,
        "mountOptions" [omit] pub mount_options: Option<Value>,
        "nfs" [omit] pub nfs: Option<Value>,
        "nodeAffinity" [omit] pub node_affinity: Option<Value>,
        "persistentVolumeReclaimPolicy" [omit] pub persistent_volume_reclaim_policy: Option<String>,
        "storageClassName" [omit] pub storage_class_name: Option<String>,
        "volumeAttributesClassName" [omit] pub volume_attributes_class_name: Option<String>,
        "volumeMode" [omit] pub volume_mode: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ClaimRef {
        "apiVersion" [omit] pub api_version: Option<String>,
        "kind" [omit] pub kind: Option<String>,
        "name" pub name: String,
        "namespace" pub namespace: String,
        "resourceVersion" [omit] pub resource_version: Option<String>,
        "uid" [omit] pub uid: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PvStatus {
        "lastPhaseTransitionTime" [omit] pub last_phase_transition_time: Option<crate::engine::time::Timestamp>,
        "phase" [omit] pub phase: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StorageClass {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "allowVolumeExpansion" [omit] pub allow_volume_expansion: Option<bool>,
        "allowedTopologies" [omit] pub allowed_topologies: Option<Value>,
        "mountOptions" [omit] pub mount_options: Option<Value>,
        "parameters" [omit] pub parameters: Option<BTreeMap<String, String>>,
        "provisioner" pub provisioner: String,
        "reclaimPolicy" [omit] pub reclaim_policy: Option<String>,
        "volumeBindingMode" [omit] pub volume_binding_mode: Option<String>,
    }
}

impl StorageClass {
    pub const DEFAULT_ANNOTATION: &'static str = "storageclass.kubernetes.io/is-default-class";
    pub fn is_default(&self) -> bool {
        self.metadata
            .annotations()
            .get(Self::DEFAULT_ANNOTATION)
            .is_some_and(|v| v == "true")
    }
    pub fn waits_for_first_consumer(&self) -> bool {
        self.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
    }
    /// `kubernetes.io/no-provisioner` classes only bind pre-created volumes.
    pub fn provisions_dynamically(&self) -> bool {
        self.provisioner != "kubernetes.io/no-provisioner"
    }
}
