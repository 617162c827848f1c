//! The one place that mutates the store. Every create, update, delete, bind and event goes
//! through here, so API-server semantics (uids, timestamps, graceful deletion, finalizers, event
//! aggregation) live in one file and every change fans out to the actors that watch it.

use super::action::{Action, ControllerId, EventRecord, Propagation};
use super::model::*;
use super::store::ObjectKey;
use super::time::Timestamp;
use super::Sim;
use crate::engine::model::codec::Codec;
use std::collections::BTreeMap;

/// The annotation through which the API server exposes a DaemonSet's templateGeneration.
pub const DS_TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

/// The most pods the simulation keeps at once (the 1,000-node / 10,000-pod benchmark fits twice).
pub const MAX_PODS: usize = 25_000;

/// IP address management: pod IPs from each node's /24, ClusterIPs from 10.96.0.0/12.
#[derive(Clone, Debug, Default)]
pub struct Ipam {
    next_pod_host: BTreeMap<String, u32>,
    next_service: u32,
    next_node_index: u32,
}

impl Ipam {
    /// The index a new node gets (its podCIDR is 10.244.<index>.0/24).
    pub fn next_node_index(&mut self) -> u32 {
        let i = self.next_node_index;
        self.next_node_index += 1;
        i
    }
    pub fn pod_ip(&mut self, pod_cidr: &str) -> String {
        let prefix = pod_cidr.trim_end_matches("0/24").to_string();
        let next = self.next_pod_host.entry(prefix.clone()).or_insert(2);
        let host = *next;
        *next = if host >= 254 { 2 } else { host + 1 };
        format!("{prefix}{host}")
    }
    pub fn cluster_ip(&mut self) -> String {
        // 10.96.0.1 is the kubernetes service and 10.96.0.10 kube-dns, as on kind.
        self.next_service += 1;
        let n = self.next_service + 10;
        format!("10.96.{}.{}", (n / 250) % 250, 10 + n % 240)
    }
}

/// Outcome of an API-style request, for kubectl to report.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiResult {
    Created(ObjectKey),
    Configured(ObjectKey),
    Unchanged(ObjectKey),
    Deleted(ObjectKey),
    NotFound(ObjectKey),
}

impl Sim {
    /// Carries out one action on behalf of `actor`.
    pub fn apply(&mut self, actor: ControllerId, action: Action) {
        match action {
            Action::Create(obj) => {
                if self.admit_controller_create(&obj).is_ok() {
                    self.create_object(obj);
                }
            }
            Action::CreateAndRecord { object, mut event } => {
                if let Err(refusal) = self.admit_controller_create(&object) {
                    event.warning = true;
                    event.reason = "FailedCreate".into();
                    event.message = refusal;
                    self.record_event(event);
                    return;
                }
                let key = self.create_object(object);
                event.message = event.message.replace("{name}", &key.name);
                self.record_event(event);
            }
            Action::Update(obj) => {
                self.update_object(obj);
            }
            Action::Delete {
                key,
                grace_seconds,
                propagation,
            } => {
                self.delete_object(&key, grace_seconds, propagation);
            }
            Action::Remove(key) => {
                self.remove_object(&key);
            }
            Action::Bind { pod, node } => self.bind_pod(&pod, &node),
            Action::Event(record) => self.record_event(record),
        }
        let _ = actor;
    }

    /// What refuses a controller's create (the refusal becomes its `FailedCreate` event): the
    /// Priority admission plugin (a template naming a class that does not exist gets `Error
    /// creating: pods "web-...-" is forbidden: ...`), then kubeplay's own ceiling, so a typo
    /// such as `replicas: 1000000` cannot freeze the tab: a pod beyond `MAX_PODS` is refused
    /// like a ResourceQuota would refuse it.
    fn admit_controller_create(&self, obj: &Object) -> Result<(), String> {
        if let Object::Pod(pod) = obj {
            crate::engine::manifest::priority::admit_pod(pod)
                .map_err(|e| format!("Error creating: {}", e.message))?;
        }
        if obj.kind() == Kind::Pod && self.store.count(Kind::Pod) >= MAX_PODS {
            return Err(format!(
                "kubeplay: the simulated cluster holds at most {MAX_PODS} pods; scale something down first"
            ));
        }
        Ok(())
    }

