//! Workload kinds: StatefulSet, DaemonSet, Deployment, ReplicaSet and ControllerRevision.

use super::codec::codec_struct;
use super::meta::{IntOrString, LabelSelector, ObjectMeta};
use super::pod::PodTemplateSpec;
use super::storage::PersistentVolumeClaim;
use crate::engine::time::Timestamp;
use serde_json::Value;

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StatefulSet {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: StatefulSetSpec,
        "status" pub status: StatefulSetStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StatefulSetSpec {
        "minReadySeconds" [omit] pub min_ready_seconds: Option<i32>,
        "ordinals" [omit] pub ordinals: Option<StatefulSetOrdinals>,
        "persistentVolumeClaimRetentionPolicy" [omit] pub persistent_volume_claim_retention_policy: Option<PvcRetentionPolicy>,
        "podManagementPolicy" [omit] pub pod_management_policy: Option<String>,
        "replicas" [omit] pub replicas: Option<i32>,
        "revisionHistoryLimit" [omit] pub revision_history_limit: Option<i32>,
        "selector" [omit] pub selector: Option<LabelSelector>,
        "serviceName" [omit] pub service_name: Option<String>,
        "template" pub template: PodTemplateSpec,
        "updateStrategy" [omit] pub update_strategy: Option<StatefulSetUpdateStrategy>,
        "volumeClaimTemplates" [omit] pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StatefulSetOrdinals {
        "start" pub start: i32,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PvcRetentionPolicy {
        "whenDeleted" [omit] pub when_deleted: Option<String>,
        "whenScaled" [omit] pub when_scaled: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StatefulSetUpdateStrategy {
        "rollingUpdate" [omit] pub rolling_update: Option<RollingUpdateStatefulSet>,
        "type" [omit] pub type_: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct RollingUpdateStatefulSet {
        "maxUnavailable" [omit] pub max_unavailable: Option<IntOrString>,
        "partition" [omit] pub partition: Option<i32>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StatefulSetStatus {
        "availableReplicas" [omit] pub available_replicas: i32,
        "collisionCount" [omit] pub collision_count: Option<i32>,
        "conditions" [omit] pub conditions: Vec<WorkloadCondition>,
        "currentReplicas" [omit] pub current_replicas: i32,
        "currentRevision" [omit] pub current_revision: Option<String>,
        "observedGeneration" [omit] pub observed_generation: Option<i64>,
        "readyReplicas" [omit] pub ready_replicas: i32,
        "replicas" pub replicas: i32,
        "updateRevision" [omit] pub update_revision: Option<String>,
        "updatedReplicas" [omit] pub updated_replicas: i32,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct WorkloadCondition {
        "lastTransitionTime" [omit] pub last_transition_time: Option<Timestamp>,
        "lastUpdateTime" [omit] pub last_update_time: Option<Timestamp>,
        "message" [omit] pub message: Option<String>,
        "reason" [omit] pub reason: Option<String>,
        "status" pub status: String,
        "type" pub type_: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct DaemonSet {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: DaemonSetSpec,
        "status" pub status: DaemonSetStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct DaemonSetSpec {
        "minReadySeconds" [omit] pub min_ready_seconds: Option<i32>,
        "revisionHistoryLimit" [omit] pub revision_history_limit: Option<i32>,
        "selector" [omit] pub selector: Option<LabelSelector>,
        "template" pub template: PodTemplateSpec,
        "updateStrategy" [omit] pub update_strategy: Option<DaemonSetUpdateStrategy>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct DaemonSetUpdateStrategy {
        "rollingUpdate" [omit] pub rolling_update: Option<RollingUpdateDaemonSet>,
        "type" [omit] pub type_: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct RollingUpdateDaemonSet {
        "maxSurge" [omit] pub max_surge: Option<IntOrString>,
        "maxUnavailable" [omit] pub max_unavailable: Option<IntOrString>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct DaemonSetStatus {
        "collisionCount" [omit] pub collision_count: Option<i32>,
        "conditions" [omit] pub conditions: Vec<WorkloadCondition>,
        "currentNumberScheduled" pub current_number_scheduled: i32,
        "desiredNumberScheduled" pub desired_number_scheduled: i32,
        "numberAvailable" [omit] pub number_available: i32,
        "numberMisscheduled" pub number_misscheduled: i32,
        "numberReady" pub number_ready: i32,
        "numberUnavailable" [omit] pub number_unavailable: i32,
        "observedGeneration" [omit] pub observed_generation: Option<i64>,
        "updatedNumberScheduled" [omit] pub updated_number_scheduled: i32,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Deployment {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: DeploymentSpec,
        "status" pub status: DeploymentStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct DeploymentSpec {
        "minReadySeconds" [omit] pub min_ready_seconds: Option<i32>,
        "paused" [omit] pub paused: Option<bool>,
        "progressDeadlineSeconds" [omit] pub progress_deadline_seconds: Option<i32>,
        "replicas" [omit] pub replicas: Option<i32>,
        "revisionHistoryLimit" [omit] pub revision_history_limit: Option<i32>,
        "selector" [omit] pub selector: Option<LabelSelector>,
        "strategy" [omit] pub strategy: Option<DeploymentStrategy>,
        "template" pub template: PodTemplateSpec,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct DeploymentStrategy {
        "rollingUpdate" [omit] pub rolling_update: Option<RollingUpdateDeployment>,
        "type" [omit] pub type_: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct RollingUpdateDeployment {
        "maxSurge" [omit] pub max_surge: Option<IntOrString>,
        "maxUnavailable" [omit] pub max_unavailable: Option<IntOrString>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct DeploymentStatus {
        "availableReplicas" [omit] pub available_replicas: i32,
        "collisionCount" [omit] pub collision_count: Option<i32>,
        "conditions" [omit] pub conditions: Vec<WorkloadCondition>,
        "observedGeneration" [omit] pub observed_generation: Option<i64>,
        "readyReplicas" [omit] pub ready_replicas: i32,
        "replicas" [omit] pub replicas: i32,
        "unavailableReplicas" [omit] pub unavailable_replicas: i32,
        "updatedReplicas" [omit] pub updated_replicas: i32,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ReplicaSet {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: ReplicaSetSpec,
        "status" pub status: ReplicaSetStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ReplicaSetSpec {
        "minReadySeconds" [omit] pub min_ready_seconds: Option<i32>,
        "replicas" [omit] pub replicas: Option<i32>,
        "selector" [omit] pub selector: Option<LabelSelector>,
        "template" pub template: PodTemplateSpec,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ReplicaSetStatus {
        "availableReplicas" [omit] pub available_replicas: i32,
        "conditions" [omit] pub conditions: Vec<WorkloadCondition>,
        "fullyLabeledReplicas" [omit] pub fully_labeled_replicas: i32,
        "observedGeneration" [omit] pub observed_generation: Option<i64>,
        "readyReplicas" [omit] pub ready_replicas: i32,
        "replicas" pub replicas: i32,
    }
}

codec_struct! {
    /// apps/v1 ControllerRevision: an immutable snapshot of a workload's template.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ControllerRevision {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "data" pub data: Value,
        "revision" pub revision: i64,
    }
}
