//! API-server defaults (v1.36 `SetDefaults_*` in pkg/apis/*/v1/defaults.go, plus the few
//! values the create strategy and admission always set), so `kubectl get -o yaml` shows what a
//! real cluster shows. Checked against `kubectl get sts web -o yaml` / `get pod web-0 -o yaml`
//! in a-sts-create-orderedready.txt.
//!
//! Not here, because they need the store or randomness (apply.rs does them): uid, names from
//! generateName, ClusterIP allocation, the default StorageClass of a claim, the
//! `kube-api-access-*` volume, DefaultTolerationSeconds tolerations.

use crate::engine::model::*;
use base64::Engine as _;

/// What the API server does to a new object before validating it: the status a client sent is
/// dropped (status is a subresource: `kubectl apply` of pasted `get -o yaml` output does not
/// set it), then the defaults are applied. Updates keep the stored status and only get
/// [`apply_defaults`].
pub fn prepare_for_create(obj: &mut Object) {
    match obj {
        Object::Pod(p) => p.status = Default::default(),
        Object::StatefulSet(s) => s.status = Default::default(),
        Object::DaemonSet(d) => d.status = Default::default(),
        Object::Deployment(d) => d.status = Default::default(),
        Object::ReplicaSet(r) => r.status = Default::default(),
        Object::PersistentVolumeClaim(c) => c.status = Default::default(),
        Object::PersistentVolume(v) => v.status = Default::default(),
        Object::Namespace(n) => n.status = Default::default(),
        Object::PodDisruptionBudget(p) => p.status = Default::default(),
        // svcStrategy.PrepareForCreate: a pasted `status.loadBalancer` is not an address.
        Object::Service(s) => s.status = Default::default(),
        // Nodes are the exception: nodeStrategy keeps all fields, status too, on create (the
        // kubelet registers its node with its status).
        _ => {}
    }
    apply_defaults(obj);
}

/// What the API server does to an update of the main resource (apply, replace, patch) before
/// validating it: the status stays the stored one, because status is written only through the
/// status subresource (so `status.phase: Bogus` in a replaced or patched pod changes nothing
/// and is never judged), then the defaults are applied; a Service then loses the fields its new
/// type no longer uses (`dropTypeDependentFields`) and keeps the address and node ports the
/// client left out (`patchAllocatedValues`). Same kinds as [`prepare_for_create`], plus
/// Node (whose create keeps the status it is sent).
pub fn prepare_for_update(live: &Object, new: &mut Object) {
    keep_stored_status(live, new);
    apply_defaults(new);
    if let (Object::Service(old), Object::Service(n)) = (live, &mut *new) {
        super::service_update::drop_type_dependent_fields(old, n);
        super::service_update::patch_allocated_values(old, n);
        super::service_update::normalize_cluster_ips_for_update(old, n);
    }
}

/// The status half of [`prepare_for_update`]: status is written only through the status
/// subresource (svcStrategy and nodeStrategy keep it on update too).
fn keep_stored_status(live: &Object, new: &mut Object) {
    macro_rules! keep_status {
        ($($kind:ident),*) => {
            match (live, &mut *new) {
                $( (Object::$kind(l), Object::$kind(n)) => n.status = l.status.clone(), )*
                _ => {}
            }
        };
    }
    keep_status!(
        Pod,
        StatefulSet,
        DaemonSet,
        Deployment,
        ReplicaSet,
        PersistentVolumeClaim,
        PersistentVolume,
        Namespace,
        PodDisruptionBudget,
        Service,
        Node
    );
}

/// Applies the defaults of `obj`'s kind. Idempotent; safe on updates too (defaults are applied
/// to every object the API server decodes).
pub fn apply_defaults(obj: &mut Object) {
    match obj {
        Object::Pod(p) => default_pod(p),
        Object::StatefulSet(s) => default_statefulset(s),
        Object::DaemonSet(d) => default_daemonset(d),
        Object::Deployment(d) => default_deployment(d),
        Object::ReplicaSet(r) => {
            r.spec.replicas.get_or_insert(1);
            default_pod_spec(&mut r.spec.template.spec);
        }
        Object::Service(s) => default_service(&mut s.spec),
        Object::PersistentVolumeClaim(c) => default_claim(c),
        Object::PersistentVolume(v) => {
            fill_empty(&mut v.spec.persistent_volume_reclaim_policy, "Retain");
            v.spec
                .volume_mode
                .get_or_insert_with(|| "Filesystem".into());
            v.status.phase.get_or_insert_with(|| "Pending".into());
        }
        Object::Secret(s) => default_secret(s),
        Object::Namespace(n) => {
            let name = n.metadata.name.clone();
            n.metadata
                .labels_mut()
                .entry("kubernetes.io/metadata.name".into())
                .or_insert(name);
            n.status.phase.get_or_insert_with(|| "Active".into());
        }
        Object::StorageClass(c) => {
            c.reclaim_policy.get_or_insert_with(|| "Delete".into());
            c.volume_binding_mode
                .get_or_insert_with(|| "Immediate".into());
        }
        Object::Node(_)
        | Object::Endpoints(_)
        | Object::EndpointSlice(_)
        | Object::ConfigMap(_)
        | Object::Event(_)
        | Object::ControllerRevision(_)
        | Object::PodDisruptionBudget(_) => {}
    }
}

