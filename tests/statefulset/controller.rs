//! Creation, scaling, failures and identity: the controller alone, with the stand-in kubelet.

use super::harness::*;
use kubeplay::engine::model::ControllerRevision;
use serde_json::json;

// SC-01
#[test]
fn ordered_ready_creates_claim_then_pod_one_ordinal_at_a_time() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    assert_eq!(
        h.events,
        vec![
            claim_event(0),
            create("web-0"),
            claim_event(1),
            create("web-1"),
            claim_event(2),
            create("web-2")
        ]
    );
    assert_eq!(h.created, ["web-0", "web-1", "web-2"]);
    assert_eq!(
        h.max_unready, 1,
        "OrderedReady never has two unready pods while creating"
    );
    let s = h.set().status;
    assert_eq!(
        (s.replicas, s.ready_replicas, s.available_replicas),
        (3, 3, 3)
    );
    assert_eq!((s.current_replicas, s.updated_replicas), (3, 3));
    assert_eq!(s.current_revision.as_deref(), Some(H1));
    assert_eq!(s.update_revision.as_deref(), Some(H1));
    assert_eq!(
        (s.observed_generation, s.collision_count),
        (Some(1), Some(0))
    );

    let pod = h.pod("web-1").unwrap();
    let labels = pod.metadata.labels();
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
        Some("1")
    );
    assert_eq!(
        labels.get("controller-revision-hash").map(String::as_str),
        Some(H1)
    );
    assert_eq!(pod.spec.hostname.as_deref(), Some("web-1"));
    assert_eq!(pod.spec.subdomain.as_deref(), Some("nginx"));
    let claim = pod
        .spec
        .volumes
        .iter()
        .find(|v| v.name == "www")
        .and_then(|v| v.persistent_volume_claim.clone());
    assert_eq!(claim.map(|c| c.claim_name).as_deref(), Some("www-web-1"));
    let owner = pod.metadata.controller_ref().unwrap();
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("StatefulSet", "web")
    );

    let pvc = h.claim("www-web-1").unwrap();
    assert_eq!(
        pvc.metadata.labels().get("app").map(String::as_str),
        Some("nginx")
    );
    assert!(
        pvc.metadata.owner_references.is_empty(),
        "Retain/Retain puts no ownerReferences on claims"
    );

    let revisions: Vec<ControllerRevision> = h
        .sim
        .store()
        .list_in::<ControllerRevision>(NS)
        .cloned()
        .collect();
    assert_eq!(revisions.len(), 1);
    assert_eq!(
        (revisions[0].metadata.name.as_str(), revisions[0].revision),
        (H1, 1)
    );
    assert!(
        h.whys().is_empty(),
        "nothing waits once settled: {}",
        h.why_text()
    );
}

// SC-03
#[test]
fn a_pending_pod_stops_ordered_creation_and_why_names_it() {
    let mut h = Harness::with_set(m0(3));
    h.hold_pending.insert("web-1".into());
    h.run_for(30);
    assert_eq!(h.pod_names(), ["web-0", "web-1"]);
    assert!(h.claim("www-web-2").is_none());
    let s = h.set().status;
    assert_eq!((s.replicas, s.ready_replicas), (2, 1));
    let text = h.why_text();
    assert!(
        text.contains("pod/web-2: waiting for web-1 to be Running and Ready (OrderedReady)"),
        "{text}"
    );
    h.hold_pending.clear();
    h.settle();
    assert_eq!(h.pod_names(), ["web-0", "web-1", "web-2"]);
}

// Pods are created even when the Service does not exist; serviceName only sets the subdomain.
#[test]
fn pods_are_created_without_the_headless_service() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    assert!(h
        .sim
        .store()
        .list_in::<kubeplay::engine::model::Service>(NS)
        .next()
        .is_none());
    assert_eq!(h.set().status.ready_replicas, 2);
}