    /// Admission for storage objects at create: the DefaultStorageClass plugin gives a claim
    /// without a class the default one, and the StorageObjectInUseProtection plugin adds the
    /// protection finalizers, so `kubectl get pvc` right after apply already shows both.
    fn admit_storage(&self, obj: &mut Object) {
        match obj {
            Object::PersistentVolumeClaim(claim) => {
                if claim.spec.storage_class_name.is_none() {
                    if let Some(default) =
                        self.store.list::<StorageClass>().find(|c| c.is_default())
                    {
                        claim.spec.storage_class_name = Some(default.metadata.name.clone());
                    }
                }
                add_finalizer(&mut claim.metadata, "kubernetes.io/pvc-protection");
            }
            Object::PersistentVolume(pv) => {
                add_finalizer(&mut pv.metadata, "kubernetes.io/pv-protection")
            }
            _ => {}
        }
    }

    /// Creates an object as the API server would: generateName expanded, uid, creation time,
    /// generation 1. Returns its key.
    pub fn create_object(&mut self, mut obj: Object) -> ObjectKey {
        let now = self.now;
        if obj.meta().name.is_empty() {
            let prefix = obj.meta().generate_name.clone().unwrap_or_default();
            let suffix = self.random_suffix(5);
            obj.meta_mut().name = format!("{prefix}{suffix}");
        }
        let uid = self.new_uid();
        let versioned = has_generation(obj.kind());
        {
            let meta = obj.meta_mut();
            meta.uid = uid;
            meta.creation_timestamp = Some(Timestamp(now));
            meta.resource_version.clear();
            meta.deletion_timestamp = None;
            if versioned {
                meta.generation = 1;
            }
        }
        set_type_meta(&mut obj);
        if let Object::DaemonSet(ds) = &mut obj {
            // The API server's templateGeneration starts at 1 and is shown as this annotation.
            ds.metadata
                .annotations_mut()
                .insert(DS_TEMPLATE_GENERATION.into(), "1".into());
        }
        if let Object::Pod(pod) = &mut obj {
            // A controller's pod comes from its (defaulted) template; the pod-level defaults
            // (enableServiceLinks, priority...) are the API server's on create, as for kubectl's.
            crate::engine::manifest::defaults::default_pod(pod);
            admit_pod(pod);
            let suffix = self.random_suffix(5);
            admit_service_account(pod, &suffix);
            pod.metadata.generation = 1;
        }
        self.admit_storage(&mut obj);
        if let Object::Service(svc) = &mut obj {
            // The service storage: a free cluster IP (a requested one is recorded in clusterIPs
            // too, `None` for a headless Service) and node ports (service_alloc.rs).
            self.allocate_for_create(svc);
        }
        let key = ObjectKey::of(&obj);
        self.store.put(obj.clone(), now);
        self.on_change(None, Some(&obj));
        key
    }

    /// Replaces an object. Spec changes to workloads bump `metadata.generation` (callers that
    /// only write status leave the spec as it was, so generation stays).
    pub fn update_object(&mut self, mut obj: Object) -> Option<ObjectKey> {
        let key = ObjectKey::of(&obj);
        let old = self.store.get_obj(&key)?.clone();
        {
            let (om, nm) = (old.meta(), obj.meta_mut());
            nm.uid = om.uid.clone();
            nm.creation_timestamp = om.creation_timestamp;
            nm.generation = om.generation;
        }
        if has_generation(obj.kind()) && spec_of(&old) != spec_of(&obj) {
            obj.meta_mut().generation += 1;
        }
        if let (Object::DaemonSet(before), Object::DaemonSet(after)) = (&old, &mut obj) {
            // PrepareForUpdate: templateGeneration follows template changes only.
            let current: i64 = before
                .metadata
                .annotations()
                .get(DS_TEMPLATE_GENERATION)
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let next = if before.spec.template != after.spec.template {
                current + 1
            } else {
                current
            };
            after
                .metadata
                .annotations_mut()
                .insert(DS_TEMPLATE_GENERATION.into(), next.to_string());
        }
        if let Object::Service(svc) = &mut obj {
            // A Service switched to NodePort or LoadBalancer gets its node ports now, one
            // leaving ExternalName its cluster IP.
            self.allocate_for_update(svc);
        }
        set_type_meta(&mut obj);
        if old == obj {
            return Some(key);
        }
        self.store.put(obj.clone(), self.now);
        self.on_change(Some(&old), Some(&obj));
        // An object whose last finalizer was removed while deleting goes away now.
        if obj.meta().deletion_timestamp.is_some()
            && obj.meta().finalizers.is_empty()
            && obj.kind() != Kind::Pod
        {
            self.remove_object(&key);
        }
        Some(key)
    }