fn default_statefulset(s: &mut StatefulSet) {
    let spec = &mut s.spec;
    // Go checks `len(...) == 0`: an explicit empty string is defaulted too.
    fill_empty(&mut spec.pod_management_policy, "OrderedReady");
    let strategy = spec.update_strategy.get_or_insert_with(Default::default);
    if strategy.type_.as_deref().unwrap_or("").is_empty() {
        strategy.type_ = Some("RollingUpdate".into());
        // Only an omitted type gets `rollingUpdate: {}`; `type: RollingUpdate` alone keeps it nil.
        strategy.rolling_update.get_or_insert_with(Default::default);
    }
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        if let Some(ru) = &mut strategy.rolling_update {
            ru.partition.get_or_insert(0);
            // ERRATA: MaxUnavailableStatefulSet is off on v1.36.2; the field is dropped at create.
            ru.max_unavailable = None;
        }
    }
    let retention = spec
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(Default::default);
    fill_empty(&mut retention.when_deleted, "Retain");
    fill_empty(&mut retention.when_scaled, "Retain");
    spec.replicas.get_or_insert(1);
    spec.revision_history_limit.get_or_insert(10);
    default_pod_spec(&mut spec.template.spec);
    for claim in &mut spec.volume_claim_templates {
        if claim.api_version.is_empty() {
            claim.api_version = "v1".into();
        }
        if claim.kind.is_empty() {
            claim.kind = "PersistentVolumeClaim".into();
        }
        default_claim(claim);
    }
}

fn default_daemonset(d: &mut DaemonSet) {
    let strategy = d.spec.update_strategy.get_or_insert_with(Default::default);
    fill_empty(&mut strategy.type_, "RollingUpdate");
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let ru = strategy.rolling_update.get_or_insert_with(Default::default);
        ru.max_unavailable.get_or_insert(IntOrString::Int(1));
        ru.max_surge.get_or_insert(IntOrString::Int(0));
    }
    d.spec.revision_history_limit.get_or_insert(10);
    default_pod_spec(&mut d.spec.template.spec);
}

fn default_deployment(d: &mut Deployment) {
    let spec = &mut d.spec;
    spec.replicas.get_or_insert(1);
    let strategy = spec.strategy.get_or_insert_with(Default::default);
    fill_empty(&mut strategy.type_, "RollingUpdate");
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let ru = strategy.rolling_update.get_or_insert_with(Default::default);
        ru.max_unavailable
            .get_or_insert(IntOrString::String("25%".into()));
        ru.max_surge
            .get_or_insert(IntOrString::String("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    default_pod_spec(&mut spec.template.spec);
}

fn default_claim(c: &mut PersistentVolumeClaim) {
    c.spec
        .volume_mode
        .get_or_insert_with(|| "Filesystem".into());
    c.status.phase.get_or_insert_with(|| "Pending".into());
}

fn default_service(spec: &mut ServiceSpec) {
    fill_empty(&mut spec.session_affinity, "None");
    fill_empty(&mut spec.type_, "ClusterIP");
    let type_ = spec.type_.clone().unwrap_or_default();
    for port in &mut spec.ports {
        fill_empty(&mut port.protocol, "TCP");
        if port.target_port.is_none() {
            port.target_port = Some(IntOrString::Int(port.port));
        }
    }
    if type_ != "ExternalName" {
        if spec.internal_traffic_policy.is_none() {
            spec.internal_traffic_policy = Some("Cluster".into());
        }
        // Set by the service REST storage when it allocates (single-stack IPv4 cluster).
        if spec.ip_family_policy.is_none() {
            spec.ip_family_policy = Some("SingleStack".into());
        }
        if spec.ip_families.is_none() {
            spec.ip_families = Some(vec!["IPv4".into()]);
        }
    }
    // Go checks `== ""` on a plain string: an explicit empty policy is defaulted too.
    if crate::engine::manifest::validation::core::externally_accessible(spec, &type_) {
        fill_empty(&mut spec.external_traffic_policy, "Cluster");
    }
}

fn default_secret(s: &mut Secret) {
    fill_empty(&mut s.type_, "Opaque");
    // The API server folds stringData into data (stringData wins) and never returns it.
    if let Some(string_data) = s.string_data.take() {
        let data = s.data.get_or_insert_with(Default::default);
        for (k, v) in string_data {
            data.insert(
                k,
                base64::engine::general_purpose::STANDARD.encode(v.as_bytes()),
            );
        }
    }
}

/// The API server's defaults for a pod (not a template): every pod gets them on create,
/// whether kubectl sent it or a controller did.
pub fn default_pod(p: &mut Pod) {
    default_pod_spec(&mut p.spec);
    let spec = &mut p.spec;
    spec.enable_service_links.get_or_insert(true);
    // Priority admission: the class resolves both (no class: 0, PreemptLowerPriority). An
    // unknown class resolves nothing; `validate_create` refuses the pod for it.
    if let Some((priority, policy)) = super::priority::resolve(spec.priority_class_name.as_deref())
    {
        spec.priority.get_or_insert(priority);
        spec.preemption_policy.get_or_insert_with(|| policy.into());
    }
    // ServiceAccount admission; `serviceAccount` is the deprecated mirror of the name.
    let sa = spec
        .service_account_name
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into());
    spec.service_account_name = Some(sa.clone());
    spec.service_account.get_or_insert(sa);
    // Pods (not templates): a limit without a request sets the request.
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        if let Some(res) = &mut c.resources {
            if let Some(limits) = res.limits.clone() {
                let requests = res.requests.get_or_insert_with(Default::default);
                for (k, v) in limits {
                    requests.entry(k).or_insert(v);
                }
            }
        }
    }
    if p.status.qos_class.is_none() {
        p.status.qos_class = Some(qos_class(&p.spec).into());
    }
}

