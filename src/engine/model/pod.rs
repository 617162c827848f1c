//! Pod, its spec (containers, volumes, scheduling constraints) and status as the kubelet reports it.
//! Fields the simulation does not interpret are kept as opaque JSON so manifests that set them
//! still apply cleanly and print back unchanged.

use super::codec::{codec_struct, string_enum};
use super::meta::{IntOrString, LabelSelector, Labels, ObjectMeta, Quantity};
use crate::engine::time::Timestamp;
use serde_json::Value;
use std::collections::BTreeMap;

type Opaque = Option<Value>;

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Pod {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: PodSpec,
        "status" pub status: PodStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PodTemplateSpec {
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: PodSpec,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PodSpec {
        "activeDeadlineSeconds" [omit] pub active_deadline_seconds: Option<i64>,
        "affinity" [omit] pub affinity: Option<Affinity>,
        "automountServiceAccountToken" [omit] pub automount_service_account_token: Option<bool>,
        "containers" pub containers: Vec<Container>,
        "dnsConfig" [omit] pub dns_config: Opaque,
        "dnsPolicy" [omit] pub dns_policy: Option<String>,
        "enableServiceLinks" [omit] pub enable_service_links: Option<bool>,
        "ephemeralContainers" [omit] pub ephemeral_containers: Opaque,
        "hostAliases" [omit] pub host_aliases: Opaque,
        "hostIpc" [omit] pub host_ipc: Option<bool>,
        "hostNetwork" [omit] pub host_network: Option<bool>,
        "hostPID" [omit] pub host_pid: Option<bool>,
        "hostUsers" [omit] pub host_users: Option<bool>,
        "hostname" [omit] pub hostname: Option<String>,
        "imagePullSecrets" [omit] pub image_pull_secrets: Opaque,
        "initContainers" [omit] pub init_containers: Vec<Container>,
        "nodeName" [omit] pub node_name: Option<String>,
        "nodeSelector" [omit] pub node_selector: Option<Labels>,
        "os" [omit] pub os: Opaque,
        "overhead" [omit] pub overhead: Opaque,
        "preemptionPolicy" [omit] pub preemption_policy: Option<String>,
        "priority" [omit] pub priority: Option<i32>,
        "priorityClassName" [omit] pub priority_class_name: Option<String>,
        "readinessGates" [omit] pub readiness_gates: Opaque,
        "resourceClaims" [omit] pub resource_claims: Opaque,
        "resources" [omit] pub resources: Opaque,
        "restartPolicy" [omit] pub restart_policy: Option<String>,
        "runtimeClassName" [omit] pub runtime_class_name: Option<String>,
        "schedulerName" [omit] pub scheduler_name: Option<String>,
        "schedulingGates" [omit] pub scheduling_gates: Opaque,
        "securityContext" [omit] pub security_context: Opaque,
        "serviceAccount" [omit] pub service_account: Option<String>,
        "serviceAccountName" [omit] pub service_account_name: Option<String>,
        "setHostnameAsFQDN" [omit] pub set_hostname_as_fqdn: Option<bool>,
        "shareProcessNamespace" [omit] pub share_process_namespace: Option<bool>,
        "subdomain" [omit] pub subdomain: Option<String>,
        "terminationGracePeriodSeconds" [omit] pub termination_grace_period_seconds: Option<i64>,
        "tolerations" [omit] pub tolerations: Vec<Toleration>,
        "topologySpreadConstraints" [omit] pub topology_spread_constraints: Opaque,
        "volumes" [omit] pub volumes: Vec<Volume>,
    }
}

impl PodSpec {
    pub fn uses_host_network(&self) -> bool {
        self.host_network == Some(true)
    }
    pub fn grace_period_secs(&self) -> i64 {
        self.termination_grace_period_seconds.unwrap_or(30)
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Container {
        "args" [omit] pub args: Vec<String>,
        "command" [omit] pub command: Vec<String>,
        "env" [omit] pub env: Vec<EnvVar>,
        "envFrom" [omit] pub env_from: Vec<EnvFromSource>,
        "image" [omit] pub image: String,
        "imagePullPolicy" [omit] pub image_pull_policy: Option<String>,
        "lifecycle" [omit] pub lifecycle: Opaque,
        "livenessProbe" [omit] pub liveness_probe: Option<Probe>,
        "name" pub name: String,
        "ports" [omit] pub ports: Vec<ContainerPort>,
        "readinessProbe" [omit] pub readiness_probe: Option<Probe>,
        "resizePolicy" [omit] pub resize_policy: Opaque,
        "resources" [omit] pub resources: Option<ResourceRequirements>,
        "restartPolicy" [omit] pub restart_policy: Option<String>,
        "securityContext" [omit] pub security_context: Opaque,
        "startupProbe" [omit] pub startup_probe: Option<Probe>,
        "stdin" [omit] pub stdin: Option<bool>,
        "stdinOnce" [omit] pub stdin_once: Option<bool>,
        "terminationMessagePath" [omit] pub termination_message_path: Option<String>,
        "terminationMessagePolicy" [omit] pub termination_message_policy: Option<String>,
        "tty" [omit] pub tty: Option<bool>,
        "volumeDevices" [omit] pub volume_devices: Opaque,
        "volumeMounts" [omit] pub volume_mounts: Vec<VolumeMount>,
        "workingDir" [omit] pub working_dir: Option<String>,
    }
}

impl Container {
    /// Requested amount of a resource in milli-units; a limit without a request counts as the
    /// request, as API defaulting does.
    pub fn request_milli(&self, resource: &str) -> i128 {
        let Some(r) = &self.resources else { return 0 };
        r.requests
            .as_ref()
            .and_then(|m| m.get(resource))
            .or_else(|| r.limits.as_ref().and_then(|m| m.get(resource)))
            .map(|q| q.milli_or_zero())
            .unwrap_or(0)
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ContainerPort {
        "containerPort" pub container_port: i64,
        "hostIP" [omit] pub host_ip: Option<String>,
        "hostPort" [omit] pub host_port: Option<i64>,
        "name" [omit] pub name: Option<String>,
        "protocol" [omit] pub protocol: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EnvVar {
        "name" pub name: String,
        "value" [omit] pub value: Option<String>,
        "valueFrom" [omit] pub value_from: Option<EnvVarSource>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EnvVarSource {
        "configMapKeyRef" [omit] pub config_map_key_ref: Option<KeySelector>,
        "fieldRef" [omit] pub field_ref: Opaque,
        "resourceFieldRef" [omit] pub resource_field_ref: Opaque,
        "secretKeyRef" [omit] pub secret_key_ref: Option<KeySelector>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct KeySelector {
        "key" pub key: String,
        "name" pub name: String,
        "optional" [omit] pub optional: Option<bool>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EnvFromSource {
        "configMapRef" [omit] pub config_map_ref: Option<NameRef>,
        "prefix" [omit] pub prefix: Option<String>,
        "secretRef" [omit] pub secret_ref: Option<NameRef>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NameRef {
        "name" pub name: String,
        "optional" [omit] pub optional: Option<bool>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ResourceRequirements {
        "claims" [omit] pub claims: Opaque,
        "limits" [omit] pub limits: Option<BTreeMap<String, Quantity>>,
        "requests" [omit] pub requests: Option<BTreeMap<String, Quantity>>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct VolumeMount {
        "mountPath" pub mount_path: String,
        "mountPropagation" [omit] pub mount_propagation: Option<String>,
        "name" pub name: String,
        "readOnly" [omit] pub read_only: Option<bool>,
        "recursiveReadOnly" [omit] pub recursive_read_only: Option<String>,
        "subPath" [omit] pub sub_path: Option<String>,
        "subPathExpr" [omit] pub sub_path_expr: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Volume {
        "name" pub name: String,
        "configMap" [omit] pub config_map: Option<ConfigMapVolumeSource>,
        "csi" [omit] pub csi: Opaque,
        "downwardApi" [omit] pub downward_api: Opaque,
        "emptyDir" [omit] pub empty_dir: Option<EmptyDirVolumeSource>,
        "ephemeral" [omit] pub ephemeral: Opaque,
        "hostPath" [omit] pub host_path: Option<HostPathVolumeSource>,
        "image" [omit] pub image: Opaque,
        "nfs" [omit] pub nfs: Opaque,
        "persistentVolumeClaim" [omit] pub persistent_volume_claim: Option<PvcVolumeSource>,
        "projected" [omit] pub projected: Opaque,
        "secret" [omit] pub secret: Option<SecretVolumeSource>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ConfigMapVolumeSource {
        "defaultMode" [omit] pub default_mode: Option<i64>,
        "items" [omit] pub items: Opaque,
        "name" pub name: String,
        "optional" [omit] pub optional: Option<bool>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct SecretVolumeSource {
        "defaultMode" [omit] pub default_mode: Option<i64>,
        "items" [omit] pub items: Opaque,
        "optional" [omit] pub optional: Option<bool>,
        "secretName" pub secret_name: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EmptyDirVolumeSource {
        "medium" [omit] pub medium: Option<String>,
        "sizeLimit" [omit] pub size_limit: Option<Quantity>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct HostPathVolumeSource {
        "path" pub path: String,
        "type" [omit] pub type_: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PvcVolumeSource {
        "claimName" pub claim_name: String,
        "readOnly" [omit] pub read_only: Option<bool>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Probe {
        "exec" [omit] pub exec: Opaque,
        "failureThreshold" [omit] pub failure_threshold: Option<i64>,
        "grpc" [omit] pub grpc: Opaque,
        "httpGet" [omit] pub http_get: Option<HttpGetAction>,
        "initialDelaySeconds" [omit] pub initial_delay_seconds: Option<i64>,
        "periodSeconds" [omit] pub period_seconds: Option<i64>,
        "successThreshold" [omit] pub success_threshold: Option<i64>,
        "tcpSocket" [omit] pub tcp_socket: Opaque,
        "terminationGracePeriodSeconds" [omit] pub termination_grace_period_seconds: Option<i64>,
        "timeoutSeconds" [omit] pub timeout_seconds: Option<i64>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct HttpGetAction {
        "host" [omit] pub host: Option<String>,
        "httpHeaders" [omit] pub http_headers: Opaque,
        "path" [omit] pub path: Option<String>,
        "port" pub port: IntOrString,
        "scheme" [omit] pub scheme: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Affinity {
        "nodeAffinity" [omit] pub node_affinity: Option<NodeAffinity>,
        "podAffinity" [omit] pub pod_affinity: Opaque,
        "podAntiAffinity" [omit] pub pod_anti_affinity: Opaque,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeAffinity {
        "preferredDuringSchedulingIgnoredDuringExecution" [omit] pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
        "requiredDuringSchedulingIgnoredDuringExecution" [omit] pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeSelector {
        "nodeSelectorTerms" pub node_selector_terms: Vec<NodeSelectorTerm>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeSelectorTerm {
        "matchExpressions" [omit] pub match_expressions: Vec<NodeSelectorRequirement>,
        "matchFields" [omit] pub match_fields: Vec<NodeSelectorRequirement>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeSelectorRequirement {
        "key" pub key: String,
        "operator" pub operator: String,
        "values" [omit] pub values: Vec<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PreferredSchedulingTerm {
        "preference" pub preference: NodeSelectorTerm,
        "weight" pub weight: i32,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Toleration {
        "effect" [omit] pub effect: Option<String>,
        "key" [omit] pub key: Option<String>,
        "operator" [omit] pub operator: Option<String>,
        "tolerationSeconds" [omit] pub toleration_seconds: Option<i64>,
        "value" [omit] pub value: Option<String>,
    }
}

string_enum! {
    /// Pod phase (`status.phase`). A client-sent status is dropped on create and kept from the
    /// stored pod on update, so `Other` only lives as long as a decoded manifest; the zero value
    /// is Pending, the phase the create strategy gives every new pod.
    pub enum PodPhase {
        Pending = "Pending",
        Running = "Running",
        Succeeded = "Succeeded",
        Failed = "Failed",
        Unknown = "Unknown",
    }
    zero = PodPhase::Pending;
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PodStatus {
        "conditions" [omit] pub conditions: Vec<PodCondition>,
        "containerStatuses" [omit] pub container_statuses: Vec<ContainerStatus>,
        "hostIP" [omit] pub host_ip: Option<String>,
        "hostIPs" [omit] pub host_ips: Option<Vec<IpEntry>>,
        "initContainerStatuses" [omit] pub init_container_statuses: Vec<ContainerStatus>,
        "message" [omit] pub message: Option<String>,
        "nominatedNodeName" [omit] pub nominated_node_name: Option<String>,
        /// The `metadata.generation` the kubelet based this status on (PodObservedGenerationTracking,
        /// on by default since v1.34).
        "observedGeneration" [omit] pub observed_generation: Option<i64>,
        "phase" pub phase: PodPhase,
        "podIP" [omit] pub pod_ip: Option<String>,
        "podIPs" [omit] pub pod_ips: Option<Vec<IpEntry>>,
        "qosClass" [omit] pub qos_class: Option<String>,
        "reason" [omit] pub reason: Option<String>,
        "startTime" [omit] pub start_time: Option<Timestamp>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct IpEntry {
        "ip" pub ip: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PodCondition {
        "lastProbeTime" [omit] pub last_probe_time: Option<Timestamp>,
        "lastTransitionTime" [omit] pub last_transition_time: Option<Timestamp>,
        "message" [omit] pub message: Option<String>,
        "observedGeneration" [omit] pub observed_generation: Option<i64>,
        "reason" [omit] pub reason: Option<String>,
        "status" pub status: String,
        "type" pub type_: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ContainerStatus {
        "containerID" [omit] pub container_id: Option<String>,
        "image" pub image: String,
        "imageID" pub image_id: String,
        "lastState" [omit] pub last_state: Option<ContainerState>,
        "name" pub name: String,
        "ready" pub ready: bool,
        "restartCount" pub restart_count: i32,
        "started" [omit] pub started: Option<bool>,
        "state" [omit] pub state: Option<ContainerState>,
    }
}

impl ContainerStatus {
    /// Why the container is waiting (`CrashLoopBackOff`, `ContainerCreating`...), if it is.
    pub fn waiting_reason(&self) -> Option<&str> {
        self.state.as_ref()?.waiting.as_ref()?.reason.as_deref()
    }
    pub fn waiting_message(&self) -> Option<&str> {
        self.state.as_ref()?.waiting.as_ref()?.message.as_deref()
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ContainerState {
        "running" [omit] pub running: Option<StateRunning>,
        "terminated" [omit] pub terminated: Option<StateTerminated>,
        "waiting" [omit] pub waiting: Option<StateWaiting>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StateRunning {
        "startedAt" [omit] pub started_at: Option<Timestamp>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StateTerminated {
        "containerID" [omit] pub container_id: Option<String>,
        "exitCode" pub exit_code: i32,
        "finishedAt" [omit] pub finished_at: Option<Timestamp>,
        "message" [omit] pub message: Option<String>,
        "reason" [omit] pub reason: Option<String>,
        "startedAt" [omit] pub started_at: Option<Timestamp>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct StateWaiting {
        "message" [omit] pub message: Option<String>,
        "reason" [omit] pub reason: Option<String>,
    }
}

impl Pod {
    pub fn node_name(&self) -> Option<&str> {
        self.spec.node_name.as_deref().filter(|n| !n.is_empty())
    }
    pub fn condition(&self, type_: &str) -> Option<&PodCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }
    /// podutil.IsPodReady: the Ready condition is True.
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }
    pub fn is_running_and_ready(&self) -> bool {
        self.status.phase == PodPhase::Running && self.is_ready()
    }
    /// When the Ready condition last became True (for minReadySeconds availability).
    pub fn ready_since(&self) -> Option<Timestamp> {
        self.condition("Ready")
            .filter(|c| c.status == "True")
            .and_then(|c| c.last_transition_time)
    }
    pub fn is_terminal(&self) -> bool {
        matches!(self.status.phase, PodPhase::Succeeded | PodPhase::Failed)
    }
    /// Sum of container requests (init containers take the max, as the scheduler computes).
    pub fn request_milli(&self, resource: &str) -> i128 {
        let regular: i128 = self
            .spec
            .containers
            .iter()
            .map(|c| c.request_milli(resource))
            .sum();
        let init = self
            .spec
            .init_containers
            .iter()
            .map(|c| c.request_milli(resource))
            .max()
            .unwrap_or(0);
        regular.max(init)
    }
    pub fn restarts(&self) -> i32 {
        self.status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .sum()
    }
}

/// The selector a pod's template labels must satisfy; used by workload validation.
pub fn selector_matches_template(selector: &LabelSelector, template: &PodTemplateSpec) -> bool {
    selector.matches(template.metadata.labels())
}
