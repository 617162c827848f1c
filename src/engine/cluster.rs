//! Building the cluster: namespaces, nodes as a kind cluster registers them, the default
//! StorageClass and the kube-system workloads a learner sees on a fresh kind cluster.

use super::model::*;
use super::Sim;
use std::collections::BTreeMap;

pub const KUBELET_VERSION: &str = "v1.36.2";
pub const CONTROL_PLANE_TAINT: &str = "node-role.kubernetes.io/control-plane";

/// What `sim node add` asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRequest {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub taints: Vec<Taint>,
    pub cpu: String,
    pub memory: String,
    pub pods: u32,
    pub control_plane: bool,
}

impl NodeRequest {
    pub fn worker(name: &str) -> Self {
        NodeRequest {
            name: name.to_string(),
            labels: Vec::new(),
            taints: Vec::new(),
            cpu: "4".into(),
            memory: "8Gi".into(),
            pods: 110,
            control_plane: false,
        }
    }
}

pub fn bootstrap_namespaces(sim: &mut Sim) {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let mut meta = ObjectMeta::named("", ns);
        meta.labels_mut()
            .insert("kubernetes.io/metadata.name".into(), ns.into());
        let obj = Namespace {
            metadata: meta,
            spec: Some(serde_json::json!({"finalizers": ["kubernetes"]})),
            status: NamespaceStatus {
                phase: Some("Active".into()),
            },
            ..Default::default()
        };
        sim.create_object(Object::Namespace(obj));
    }
}

/// Builds a Ready node object the way kubelet registers one.
pub fn build_node(sim: &mut Sim, req: &NodeRequest) -> Node {
    let index = sim.ipam.next_node_index();
    let mut labels: Labels = BTreeMap::new();
    for (k, v) in [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/os", "linux"),
    ] {
        labels.insert(k.into(), v.into());
    }
    labels.insert("kubernetes.io/hostname".into(), req.name.clone());
    if req.control_plane {
        labels.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
        labels.insert(
            "node.kubernetes.io/exclude-from-external-load-balancers".into(),
            String::new(),
        );
    }
    for (k, v) in &req.labels {
        labels.insert(k.clone(), v.clone());
    }
    let mut taints = req.taints.clone();
    if req.control_plane && !taints.iter().any(|t| t.key == CONTROL_PLANE_TAINT) {
        taints.push(Taint {
            effect: TaintEffect::NoSchedule,
            key: CONTROL_PLANE_TAINT.into(),
            time_added: None,
            value: None,
        });
    }
    let mut capacity = BTreeMap::new();
    capacity.insert("cpu".to_string(), Quantity(req.cpu.clone()));
    capacity.insert(
        "ephemeral-storage".to_string(),
        Quantity("102626232Ki".into()),
    );
    capacity.insert("hugepages-1Gi".to_string(), Quantity("0".into()));
    capacity.insert("hugepages-2Mi".to_string(), Quantity("0".into()));
    capacity.insert("memory".to_string(), Quantity(req.memory.clone()));
    capacity.insert("pods".to_string(), Quantity(req.pods.to_string()));
    let now = Some(crate::engine::time::Timestamp(sim.now));
    let condition = |type_: &str, status: &str, reason: &str, message: &str| NodeCondition {
        last_heartbeat_time: now,
        last_transition_time: now,
        message: Some(message.into()),
        reason: Some(reason.into()),
        status: status.into(),
        type_: type_.into(),
    };
    let ip = format!("172.18.0.{}", index + 2);
    let mut metadata = ObjectMeta::named("", &req.name);
    metadata.labels = Some(labels);
    metadata
        .annotations_mut()
        .insert("node.alpha.kubernetes.io/ttl".into(), "0".into());
    metadata.annotations_mut().insert(
        "volumes.kubernetes.io/controller-managed-attach-detach".into(),
        "true".into(),
    );
    let machine = format!("{:032x}", (index as u128 + 1) * 0x9e37_79b9_7f4a_7c15);
    Node {
        metadata,
        spec: NodeSpec {
            pod_cidr: Some(format!("10.244.{index}.0/24")),
            pod_cidrs: Some(vec![format!("10.244.{index}.0/24")]),
            provider_id: Some(format!("kind://docker/kind/{}", req.name)),
            taints,
            unschedulable: None,
        },
        status: NodeStatus {
            addresses: vec![
                NodeAddress {
                    address: ip,
                    type_: "InternalIP".into(),
                },
                NodeAddress {
                    address: req.name.clone(),
                    type_: "Hostname".into(),
                },
            ],
            allocatable: capacity.clone(),
            capacity,
            conditions: vec![
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ],
            daemon_endpoints: Some(serde_json::json!({"kubeletEndpoint": {"Port": 10250}})),
            images: None,
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: machine.clone(),
                container_runtime_version: "containerd://2.1.1".into(),
                kernel_version: "6.1.0-kubeplay".into(),
                kube_proxy_version: String::new(),
                kubelet_version: KUBELET_VERSION.into(),
                machine_id: machine.clone(),
                operating_system: "linux".into(),
                os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                system_uuid: machine,
            }),
        },
        ..Default::default()
    }
}

