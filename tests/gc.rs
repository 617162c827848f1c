//! The garbage collector: background deletion of dependents whose owner is gone, foreground
//! deletion (the owner waits for its blocking dependents), and orphaning.

use kubeplay::engine::action::Propagation;
use kubeplay::engine::model::*;
use kubeplay::engine::store::ObjectKey;
use kubeplay::engine::time::SimDuration;
use kubeplay::engine::Sim;

fn owner_ref(owner: &ConfigMap, block: bool) -> OwnerReference {
    OwnerReference {
        api_version: "v1".into(),
        block_owner_deletion: Some(block),
        controller: Some(true),
        kind: "ConfigMap".into(),
        name: owner.metadata.name.clone(),
        uid: owner.metadata.uid.clone(),
    }
}

fn config_map(sim: &mut Sim, name: &str, owner: Option<OwnerReference>) -> ConfigMap {
    let mut cm = ConfigMap {
        metadata: ObjectMeta::named("default", name),
        ..Default::default()
    };
    cm.metadata.owner_references = owner.into_iter().collect();
    sim.create_object(Object::ConfigMap(cm));
    sim.store()
        .get::<ConfigMap>("default", name)
        .cloned()
        .unwrap()
}

fn pod(sim: &mut Sim, name: &str, owner: OwnerReference) {
    let mut p = Pod {
        metadata: ObjectMeta::named("default", name),
        ..Default::default()
    };
    p.spec.node_name = Some("kind-worker".into());
    p.spec.containers = vec![Container {
        name: "nginx".into(),
        image: "nginx:1.25".into(),
        ..Default::default()
    }];
    p.metadata.owner_references = vec![owner];
    sim.create_object(Object::Pod(p));
}

fn cm_key(name: &str) -> ObjectKey {
    ObjectKey::new(Kind::ConfigMap, "default", name)
}

fn exists(sim: &Sim, kind: Kind, name: &str) -> bool {
    sim.store().contains(&ObjectKey::new(kind, "default", name))
}

#[test]
fn background_deletion_removes_dependents_after_the_owner() {
    let mut sim = Sim::new(1);
    let owner = config_map(&mut sim, "owner", None);
    config_map(&mut sim, "child", Some(owner_ref(&owner, true)));
    pod(&mut sim, "worker", owner_ref(&owner, true));
    sim.advance_by(SimDuration::from_secs(10));
    sim.delete_object(&cm_key("owner"), None, Propagation::Background);
    assert!(
        !exists(&sim, Kind::ConfigMap, "owner"),
        "the owner goes first"
    );
    sim.advance_by(SimDuration::from_secs(5));
    assert!(!exists(&sim, Kind::ConfigMap, "child"));
    assert!(!exists(&sim, Kind::Pod, "worker"));
}

#[test]
fn dependent_with_another_live_owner_only_loses_the_dangling_reference() {
    let mut sim = Sim::new(1);
    let a = config_map(&mut sim, "a", None);
    let b = config_map(&mut sim, "b", None);
    let mut both = ConfigMap {
        metadata: ObjectMeta::named("default", "shared"),
        ..Default::default()
    };
    let mut ref_b = owner_ref(&b, false);
    ref_b.controller = None;
    both.metadata.owner_references = vec![owner_ref(&a, false), ref_b];
    sim.create_object(Object::ConfigMap(both));
    sim.delete_object(&cm_key("a"), None, Propagation::Background);
    sim.advance_by(SimDuration::from_secs(1));
    let shared = sim
        .store()
        .get::<ConfigMap>("default", "shared")
        .expect("kept: b still owns it");
    assert_eq!(shared.metadata.owner_references.len(), 1);
    assert_eq!(shared.metadata.owner_references[0].name, "b");
}

#[test]
fn foreground_deletion_waits_for_blocking_dependents() {
    let mut sim = Sim::new(1);
    let owner = config_map(&mut sim, "owner", None);
    pod(&mut sim, "worker", owner_ref(&owner, true));
    sim.advance_by(SimDuration::from_secs(10));
    sim.delete_object(&cm_key("owner"), None, Propagation::Foreground);
    sim.advance_by(SimDuration::from_millis(500));
    let o = sim
        .store()
        .get::<ConfigMap>("default", "owner")
        .expect("waits for the pod");
    assert!(o.metadata.deletion_timestamp.is_some());
    assert_eq!(
        o.metadata.finalizers,
        vec!["foregroundDeletion".to_string()]
    );
    let p = sim.store().get::<Pod>("default", "worker").unwrap();
    assert!(
        p.metadata.deletion_timestamp.is_some(),
        "the pod is terminating"
    );
    sim.advance_by(SimDuration::from_secs(1));
    assert!(!exists(&sim, Kind::Pod, "worker"));
    assert!(
        !exists(&sim, Kind::ConfigMap, "owner"),
        "removed once its dependents are gone"
    );
}

#[test]
fn orphan_deletion_keeps_dependents_without_the_reference() {
    let mut sim = Sim::new(1);
    let owner = config_map(&mut sim, "owner", None);
    config_map(&mut sim, "child", Some(owner_ref(&owner, true)));
    pod(&mut sim, "worker", owner_ref(&owner, true));
    sim.advance_by(SimDuration::from_secs(10));
    sim.delete_object(&cm_key("owner"), None, Propagation::Orphan);
    sim.advance_by(SimDuration::from_secs(5));
    assert!(!exists(&sim, Kind::ConfigMap, "owner"));
    let child = sim
        .store()
        .get::<ConfigMap>("default", "child")
        .expect("orphaned, not deleted");
    assert!(child.metadata.owner_references.is_empty());
    let p = sim
        .store()
        .get::<Pod>("default", "worker")
        .expect("orphaned pod keeps running");
    assert!(p.metadata.owner_references.is_empty());
    assert!(p.is_ready());
}
