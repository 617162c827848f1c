//! The Deployment's ReplicaSets: finding the one that matches the template, creating it as
//! `<deployment>-<pod-template-hash>`, the revision annotations, and scaling with the
//! `ScalingReplicaSet` events (`pkg/controller/deployment/sync.go`, `util/deployment_util.go`).

use crate::engine::action::{Action, ControllerId};
use crate::engine::controllers::controller_utils::{compute_hash, controller_ref, event};
use crate::engine::model::{
    Deployment, Kind, Object, ObjectMeta, PodTemplateSpec, ReplicaSet, ReplicaSetSpec,
};
use crate::engine::store::ObjectKey;

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const HASH_LABEL: &str = "pod-template-hash";

/// Annotations a Deployment never copies to its ReplicaSets.
const NOT_COPIED: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// A ReplicaSet as this sync sees it, with the changes it plans to write.
#[derive(Clone, Debug)]
pub struct RsView {
    pub rs: ReplicaSet,
    pub created: bool,
    pub changed: bool,
}

impl RsView {
    pub fn name(&self) -> &str {
        &self.rs.metadata.name
    }
    pub fn replicas(&self) -> i32 {
        self.rs.spec.replicas.unwrap_or(0)
    }
    pub fn available(&self) -> i32 {
        self.rs.status.available_replicas
    }
    pub fn revision(&self) -> i64 {
        revision_of(&self.rs)
    }
}

pub fn revision_of(rs: &ReplicaSet) -> i64 {
    rs.metadata
        .annotations()
        .get(REVISION)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// `EqualIgnoreHash`: the templates match once the pod-template-hash label is set aside.
pub fn same_template(rs_template: &PodTemplateSpec, d_template: &PodTemplateSpec) -> bool {
    let mut a = rs_template.clone();
    let mut b = d_template.clone();
    for t in [&mut a, &mut b] {
        if let Some(l) = t.metadata.labels.as_mut() {
            l.remove(HASH_LABEL);
        }
    }
    a == b
}

/// Replica annotations the controller keeps on every ReplicaSet it scales.
pub fn set_replica_annotations(rs: &mut ReplicaSet, d: &Deployment, max_surge: i32) {
    let desired = d.spec.replicas.unwrap_or(1);
    let a = rs.metadata.annotations_mut();
    a.insert(DESIRED_REPLICAS.into(), desired.to_string());
    a.insert(MAX_REPLICAS.into(), (desired + max_surge).to_string());
}

fn copy_annotations(d: &Deployment, rs: &mut ReplicaSet) {
    for (k, v) in d.metadata.annotations() {
        if !NOT_COPIED.contains(&k.as_str()) {
            rs.metadata.annotations_mut().insert(k.clone(), v.clone());
        }
    }
}

/// The ReplicaSet `getNewReplicaSet` creates: template and selector get the hash label.
pub fn new_replica_set(d: &Deployment, replicas: i32, revision: i64, max_surge: i32) -> ReplicaSet {
    let hash = compute_hash(&d.spec.template, d.status.collision_count);
    let mut template = d.spec.template.clone();
    template
        .metadata
        .labels_mut()
        .insert(HASH_LABEL.into(), hash.clone());
    let mut selector = d.spec.selector.clone().unwrap_or_default();
    selector
        .match_labels
        .get_or_insert_with(Default::default)
        .insert(HASH_LABEL.into(), hash.clone());
    let mut meta = ObjectMeta::named(
        &d.metadata.namespace,
        &format!("{}-{}", d.metadata.name, hash),
    );
    meta.labels = Some(template.metadata.labels().clone());
    meta.owner_references
        .push(controller_ref(Kind::Deployment, &d.metadata));
    let mut rs = ReplicaSet {
        metadata: meta,
        spec: ReplicaSetSpec {
            min_ready_seconds: d.spec.min_ready_seconds,
            replicas: Some(replicas),
            selector: Some(selector),
            template,
        },
        ..Default::default()
    };
    copy_annotations(d, &mut rs);
    rs.metadata
        .annotations_mut()
        .insert(REVISION.into(), revision.to_string());
    set_replica_annotations(&mut rs, d, max_surge);
    rs
}

/// Moves an existing ReplicaSet to `revision` (a rollback or re-apply of an old template),
/// remembering the old number in `revision-history`.
pub fn bump_revision(rs: &mut ReplicaSet, revision: i64) -> bool {
    let old = revision_of(rs);
    if old >= revision {
        return false;
    }
    let annotations = rs.metadata.annotations_mut();
    if old > 0 {
        let history = match annotations.get(REVISION_HISTORY) {
            Some(h) if !h.is_empty() => format!("{h},{old}"),
            _ => old.to_string(),
        };
        annotations.insert(REVISION_HISTORY.into(), history);
    }
    annotations.insert(REVISION.into(), revision.to_string());
    true
}

/// Scales `view` to `to`, with the Deployment's `ScalingReplicaSet` event.
pub fn scale(
    view: &mut RsView,
    to: i32,
    d: &Deployment,
    d_key: &ObjectKey,
    max_surge: i32,
    actions: &mut Vec<Action>,
) {
    let from = view.replicas();
    set_replica_annotations(&mut view.rs, d, max_surge);
    if from == to {
        return;
    }
    view.rs.spec.replicas = Some(to);
    view.changed = true;
    let verb = if to > from { "up" } else { "down" };
    actions.push(event(
        d_key,
        false,
        "ScalingReplicaSet",
        format!(
            "Scaled {verb} replica set {} from {from} to {to}",
            view.name()
        ),
        ControllerId::Deployment,
    ));
}

/// The writes for every ReplicaSet the sync created or changed.
pub fn write(views: &[RsView], actions: &mut Vec<Action>) {
    for v in views {
        if v.created {
            actions.push(Action::Create(Object::ReplicaSet(v.rs.clone())));
        } else if v.changed {
            actions.push(Action::Update(Object::ReplicaSet(v.rs.clone())));
        }
    }
}
