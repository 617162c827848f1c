//! Core v1 kinds that are not pods, nodes or storage: Namespace, Service, Endpoints, ConfigMap,
//! Secret, Event; and policy/v1 PodDisruptionBudget and discovery EndpointSlice.

use super::codec::codec_struct;
use super::meta::{IntOrString, LabelSelector, Labels, ObjectMeta};
use crate::engine::time::Timestamp;
use serde_json::Value;
use std::collections::BTreeMap;

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Namespace {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" [omit] pub spec: Option<Value>,
        "status" pub status: NamespaceStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NamespaceStatus {
        "phase" [omit] pub phase: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Service {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: ServiceSpec,
        "status" pub status: Value,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ServiceSpec {
        "clusterIP" [omit] pub cluster_ip: Option<String>,
        "clusterIPs" [omit] pub cluster_ips: Option<Vec<String>>,
        "externalIPs" [omit] pub external_ips: Option<Vec<String>>,
        "externalName" [omit] pub external_name: Option<String>,
        "externalTrafficPolicy" [omit] pub external_traffic_policy: Option<String>,
        "internalTrafficPolicy" [omit] pub internal_traffic_policy: Option<String>,
        "ipFamilies" [omit] pub ip_families: Option<Vec<String>>,
        "ipFamilyPolicy" [omit] pub ip_family_policy: Option<String>,
        "ports" [omit] pub ports: Vec<ServicePort>,
        "publishNotReadyAddresses" [omit] pub publish_not_ready_addresses: Option<bool>,
        "selector" [omit] pub selector: Option<Labels>,
        "sessionAffinity" [omit] pub session_affinity: Option<String>,
        "type" [omit] pub type_: Option<String>,
    }
}

impl ServiceSpec {
    pub fn is_headless(&self) -> bool {
        self.cluster_ip.as_deref() == Some("None")
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ServicePort {
        "appProtocol" [omit] pub app_protocol: Option<String>,
        "name" [omit] pub name: Option<String>,
        "nodePort" [omit] pub node_port: Option<i64>,
        "port" pub port: i64,
        "protocol" [omit] pub protocol: Option<String>,
        "targetPort" [omit] pub target_port: Option<IntOrString>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Endpoints {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "subsets" [omit] pub subsets: Vec<EndpointSubset>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EndpointSubset {
        "addresses" [omit] pub addresses: Vec<EndpointAddress>,
        "notReadyAddresses" [omit] pub not_ready_addresses: Vec<EndpointAddress>,
        "ports" [omit] pub ports: Vec<EndpointPort>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EndpointAddress {
        "hostname" [omit] pub hostname: Option<String>,
        "ip" pub ip: String,
        "nodeName" [omit] pub node_name: Option<String>,
        "targetRef" [omit] pub target_ref: Option<Value>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EndpointPort {
        "name" [omit] pub name: Option<String>,
        "port" pub port: i64,
        "protocol" [omit] pub protocol: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ConfigMap {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "binaryData" [omit] pub binary_data: Option<BTreeMap<String, String>>,
        "data" [omit] pub data: Option<BTreeMap<String, String>>,
        "immutable" [omit] pub immutable: Option<bool>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Secret {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        /// Base64 values, as the API stores them.
        "data" [omit] pub data: Option<BTreeMap<String, String>>,
        "immutable" [omit] pub immutable: Option<bool>,
        /// Write-only convenience field; the API server folds it into `data` on create.
        "stringData" [omit] pub string_data: Option<BTreeMap<String, String>>,
        "type" [omit] pub type_: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PodDisruptionBudget {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: PdbSpec,
        "status" pub status: PdbStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PdbSpec {
        "maxUnavailable" [omit] pub max_unavailable: Option<IntOrString>,
        "minAvailable" [omit] pub min_available: Option<IntOrString>,
        "selector" [omit] pub selector: Option<LabelSelector>,
        "unhealthyPodEvictionPolicy" [omit] pub unhealthy_pod_eviction_policy: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PdbStatus {
        "conditions" [omit] pub conditions: Vec<MetaCondition>,
        "currentHealthy" pub current_healthy: i32,
        "desiredHealthy" pub desired_healthy: i32,
        "disruptionsAllowed" pub disruptions_allowed: i32,
        "expectedPods" pub expected_pods: i32,
        "observedGeneration" [omit] pub observed_generation: Option<i64>,
    }
}

codec_struct! {
    /// `metav1.Condition` (PodDisruptionBudget `DisruptionAllowed`); `message` is always written.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct MetaCondition {
        "lastTransitionTime" [omit] pub last_transition_time: Option<Timestamp>,
        "message" pub message: String,
        "observedGeneration" [omit] pub observed_generation: Option<i64>,
        "reason" pub reason: String,
        "status" pub status: String,
        "type" pub type_: String,
    }
}

codec_struct! {
    /// core/v1 Event, as `kubectl get events` and `describe` read it.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Event {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "count" pub count: i32,
        "firstTimestamp" [omit] pub first_timestamp: Option<Timestamp>,
        "involvedObject" pub involved_object: ObjectReference,
        "lastTimestamp" [omit] pub last_timestamp: Option<Timestamp>,
        "message" pub message: String,
        "reason" pub reason: String,
        "reportingComponent" pub reporting_component: String,
        "reportingInstance" pub reporting_instance: String,
        "source" pub source: EventSource,
        "type" pub type_: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
    pub struct ObjectReference {
        "apiVersion" [omit] pub api_version: Option<String>,
        "fieldPath" [omit] pub field_path: Option<String>,
        "kind" pub kind: String,
        "name" pub name: String,
        "namespace" [omit] pub namespace: String,
        "resourceVersion" [omit] pub resource_version: Option<String>,
        "uid" [omit] pub uid: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EventSource {
        "component" [omit] pub component: String,
        "host" [omit] pub host: String,
    }
}

codec_struct! {
    /// discovery.k8s.io/v1 EndpointSlice, as the EndpointSlice controller writes it for a Service.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EndpointSlice {
        "addressType" pub address_type: String,
        "apiVersion" pub api_version: String,
        /// `endpoints` has no omitempty in the API: a slice without endpoints shows `endpoints: null`.
        "endpoints" pub endpoints: Option<Vec<SliceEndpoint>>,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "ports" [omit] pub ports: Option<Vec<SlicePort>>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct SliceEndpoint {
        "addresses" pub addresses: Vec<String>,
        "conditions" pub conditions: SliceEndpointConditions,
        "hints" [omit] pub hints: Option<Value>,
        "hostname" [omit] pub hostname: Option<String>,
        "nodeName" [omit] pub node_name: Option<String>,
        "targetRef" [omit] pub target_ref: Option<ObjectReference>,
        "zone" [omit] pub zone: Option<String>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct SliceEndpointConditions {
        "ready" [omit] pub ready: Option<bool>,
        "serving" [omit] pub serving: Option<bool>,
        "terminating" [omit] pub terminating: Option<bool>,
    }
}

codec_struct! {
    /// An EndpointSlice port; the controller always writes `name` (`""` for an unnamed port).
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct SlicePort {
        "appProtocol" [omit] pub app_protocol: Option<String>,
        "name" [omit] pub name: Option<String>,
        "port" [omit] pub port: Option<i64>,
        "protocol" [omit] pub protocol: Option<String>,
    }
}
