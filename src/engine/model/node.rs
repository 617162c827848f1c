//! Node: spec (taints, unschedulable) and status (capacity, conditions, addresses).

use super::codec::{codec_struct, string_enum};
use super::meta::{ObjectMeta, Quantity};
use crate::engine::time::Timestamp;
use serde_json::Value;
use std::collections::BTreeMap;

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Node {
        "apiVersion" pub api_version: String,
        "kind" pub kind: String,
        "metadata" pub metadata: ObjectMeta,
        "spec" pub spec: NodeSpec,
        "status" pub status: NodeStatus,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeSpec {
        "podCIDR" [omit] pub pod_cidr: Option<String>,
        "podCIDRs" [omit] pub pod_cidrs: Option<Vec<String>>,
        "providerID" [omit] pub provider_id: Option<String>,
        "taints" [omit] pub taints: Vec<Taint>,
        "unschedulable" [omit] pub unschedulable: Option<bool>,
    }
}

string_enum! {
    /// `spec.taints[*].effect`. Required: a taint that leaves it out decodes with an empty
    /// `Other`, which validation reports as `Required value`.
    pub enum TaintEffect {
        NoSchedule = "NoSchedule",
        PreferNoSchedule = "PreferNoSchedule",
        NoExecute = "NoExecute",
    }
    zero = TaintEffect::Other(String::new());
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Taint {
        "effect" pub effect: TaintEffect,
        "key" pub key: String,
        "timeAdded" [omit] pub time_added: Option<Timestamp>,
        "value" [omit] pub value: Option<String>,
    }
}

impl Taint {
    /// `key=value:Effect` / `key:Effect`, as kubectl describe prints taints.
    pub fn display(&self) -> String {
        match &self.value {
            Some(v) if !v.is_empty() => format!("{}={}:{}", self.key, v, self.effect.as_str()),
            _ => format!("{}:{}", self.key, self.effect.as_str()),
        }
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeStatus {
        "addresses" [omit] pub addresses: Vec<NodeAddress>,
        "allocatable" [omit] pub allocatable: BTreeMap<String, Quantity>,
        "capacity" [omit] pub capacity: BTreeMap<String, Quantity>,
        "conditions" [omit] pub conditions: Vec<NodeCondition>,
        "daemonEndpoints" [omit] pub daemon_endpoints: Option<Value>,
        "images" [omit] pub images: Option<Value>,
        "nodeInfo" [omit] pub node_info: Option<NodeSystemInfo>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeAddress {
        "address" pub address: String,
        "type" pub type_: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeCondition {
        "lastHeartbeatTime" [omit] pub last_heartbeat_time: Option<Timestamp>,
        "lastTransitionTime" [omit] pub last_transition_time: Option<Timestamp>,
        "message" [omit] pub message: Option<String>,
        "reason" [omit] pub reason: Option<String>,
        "status" pub status: String,
        "type" pub type_: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct NodeSystemInfo {
        "architecture" pub architecture: String,
        "bootID" pub boot_id: String,
        "containerRuntimeVersion" pub container_runtime_version: String,
        "kernelVersion" pub kernel_version: String,
        "kubeProxyVersion" pub kube_proxy_version: String,
        "kubeletVersion" pub kubelet_version: String,
        "machineID" pub machine_id: String,
        "operatingSystem" pub operating_system: String,
        "osImage" pub os_image: String,
        "systemUUID" pub system_uuid: String,
    }
}

impl Node {
    pub fn condition(&self, type_: &str) -> Option<&NodeCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }
    pub fn is_unschedulable(&self) -> bool {
        self.spec.unschedulable == Some(true)
    }
    pub fn allocatable_milli(&self, resource: &str) -> i128 {
        self.status
            .allocatable
            .get(resource)
            .map(|q| q.milli_or_zero())
            .unwrap_or(0)
    }
    pub fn internal_ip(&self) -> Option<&str> {
        self.status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.as_str())
    }
    /// Roles from `node-role.kubernetes.io/<role>` labels, as `kubectl get nodes` shows them.
    pub fn roles(&self) -> Vec<String> {
        let mut roles: Vec<String> = self
            .metadata
            .labels()
            .keys()
            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(r) = self.metadata.labels().get("kubernetes.io/role") {
            roles.push(r.clone());
        }
        crate::engine::stable_sort::sort(&mut roles);
        roles.dedup();
        roles
    }
}
