//! Updates, revisions, storage and retention: the controller alone, with the stand-in kubelet.

use super::harness::*;
use kubeplay::engine::action::{Propagation, WhyReason};
use kubeplay::engine::model::{ControllerRevision, Kind, Object, Pod, PodPhase};
use kubeplay::engine::store::ObjectKey;
use serde_json::json;

// SC-15
#[test]
fn an_update_with_scale_up_scales_first_then_rolls_in_reverse_order() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    h.events.clear();
    h.update_set(|s| {
        s.spec.replicas = Some(5);
        s.spec.template.spec.containers[0].image = IMAGE2.into();
    });
    h.settle();
    assert_eq!(
        h.events,
        [
            claim_event(3),
            create("web-3"),
            claim_event(4),
            combined(&create("web-4")),
            delete("web-2"),
            create("web-2"),
            delete("web-1"),
            create("web-1"),
            delete("web-0"),
            create("web-0")
        ]
    );
    for n in 0..5 {
        assert_eq!(
            revision_of(&h, &format!("web-{n}")),
            H2,
            "the new template hashes as on a real cluster"
        );
    }
    let s = h.set().status;
    assert_eq!(
        (s.current_revision.as_deref(), s.update_revision.as_deref()),
        (Some(H2), Some(H2))
    );
    assert_eq!(
        (s.current_replicas, s.updated_replicas, s.replicas),
        (5, 5, 5)
    );
    assert_eq!(h.max_unready, 1);
}

// SC-17: Retain claims come back; 3 -> 1 -> 3 reuses the same claims.
#[test]
fn scaling_down_and_up_reuses_the_retained_claims() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    let uid = h.claim("www-web-2").unwrap().metadata.uid;
    h.update_set(|s| s.spec.replicas = Some(1));
    h.settle();
    assert_eq!(h.pod_names(), ["web-0"]);
    assert!(h.claims_deleted.is_empty());
    h.events.clear();
    h.update_set(|s| s.spec.replicas = Some(3));
    h.settle();
    assert_eq!(
        h.events,
        [create("web-1"), create("web-2")],
        "no Create Claim: the old claims are reused"
    );
    assert_eq!(h.claim("www-web-2").unwrap().metadata.uid, uid);
}

// SC-19
#[test]
fn when_deleted_delete_gives_every_claim_a_controller_reference_to_the_set() {
    let mut manifest = m0(3);
    manifest["spec"]["persistentVolumeClaimRetentionPolicy"] =
        json!({"whenDeleted": "Delete", "whenScaled": "Retain"});
    let mut h = Harness::with_set(manifest);
    h.settle();
    let set_uid = h.set().metadata.uid;
    for n in 0..3 {
        let refs = h
            .claim(&format!("www-web-{n}"))
            .unwrap()
            .metadata
            .owner_references;
        assert_eq!(refs.len(), 1);
        let r = &refs[0];
        assert_eq!(
            (r.kind.as_str(), r.name.as_str(), r.uid.as_str()),
            ("StatefulSet", "web", set_uid.as_str())
        );
        assert_eq!(
            (r.controller, r.block_owner_deletion, r.api_version.as_str()),
            (Some(true), Some(true), "apps/v1")
        );
    }
    h.update_set(|s| s.spec.replicas = Some(2));
    h.settle();
    assert!(
        h.claim("www-web-2").is_some(),
        "scale-down keeps the claim (whenScaled: Retain)"
    );
}

#[test]
fn when_scaled_delete_hands_condemned_claims_to_their_pods() {
    let mut manifest = m0(3);
    manifest["spec"]["persistentVolumeClaimRetentionPolicy"] =
        json!({"whenDeleted": "Retain", "whenScaled": "Delete"});
    let mut h = Harness::with_set(manifest);
    h.settle();
    assert!(h
        .claim("www-web-2")
        .unwrap()
        .metadata
        .owner_references
        .is_empty());
    h.hold_terminating.insert("web-2".into());
    h.update_set(|s| s.spec.replicas = Some(2));
    h.run_for(3);
    let pod_uid = h.pod("web-2").unwrap().metadata.uid;
    let refs = h.claim("www-web-2").unwrap().metadata.owner_references;
    assert_eq!(refs.len(), 1);
    assert_eq!(
        (refs[0].kind.as_str(), refs[0].uid.as_str()),
        ("Pod", pod_uid.as_str())
    );
}