    /// Deletes as the API server does. Bound pods get a deletionTimestamp and the kubelet stops
    /// them; objects with finalizers wait for them; everything else goes at once.
    pub fn delete_object(
        &mut self,
        key: &ObjectKey,
        grace_seconds: Option<i64>,
        propagation: Propagation,
    ) -> bool {
        let Some(existing) = self.store.get_obj(key).cloned() else {
            return false;
        };
        let mut obj = existing.clone();
        let now = self.now;
        if let Object::Pod(pod) = &mut obj {
            let grace = grace_seconds
                .unwrap_or_else(|| pod.spec.grace_period_secs())
                .max(0);
            // Unbound pods have no kubelet to stop them; a zero grace period is a force delete.
            if pod.node_name().is_none() || grace == 0 {
                self.remove_object(key);
                return true;
            }
            if let Some(current) = pod.metadata.deletion_grace_period_seconds {
                // Already terminating: only a shorter grace period changes anything.
                if pod.metadata.deletion_timestamp.is_some() && grace >= current {
                    return true;
                }
            }
            pod.metadata.deletion_timestamp = Some(Timestamp(
                now + super::time::SimDuration::from_secs(grace as u64),
            ));
            pod.metadata.deletion_grace_period_seconds = Some(grace);
            self.store.put(obj.clone(), now);
            self.on_change(Some(&existing), Some(&obj));
            return true;
        }
        match propagation {
            Propagation::Foreground => {
                if self.store.owned_by(&existing.meta().uid).next().is_some() {
                    let meta = obj.meta_mut();
                    if !meta.finalizers.iter().any(|f| f == "foregroundDeletion") {
                        meta.finalizers.push("foregroundDeletion".into());
                    }
                }
            }
            Propagation::Orphan => {
                if self.store.owned_by(&existing.meta().uid).next().is_some() {
                    let meta = obj.meta_mut();
                    if !meta.finalizers.iter().any(|f| f == "orphan") {
                        meta.finalizers.push("orphan".into());
                    }
                }
            }
            Propagation::Background => {}
        }
        if obj.meta().finalizers.is_empty() {
            self.remove_object(key);
        } else {
            if obj.meta().deletion_timestamp.is_none() {
                obj.meta_mut().deletion_timestamp = Some(Timestamp(now));
                obj.meta_mut().deletion_grace_period_seconds = Some(0);
            }
            self.store.put(obj.clone(), now);
            self.on_change(Some(&existing), Some(&obj));
        }
        true
    }

    pub fn remove_object(&mut self, key: &ObjectKey) -> Option<Object> {
        let old = self.store.remove(key, self.now)?;
        self.forget_files_of(&old);
        self.on_change(Some(&old), None);
        Some(old)
    }

    /// Storage that disappears with an object takes its files along: a deleted volume's data,
    /// a removed pod's emptyDirs and container layers.
    fn forget_files_of(&mut self, obj: &Object) {
        use super::files::Backing;
        match obj {
            Object::PersistentVolume(pv) => self
                .files_mut()
                .drop_backing(&Backing::PersistentVolume(pv.metadata.name.clone())),
            Object::Pod(pod) => {
                let uid = pod.metadata.uid.clone();
                for v in pod.spec.volumes.iter().filter(|v| v.empty_dir.is_some()) {
                    self.files_mut()
                        .drop_backing(&Backing::EmptyDir(uid.clone(), v.name.clone()));
                }
                for c in &pod.spec.containers {
                    self.files_mut()
                        .drop_backing(&Backing::Container(uid.clone(), c.name.clone()));
                }
            }
            _ => {}
        }
    }