// SC-05
#[test]
fn parallel_creates_and_deletes_without_waiting() {
    let mut manifest = m0(1);
    manifest["spec"]["podManagementPolicy"] = json!("Parallel");
    let mut h = Harness::with_set(manifest);
    h.settle();
    h.unready.insert("web-0".into());
    h.run_for(2);
    h.update_set(|s| s.spec.replicas = Some(3));
    h.drain();
    assert_eq!(
        h.pod_names(),
        ["web-0", "web-1", "web-2"],
        "all created in one sync although web-0 is unready"
    );
    h.unready.extend(["web-1".to_string(), "web-2".to_string()]);
    h.run_for(3);
    h.events.clear();
    h.update_set(|s| s.spec.replicas = Some(0));
    h.drain();
    assert_eq!(
        h.events,
        [delete("web-2"), delete("web-1"), delete("web-0")],
        "one sync deletes them all"
    );
    h.settle();
    assert!(h.pod_names().is_empty());
    assert!(
        h.claim("www-web-2").is_some() && h.claim("www-web-0").is_some(),
        "Retain keeps claims"
    );
}

// SC-07
#[test]
fn a_missing_predecessor_is_recreated_while_a_successor_is_unready() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    h.unready.insert("web-1".into());
    h.run_for(2);
    let old_uid = h.pod("web-0").unwrap().metadata.uid;
    h.events.clear();
    h.delete_pod("web-0");
    h.run_for(3);
    assert_eq!(h.events, [create("web-0")]);
    let new = h.pod("web-0").unwrap();
    assert_ne!(new.metadata.uid, old_uid);
    assert_eq!(
        new.spec.volumes[0]
            .persistent_volume_claim
            .as_ref()
            .unwrap()
            .claim_name,
        "www-web-0"
    );
}

// SC-09 and the ERRATA on status while a pod terminates
#[test]
fn a_terminating_pod_blocks_scale_up_until_it_is_gone() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    h.hold_terminating.insert("web-0".into());
    h.delete_pod("web-0");
    h.update_set(|s| s.spec.replicas = Some(5));
    h.run_for(20);
    assert_eq!(
        h.pod_names(),
        ["web-0", "web-1", "web-2"],
        "no web-3 while web-0 terminates"
    );
    assert!(h.claim("www-web-3").is_none());
    let s = h.set().status;
    assert_eq!(
        (
            s.replicas,
            s.ready_replicas,
            s.current_replicas,
            s.updated_replicas
        ),
        (3, 3, 2, 2)
    );
    assert!(
        h.why_text()
            .contains("pod/web-0: waiting for web-0 to finish terminating"),
        "{}",
        h.why_text()
    );
    h.events.clear();
    h.hold_terminating.clear();
    h.settle();
    // The tenth similar event is written "combined", exactly as in SC-09.watch.txt.events.
    assert_eq!(
        h.events,
        [
            create("web-0"),
            claim_event(3),
            create("web-3"),
            claim_event(4),
            combined(&create("web-4"))
        ]
    );
}

// SC-11
#[test]
fn scale_down_waits_for_every_remaining_pod_to_be_healthy() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    h.unready.insert("web-0".into());
    h.run_for(2);
    h.events.clear();
    h.update_set(|s| s.spec.replicas = Some(1));
    h.run_for(30);
    assert!(
        h.events.is_empty(),
        "no deletion while web-0 is unready: {:?}",
        h.events
    );
    assert_eq!(h.set().status.replicas, 3);
    assert!(
        h.why_text()
            .contains("pod/web-2: waiting for web-0 to be Running and Ready"),
        "{}",
        h.why_text()
    );
    h.unready.clear();
    h.settle();
    assert_eq!(h.events, [delete("web-2"), delete("web-1")]);
    assert_eq!(h.pod_names(), ["web-0"]);
}

// SC-13
#[test]
fn of_two_unhealthy_condemned_pods_only_the_first_unhealthy_may_go() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    h.unready.extend(["web-1".to_string(), "web-2".to_string()]);
    h.run_for(2);
    h.events.clear();
    h.update_set(|s| s.spec.replicas = Some(1));
    h.run_for(20);
    assert!(h.events.is_empty(), "{:?}", h.events);
    assert!(
        h.why_text()
            .contains("pod/web-2: waiting for web-1 to be Running and Ready"),
        "{}",
        h.why_text()
    );
    h.unready.remove("web-1");
    h.settle_keeping_unready();
    assert_eq!(h.events, [delete("web-2"), delete("web-1")]);
}