// SC-29
#[test]
fn a_partition_holds_lower_ordinals_on_the_current_revision() {
    let mut manifest = m0(3);
    manifest["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 3}});
    let mut h = Harness::with_set(manifest);
    h.settle();
    h.events.clear();
    h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
    h.settle();
    assert!(
        h.events.is_empty(),
        "partition 3 > last index: nothing is replaced"
    );
    let s = h.set().status;
    assert_eq!((s.current_replicas, s.updated_replicas), (3, 0));
    assert_eq!(s.update_revision.as_deref(), Some(H2));
    h.update_set(|s| {
        s.spec
            .update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(2)
    });
    h.settle();
    assert_eq!(h.events, [delete("web-2"), create("web-2")]);
    let s = h.set().status;
    assert_eq!(
        (
            s.current_revision.as_deref(),
            s.current_replicas,
            s.updated_replicas
        ),
        (Some(H1), 2, 1)
    );
    assert_eq!(h.sim.store().list_in::<ControllerRevision>(NS).count(), 2);
    let whys = h.whys();
    assert!(
        whys.iter().any(|(subject, r)| subject == "statefulset/web"
            && *r
                == WhyReason::PartitionHolds {
                    partition: 2,
                    held: vec!["web-0".into(), "web-1".into()]
                }),
        "{}",
        h.why_text()
    );
    // A pod below the partition comes back at the current revision, one above at the update.
    h.delete_pod("web-0");
    h.delete_pod("web-2");
    h.settle();
    assert_eq!(
        (revision_of(&h, "web-0"), revision_of(&h, "web-2")),
        (H1.to_string(), H2.to_string())
    );
    h.update_set(|s| {
        s.spec
            .update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(0)
    });
    h.settle();
    let s = h.set().status;
    assert_eq!(
        (s.current_revision.as_deref(), s.current_replicas),
        (Some(H2), 3)
    );
}

// SC-31
#[test]
fn rolling_back_renumbers_the_old_revision_instead_of_creating_one() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    let original = h.set().spec.template.clone();
    h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
    h.settle();
    h.update_set(|s| s.spec.template = original);
    h.drain();
    let s = h.set().status;
    assert_eq!(
        (s.update_revision.as_deref(), s.current_revision.as_deref()),
        (Some(H1), Some(H2))
    );
    h.settle();
    let mut revisions: Vec<(String, i64)> = h
        .sim
        .store()
        .list_in::<ControllerRevision>(NS)
        .map(|r| (r.metadata.name.clone(), r.revision))
        .collect();
    revisions.sort_by_key(|r| r.1);
    assert_eq!(revisions, [(H2.to_string(), 2), (H1.to_string(), 3)]);
    assert_eq!(h.set().status.current_revision.as_deref(), Some(H1));
}

// SC-33
#[test]
fn a_stuck_rollout_needs_a_manual_delete_after_the_revert() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    let original = h.set().spec.template.clone();
    h.hold_pending.insert("web-2".into()); // the broken image never starts
    h.update_set(|s| {
        s.spec.template.spec.containers[0].image =
            "registry.k8s.io/nginx-slim:does-not-exist".into()
    });
    h.run_for(60);
    let s = h.set().status;
    assert_eq!(
        (s.current_replicas, s.updated_replicas, s.ready_replicas),
        (2, 1, 2)
    );
    h.update_set(|s| s.spec.template = original);
    h.run_for(60);
    assert_eq!(
        h.pod("web-2").unwrap().status.phase,
        PodPhase::Pending,
        "the broken pod is never replaced"
    );
    let text = h.why_text();
    assert!(
        text.contains("pod/web-2: web-2 is not Running and Ready and not at the update revision"),
        "{text}"
    );
    h.hold_pending.clear();
    h.delete_pod("web-2");
    h.settle();
    assert_eq!(revision_of(&h, "web-2"), H1);
    let s = h.set().status;
    assert_eq!(
        (
            s.ready_replicas,
            s.updated_replicas,
            s.current_revision.as_deref()
        ),
        (3, 3, Some(H1))
    );
}