    fn bind_pod(&mut self, key: &ObjectKey, node: &str) {
        let Some(mut pod) = self.store.get::<Pod>(&key.namespace, &key.name).cloned() else {
            return;
        };
        if pod.node_name().is_some() {
            return;
        }
        pod.spec.node_name = Some(node.to_string());
        set_pod_condition(&mut pod, "PodScheduled", "True", None, None, self.now);
        self.update_object(Object::Pod(pod));
        self.record_event(EventRecord {
            regarding: key.clone(),
            warning: false,
            reason: "Scheduled".into(),
            message: format!(
                "Successfully assigned {}/{} to {node}",
                key.namespace, key.name
            ),
            source: ControllerId::Scheduler,
            host: None,
        });
    }

    /// A random RFC 4122 v4 uid from the seeded stream.
    pub fn new_uid(&mut self) -> String {
        let a = self.next_random();
        let b = self.next_random();
        let bytes: Vec<u8> = a
            .to_be_bytes()
            .iter()
            .chain(b.to_be_bytes().iter())
            .copied()
            .collect();
        let hex: String = bytes
            .iter()
            .enumerate()
            .map(|(i, byte)| match i {
                6 => format!("{:02x}", (byte & 0x0f) | 0x40),
                8 => format!("{:02x}", (byte & 0x3f) | 0x80),
                _ => format!("{byte:02x}"),
            })
            .collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// `n` characters from apimachinery's rand.String alphabet (no vowels, no look-alikes).
    pub fn random_suffix(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..n)
            .map(|_| ALPHABET[(self.next_random() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

fn add_finalizer(meta: &mut ObjectMeta, name: &str) {
    if !meta.finalizers.iter().any(|f| f == name) {
        meta.finalizers.push(name.to_string());
    }
}

fn has_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::StatefulSet
            | Kind::DaemonSet
            | Kind::Deployment
            | Kind::ReplicaSet
            | Kind::PodDisruptionBudget
            | Kind::EndpointSlice
    )
}

/// The spec part of a workload, to tell a spec change (new generation) from a status write.
fn spec_of(obj: &Object) -> Option<serde_json::Value> {
    match obj {
        Object::StatefulSet(o) => Some(Codec::encode(&o.spec)),
        Object::DaemonSet(o) => Some(Codec::encode(&o.spec)),
        Object::Deployment(o) => Some(Codec::encode(&o.spec)),
        Object::ReplicaSet(o) => Some(Codec::encode(&o.spec)),
        Object::PodDisruptionBudget(o) => Some(Codec::encode(&o.spec)),
        // EndpointSlice strategy: anything but metadata, plus labels, bumps the generation.
        Object::EndpointSlice(o) => {
            serde_json::to_value((&o.address_type, &o.endpoints, &o.ports, &o.metadata.labels)).ok()
        }
        _ => None,
    }
}

fn set_type_meta(obj: &mut Object) {
    let info = obj.kind().info();
    let (api, kind) = (info.api_version(), info.name.to_string());
    macro_rules! set {
        ($o:expr) => {{
            $o.api_version = api;
            $o.kind = kind;
        }};
    }
    match obj {
        Object::Namespace(o) => set!(o),
        Object::Node(o) => set!(o),
        Object::Pod(o) => set!(o),
        Object::Service(o) => set!(o),
        Object::Endpoints(o) => set!(o),
        Object::EndpointSlice(o) => set!(o),
        Object::ConfigMap(o) => set!(o),
        Object::Secret(o) => set!(o),
        Object::PersistentVolumeClaim(o) => set!(o),
        Object::PersistentVolume(o) => set!(o),
        Object::Event(o) => set!(o),
        Object::DaemonSet(o) => set!(o),
        Object::Deployment(o) => set!(o),
        Object::ReplicaSet(o) => set!(o),
        Object::StatefulSet(o) => set!(o),
        Object::ControllerRevision(o) => set!(o),
        Object::PodDisruptionBudget(o) => set!(o),
        Object::StorageClass(o) => set!(o),
    }
}

/// Admission on pod create: the DefaultTolerationSeconds plugin adds 300 s NoExecute
/// tolerations for not-ready and unreachable nodes unless the pod already tolerates them.
pub fn admit_pod(pod: &mut Pod) {
    pod.status.qos_class = Some(qos_class(pod).to_string());
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let covered = pod.spec.tolerations.iter().any(|t| {
            let effect_ok = t.effect.is_none() || t.effect.as_deref() == Some("NoExecute");
            let key_ok = t.key.as_deref() == Some(key)
                || (t.key.is_none() && t.operator.as_deref() == Some("Exists"));
            effect_ok && key_ok
        });
        if !covered {
            pod.spec.tolerations.push(Toleration {
                effect: Some("NoExecute".into()),
                key: Some(key.into()),
                operator: Some("Exists".into()),
                toleration_seconds: Some(300),
                value: None,
            });
        }
    }
}

pub const SERVICE_ACCOUNT_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The ServiceAccount admission plugin: the pod runs as `default` unless it names another
/// account, and unless it opts out (`automountServiceAccountToken: false`) it gets the
/// projected `kube-api-access-xxxxx` volume (token, CA bundle, namespace) mounted read-only in
/// every container, as `kubectl describe pod` and `-o yaml` show on a real cluster.
pub fn admit_service_account(pod: &mut Pod, suffix: &str) {
    let account = pod
        .spec
        .service_account_name
        .clone()
        .or_else(|| pod.spec.service_account.clone())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "default".into());
    pod.spec.service_account_name = Some(account.clone());
    pod.spec.service_account = Some(account);
    if pod.spec.automount_service_account_token == Some(false)
        || pod
            .spec
            .volumes
            .iter()
            .any(|v| v.name.starts_with("kube-api-access-"))
    {
        return;
    }
    let name = format!("kube-api-access-{suffix}");
    pod.spec.volumes.push(Volume {
        name: name.clone(),
        projected: Some(serde_json::json!({
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
            ]
        })),
        ..Default::default()
    });
    for c in pod
        .spec
        .init_containers
        .iter_mut()
        .chain(pod.spec.containers.iter_mut())
    {
        if c.volume_mounts
            .iter()
            .any(|m| m.mount_path == SERVICE_ACCOUNT_MOUNT)
        {
            continue;
        }
        c.volume_mounts.push(VolumeMount {
            mount_path: SERVICE_ACCOUNT_MOUNT.into(),
            name: name.clone(),
            read_only: Some(true),
            ..Default::default()
        });
    }
}