/// `qos.GetPodQOS`.
fn qos_class(spec: &PodSpec) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in spec.containers.iter().chain(spec.init_containers.iter()) {
        let res = c.resources.clone().unwrap_or_default();
        let requests = res.requests.unwrap_or_default();
        let limits = res.limits.unwrap_or_default();
        for r in ["cpu", "memory"] {
            let req = requests
                .get(r)
                .map(|q| q.milli_or_zero())
                .filter(|v| *v != 0);
            let lim = limits.get(r).map(|q| q.milli_or_zero()).filter(|v| *v != 0);
            any |= req.is_some() || lim.is_some();
            if lim.is_none() || req.is_some_and(|q| Some(q) != lim) {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

/// `SetDefaults_PodSpec` and the container, port, probe and volume defaults under it.
pub fn default_pod_spec(spec: &mut PodSpec) {
    fill_empty(&mut spec.dns_policy, "ClusterFirst");
    fill_empty(&mut spec.restart_policy, "Always");
    fill_empty(&mut spec.scheduler_name, "default-scheduler");
    if spec.security_context.is_none() {
        spec.security_context = Some(serde_json::json!({}));
    }
    spec.termination_grace_period_seconds.get_or_insert(30);
    let host_network = spec.uses_host_network();
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        default_container(c, host_network);
    }
    for v in &mut spec.volumes {
        default_volume(v);
    }
}

fn default_container(c: &mut Container, host_network: bool) {
    if c.image_pull_policy.as_deref().unwrap_or("").is_empty() {
        c.image_pull_policy = Some(default_pull_policy(&c.image).into());
    }
    fill_empty(&mut c.termination_message_path, "/dev/termination-log");
    fill_empty(&mut c.termination_message_policy, "File");
    c.resources.get_or_insert_with(Default::default);
    for port in &mut c.ports {
        fill_empty(&mut port.protocol, "TCP");
        if host_network && port.host_port.is_none() {
            port.host_port = Some(port.container_port);
        }
    }
    for probe in [
        &mut c.liveness_probe,
        &mut c.readiness_probe,
        &mut c.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        probe.timeout_seconds.get_or_insert(1);
        probe.period_seconds.get_or_insert(10);
        probe.success_threshold.get_or_insert(1);
        probe.failure_threshold.get_or_insert(3);
        if let Some(get) = &mut probe.http_get {
            fill_empty(&mut get.path, "/");
            fill_empty(&mut get.scheme, "HTTP");
        }
    }
}

/// `:latest` or no tag -> Always; a tag or digest -> IfNotPresent.
pub fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

fn default_volume(v: &mut Volume) {
    let has_source = v.config_map.is_some()
        || v.csi.is_some()
        || v.downward_api.is_some()
        || v.empty_dir.is_some()
        || v.ephemeral.is_some()
        || v.host_path.is_some()
        || v.image.is_some()
        || v.nfs.is_some()
        || v.persistent_volume_claim.is_some()
        || v.projected.is_some()
        || v.secret.is_some();
    if !has_source {
        v.empty_dir = Some(Default::default());
    }
    if let Some(cm) = &mut v.config_map {
        cm.default_mode.get_or_insert(420);
    }
    if let Some(s) = &mut v.secret {
        s.default_mode.get_or_insert(420);
    }
    if let Some(h) = &mut v.host_path {
        h.type_.get_or_insert_with(String::new);
    }
}

fn fill_empty(field: &mut Option<String>, value: &str) {
    if field.as_deref().unwrap_or("").is_empty() {
        *field = Some(value.to_string());
    }
}