/// Adds a node and records the kubelet's registration events.
pub fn add_node(sim: &mut Sim, req: &NodeRequest) {
    let node = build_node(sim, req);
    let key = sim.create_object(Object::Node(node));
    for (reason, message) in [
        ("Starting", "Starting kubelet.".to_string()),
        (
            "NodeHasSufficientMemory",
            format!("Node {} status is now: NodeHasSufficientMemory", req.name),
        ),
        (
            "NodeHasNoDiskPressure",
            format!("Node {} status is now: NodeHasNoDiskPressure", req.name),
        ),
        (
            "NodeHasSufficientPID",
            format!("Node {} status is now: NodeHasSufficientPID", req.name),
        ),
        (
            "NodeReady",
            format!("Node {} status is now: NodeReady", req.name),
        ),
    ] {
        sim.record_event(crate::engine::action::EventRecord {
            regarding: key.clone(),
            warning: false,
            reason: reason.into(),
            message,
            source: crate::engine::action::ControllerId::Kubelet,
            host: Some(req.name.clone()),
        });
    }
}

/// Names of the default cluster's nodes: `kind-control-plane`, `kind-worker`, `kind-worker2`...
pub fn worker_name(i: u32) -> String {
    if i == 1 {
        "kind-worker".into()
    } else {
        format!("kind-worker{i}")
    }
}

pub fn bootstrap_default(sim: &mut Sim, workers: u32) {
    let mut cp = NodeRequest::worker("kind-control-plane");
    cp.control_plane = true;
    add_node(sim, &cp);
    for i in 1..=workers {
        add_node(sim, &NodeRequest::worker(&worker_name(i)));
    }
    let mut sc_meta = ObjectMeta::named("", "standard");
    sc_meta
        .annotations_mut()
        .insert(StorageClass::DEFAULT_ANNOTATION.into(), "true".into());
    sim.create_object(Object::StorageClass(StorageClass {
        metadata: sc_meta,
        provisioner: "rancher.io/local-path".into(),
        reclaim_policy: Some("Delete".into()),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        ..Default::default()
    }));
    let mut kubernetes_svc = Service {
        metadata: ObjectMeta::named("default", "kubernetes"),
        ..Default::default()
    };
    kubernetes_svc
        .metadata
        .labels_mut()
        .insert("component".into(), "apiserver".into());
    kubernetes_svc
        .metadata
        .labels_mut()
        .insert("provider".into(), "kubernetes".into());
    kubernetes_svc.spec.cluster_ip = Some("10.96.0.1".into());
    kubernetes_svc.spec.cluster_ips = Some(vec!["10.96.0.1".into()]);
    kubernetes_svc.spec.type_ = Some("ClusterIP".into());
    kubernetes_svc.spec.ports = vec![ServicePort {
        name: Some("https".into()),
        port: 443,
        protocol: Some("TCP".into()),
        target_port: Some(IntOrString::Int(6443)),
        ..Default::default()
    }];
    // Created by the API server itself, with the same defaults any Service gets.
    let mut kubernetes_svc = Object::Service(kubernetes_svc);
    crate::engine::manifest::prepare_for_create(&mut kubernetes_svc);
    sim.create_object(kubernetes_svc);
    for text in SYSTEM_MANIFESTS {
        if let Ok(docs) = crate::engine::manifest::parse_documents(text) {
            for mut doc in docs.into_iter().filter_map(|d| d.object.ok()) {
                // The same API defaults a user's manifest gets, so `-o yaml` shows them.
                crate::engine::manifest::prepare_for_create(&mut doc);
                sim.create_object(doc);
            }
        }
    }
}

/// The kube-system workloads of a kind cluster, as manifests (they go through the same parser
/// and defaults as anything a user applies).
const SYSTEM_MANIFESTS: &[&str] = &[include_str!("../../static/cluster/kube-system.yaml")];