// OnDelete (ERRATA: currentRevision never advances)
#[test]
fn on_delete_replaces_only_deleted_pods_and_never_advances_current_revision() {
    let mut manifest = m0(3);
    manifest["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    let mut h = Harness::with_set(manifest);
    h.settle();
    h.events.clear();
    h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
    h.settle();
    assert!(h.events.is_empty());
    assert!(
        h.why_text()
            .contains("OnDelete: web-0, web-1, web-2 keep their revision"),
        "{}",
        h.why_text()
    );
    for n in 0..3 {
        h.delete_pod(&format!("web-{n}"));
        h.settle();
    }
    for n in 0..3 {
        assert_eq!(revision_of(&h, &format!("web-{n}")), H2);
    }
    let s = h.set().status;
    assert_eq!(s.current_revision.as_deref(), Some(H1));
    assert_eq!((s.current_replicas, s.updated_replicas), (0, 3));
}

// SC-39
#[test]
fn ordinals_start_names_pods_and_claims_from_the_start_ordinal() {
    let mut manifest = m0(3);
    manifest["spec"]["ordinals"] = json!({"start": 2});
    let mut h = Harness::with_set(manifest);
    h.settle();
    assert_eq!(h.created, ["web-2", "web-3", "web-4"]);
    assert_eq!(h.claims_created, ["www-web-2", "www-web-3", "www-web-4"]);
    assert_eq!(
        h.pod("web-4")
            .unwrap()
            .metadata
            .labels()
            .get("apps.kubernetes.io/pod-index")
            .unwrap(),
        "4"
    );
}

// SC-41
#[test]
fn min_ready_seconds_delays_the_next_ordinal() {
    let mut manifest = m0(3);
    manifest["spec"]["minReadySeconds"] = json!(10);
    let mut h = Harness::with_set(manifest);
    h.run_for(5);
    let ready_at = h.pod("web-0").unwrap().ready_since().unwrap().0;
    assert!(h.pod("web-1").is_none());
    let s = h.set().status;
    assert_eq!((s.ready_replicas, s.available_replicas), (1, 0));
    assert!(
        h.why_text()
            .contains("more for web-0 to be available (minReadySeconds)"),
        "{}",
        h.why_text()
    );
    h.settle();
    let created = h
        .pod("web-1")
        .unwrap()
        .metadata
        .creation_timestamp
        .unwrap()
        .0;
    assert!(
        created.0 >= ready_at.0 + 10_000,
        "web-1 at {created:?}, web-0 ready at {ready_at:?}"
    );
    assert!(
        created.0 <= ready_at.0 + 12_000,
        "the controller requeues itself for the moment web-0 is available"
    );
    assert_eq!(h.set().status.available_replicas, 3);
}

// Failed pods: Delete then Create (no RecreatingFailedPod event on 1.36).
#[test]
fn a_failed_pod_is_deleted_and_recreated_with_the_same_identity() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    let mut pod = h.pod("web-0").unwrap();
    pod.status.phase = PodPhase::Failed;
    h.sim.update_object(Object::Pod(pod));
    h.events.clear();
    h.settle();
    assert_eq!(h.events, [delete("web-0"), create("web-0")]);
    let pod = h.pod("web-0").unwrap();
    assert_eq!(pod.status.phase, PodPhase::Running);
    assert_eq!(
        pod.spec.volumes[0]
            .persistent_volume_claim
            .as_ref()
            .unwrap()
            .claim_name,
        "www-web-0"
    );
}

#[test]
fn a_claim_being_deleted_stops_pod_creation_with_failed_create() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    let old_claim = h.claim("www-web-1").unwrap().metadata.uid;
    let mut claim = h.claim("www-web-1").unwrap();
    claim.metadata.finalizers = vec!["kubernetes.io/pvc-protection".into()];
    h.sim.update_object(Object::PersistentVolumeClaim(claim));
    h.sim.delete_object(
        &ObjectKey::new(Kind::PersistentVolumeClaim, NS, "www-web-1"),
        None,
        Propagation::Background,
    );
    h.delete_pod("web-1");
    h.settle();
    assert!(
        h.events.contains(
            &"Create Pod web-1 in StatefulSet web failed error: pvc www-web-1 is being deleted"
                .to_string()
        ),
        "{:?}",
        h.events
    );
    // Once the protected claim is released, the controller's retry creates a fresh claim and the pod.
    let fresh = h.claim("www-web-1").expect("claim recreated");
    assert_ne!(fresh.metadata.uid, old_claim);
    assert!(h.pod("web-1").is_some());
    assert!(
        h.events.ends_with(&[claim_event(1), create("web-1")]),
        "{:?}",
        h.events
    );
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let run = || {
        let mut h = Harness::with_set(m0(3));
        h.settle();
        h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
        h.settle();
        (
            h.events.clone(),
            h.sim
                .store()
                .list_in::<Pod>(NS)
                .map(|p| p.metadata.uid.clone())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(run(), run());
}

// User input must not make the simulator allocate without bound.
#[test]
fn an_absurd_replica_count_is_refused_with_a_reason() {
    let mut h = Harness::with_set(m0(2_000_000_000));
    h.run_for(3);
    assert!(h.pod_names().is_empty());
    assert!(
        h.why_text().contains("more than this playground simulates"),
        "{}",
        h.why_text()
    );
}

// ERRATA: with whenScaled: Delete, a scale-up that comes back while the old pod's claim still
// exists waits for the garbage collector; the blocked reason says so. (On a real cluster the wait
// can turn into a stall until another sync; here the set's own status write resyncs it.)
#[test]
fn a_stale_claim_blocks_the_pod_until_the_garbage_collector_deleted_it() {
    let mut manifest = m0(3);
    manifest["spec"]["persistentVolumeClaimRetentionPolicy"] =
        json!({"whenDeleted": "Retain", "whenScaled": "Delete"});
    let mut h = Harness::with_set(manifest);
    h.settle();
    let old_claim = h.claim("www-web-2").unwrap().metadata.uid;
    h.hold_terminating.insert("web-2".into());
    h.update_set(|s| s.spec.replicas = Some(2));
    h.run_for(3);
    h.update_set(|s| s.spec.replicas = Some(3));
    h.run_for(3);
    h.events.clear();
    h.hold_terminating.clear();
    h.sim.remove_object(&ObjectKey::new(Kind::Pod, NS, "web-2"));
    h.sim.step();
    assert!(
        h.pod("web-2").is_none(),
        "not created while the claim belongs to the old pod"
    );
    assert!(
        h.why_text()
            .contains("claim www-web-2 still belongs to an earlier pod"),
        "{}",
        h.why_text()
    );
    h.settle();
    assert_eq!(h.events, [claim_event(2), create("web-2")]);
    assert_ne!(
        h.claim("www-web-2").unwrap().metadata.uid,
        old_claim,
        "a fresh, empty claim"
    );
}

// Identity repair (ERRATA: `Update Pod web-1 in StatefulSet web successful`); the pod-index label
// is not part of the identity check, so removing only it is not repaired.
#[test]
fn a_removed_pod_name_label_is_put_back_but_not_a_removed_index_label() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    let mut pod = h.pod("web-1").unwrap();
    pod.metadata
        .labels_mut()
        .remove("apps.kubernetes.io/pod-index");
    h.sim.update_object(Object::Pod(pod));
    h.events.clear();
    h.settle();
    assert!(h.events.is_empty(), "{:?}", h.events);
    assert!(!h
        .pod("web-1")
        .unwrap()
        .metadata
        .labels()
        .contains_key("apps.kubernetes.io/pod-index"));
    let mut pod = h.pod("web-1").unwrap();
    pod.metadata
        .labels_mut()
        .remove("statefulset.kubernetes.io/pod-name");
    h.sim.update_object(Object::Pod(pod));
    h.settle();
    assert_eq!(h.events, ["Update Pod web-1 in StatefulSet web successful"]);
    let labels = h.pod("web-1").unwrap().metadata.labels().clone();
    assert_eq!(
        labels
            .get("statefulset.kubernetes.io/pod-name")
            .map(String::as_str),
        Some("web-1")
    );
    assert_eq!(
        labels
            .get("apps.kubernetes.io/pod-index")
            .map(String::as_str),
        Some("1"),
        "updateIdentity writes both"
    );
}