/// The pod's quality-of-service class, as the API server computes it at create
/// (pkg/apis/core/helper/qos GetPodQOS): BestEffort without any cpu/memory request or limit,
/// Guaranteed when every container limits both and requests equal limits, else Burstable.
pub fn qos_class(pod: &Pod) -> &'static str {
    let containers: Vec<&Container> = pod
        .spec
        .init_containers
        .iter()
        .chain(pod.spec.containers.iter())
        .collect();
    let quantity = |map: Option<&std::collections::BTreeMap<String, Quantity>>, r: &str| {
        map.and_then(|m| m.get(r))
            .map(|q| q.milli_or_zero())
            .filter(|v| *v != 0)
    };
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let res = c.resources.as_ref();
        for r in ["cpu", "memory"] {
            let limit = quantity(res.and_then(|x| x.limits.as_ref()), r);
            let request = quantity(res.and_then(|x| x.requests.as_ref()), r).or(limit);
            any |= limit.is_some() || request.is_some();
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// Sets a pod condition, moving lastTransitionTime only when the status changes.
pub fn set_pod_condition(
    pod: &mut Pod,
    type_: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<&str>,
    now: super::time::SimTime,
) {
    let ts = Some(Timestamp(now));
    if let Some(c) = pod.status.conditions.iter_mut().find(|c| c.type_ == type_) {
        if c.status != status {
            c.last_transition_time = ts;
        }
        c.status = status.into();
        c.reason = reason.map(str::to_string);
        c.message = message.map(str::to_string);
        return;
    }
    pod.status.conditions.push(PodCondition {
        last_probe_time: None,
        last_transition_time: ts,
        message: message.map(str::to_string),
        observed_generation: None,
        reason: reason.map(str::to_string),
        status: status.into(),
        type_: type_.into(),
    });
}