// A pod whose labels stop matching is released; its name stays taken, so the set waits.
#[test]
fn a_released_pod_keeps_its_name_and_the_set_says_why_it_waits() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    let uid = h.pod("web-1").unwrap().metadata.uid;
    let mut pod = h.pod("web-1").unwrap();
    pod.metadata
        .labels_mut()
        .insert("app".into(), "debug".into());
    h.sim.update_object(Object::Pod(pod));
    h.run_for(3);
    let pod = h.pod("web-1").unwrap();
    assert_eq!(pod.metadata.uid, uid, "the released pod is not replaced");
    assert!(
        pod.metadata.controller_ref().is_none(),
        "released: no ownerReference"
    );
    assert!(
        h.why_text()
            .contains("a pod named web-1 exists that this set does not own"),
        "{}",
        h.why_text()
    );
    // Matching labels again: the orphan's label change wakes the set, which adopts it.
    let mut pod = h.pod("web-1").unwrap();
    pod.metadata
        .labels_mut()
        .insert("app".into(), "nginx".into());
    h.sim.update_object(Object::Pod(pod));
    h.settle();
    let pod = h.pod("web-1").unwrap();
    assert_eq!(pod.metadata.uid, uid);
    assert_eq!(
        pod.metadata.controller_ref().map(|r| r.name.as_str()),
        Some("web")
    );
}

// ERRATA: on 1.36 a Parallel set's rolling update also waits minReadySeconds between pods.
#[test]
fn parallel_rolling_update_waits_min_ready_seconds_between_pods() {
    let mut manifest = m0(3);
    manifest["spec"]["podManagementPolicy"] = json!("Parallel");
    manifest["spec"]["minReadySeconds"] = json!(10);
    let mut h = Harness::with_set(manifest);
    h.settle();
    h.events.clear();
    h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
    h.run_for(6);
    assert_eq!(
        h.events,
        [delete("web-2"), create("web-2")],
        "web-1 waits while web-2 is not yet available"
    );
    assert!(
        h.why_text().contains("more for web-2 to be available"),
        "{}",
        h.why_text()
    );
    let ready = h.pod("web-2").unwrap().ready_since().unwrap().0;
    h.settle();
    assert_eq!(h.events[2], delete("web-1"));
    let s = h.set().status;
    assert_eq!(
        (s.updated_replicas, s.current_revision.as_deref()),
        (3, Some(H2))
    );
    assert!(h.sim.now().0 >= ready.0 + 20_000);
}
