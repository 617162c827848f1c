//! Storage: dynamic provisioning with its events, WaitForFirstConsumer, static binding,
//! claims without a class, reclaim policies, pvc-protection, Multi-Attach; and Services'
//! endpoints and cluster DNS.

use kubeplay::engine::cluster::{add_node, NodeRequest};
use kubeplay::engine::controllers::volume::{
    attach_conflict, claim_ready_for_pod, volume_of_claim,
};
use kubeplay::engine::manifest::parse_documents;
use kubeplay::engine::model::*;
use kubeplay::engine::store::ObjectKey;
use kubeplay::Sim;

fn apply(sim: &mut Sim, yaml: &str) {
    for doc in parse_documents(yaml).expect("manifest parses") {
        let mut obj = doc.object.expect("object decodes");
        if obj.kind().info().namespaced && obj.meta().namespace.is_empty() {
            obj.meta_mut().namespace = "default".into();
        }
        sim.create_object(obj);
    }
}

fn claim(sim: &Sim, name: &str) -> PersistentVolumeClaim {
    sim.store()
        .get::<PersistentVolumeClaim>("default", name)
        .expect("claim exists")
        .clone()
}

fn pod(sim: &Sim, name: &str) -> Pod {
    sim.store()
        .get::<Pod>("default", name)
        .expect("pod exists")
        .clone()
}

fn events(sim: &Sim, kind: Kind, name: &str) -> Vec<(String, String, String)> {
    let key = ObjectKey::new(kind, "default", name);
    let mut list: Vec<&Event> = sim.events_for(&key);
    list.sort_by_key(|e| {
        (
            e.first_timestamp,
            e.metadata.resource_version.parse::<u64>().unwrap_or(0),
        )
    });
    list.iter()
        .map(|e| (e.type_.clone(), e.reason.clone(), e.message.clone()))
        .collect()
}

fn reasons(sim: &Sim, kind: Kind, name: &str) -> Vec<String> {
    events(sim, kind, name)
        .into_iter()
        .map(|(_, r, _)| r)
        .collect()
}

fn pvc(name: &str, extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n{extra}"
    )
}

fn pod_with_claim(name: &str, claim: &str, extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n{extra}  containers:\n  - name: app\n    image: nginx\n    volumeMounts: [{{name: data, mountPath: /data}}]\n  volumes:\n  - name: data\n    persistentVolumeClaim: {{claimName: {claim}}}\n"
    )
}

fn pv(name: &str, size: &str, class: Option<&str>, node: Option<&str>, reclaim: &str) -> String {
    let class = class
        .map(|c| format!("  storageClassName: {c}\n"))
        .unwrap_or_default();
    let affinity = node
        .map(|n| {
            format!("  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{{key: kubernetes.io/hostname, operator: In, values: [{n}]}}]\n")
        })
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}}}\nspec:\n  capacity: {{storage: {size}}}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: {reclaim}\n  hostPath: {{path: /mnt/{name}}}\n{class}{affinity}"
    )
}

/// The reference transcripts' three untainted nodes, without any StorageClass.
fn three_nodes() -> Sim {
    let mut sim = Sim::empty(5);
    for n in ["node-1", "node-2", "node-3"] {
        add_node(&mut sim, &NodeRequest::worker(n));
    }
    sim.settle();
    sim
}

#[test]
fn wait_for_first_consumer_provisions_on_the_pods_node_with_the_provisioner_events() {
    let mut sim = Sim::new(1);
    apply(&mut sim, &pvc("data", ""));
    sim.settle();
    let c = claim(&sim, "data");
    assert_eq!(
        c.spec.storage_class_name.as_deref(),
        Some("standard"),
        "the default class is assigned"
    );
    assert_eq!(c.phase(), "Pending");
    assert_eq!(
        c.metadata.finalizers,
        vec!["kubernetes.io/pvc-protection".to_string()]
    );
    assert_eq!(
        events(&sim, Kind::PersistentVolumeClaim, "data"),
        vec![(
            "Normal".into(),
            "WaitForFirstConsumer".into(),
            "waiting for first consumer to be created before binding".into()
        )]
    );

    apply(&mut sim, &pod_with_claim("app", "data", ""));
    sim.settle();
    let c = claim(&sim, "data");
    let p = pod(&sim, "app");
    let node = p
        .spec
        .node_name
        .clone()
        .expect("pod is bound once its volume is");
    assert_eq!(c.phase(), "Bound");
    let volume_name = format!("pvc-{}", c.metadata.uid);
    assert_eq!(c.spec.volume_name.as_deref(), Some(volume_name.as_str()));
    assert_eq!(
        c.status
            .capacity
            .as_ref()
            .and_then(|m| m.get("storage"))
            .map(|q| q.0.as_str()),
        Some("1Gi")
    );
    assert_eq!(
        c.metadata
            .annotations()
            .get("volume.kubernetes.io/selected-node"),
        Some(&node)
    );
    let v = volume_of_claim(sim.store(), "default", "data").expect("volume");
    assert_eq!(v.status.phase.as_deref(), Some("Bound"));
    assert_eq!(
        v.spec.persistent_volume_reclaim_policy.as_deref(),
        Some("Delete")
    );
    assert_eq!(
        v.metadata.finalizers,
        vec!["kubernetes.io/pv-protection".to_string()]
    );
    let affinity = v
        .spec
        .node_affinity
        .as_ref()
        .expect("local-path volumes are pinned")
        .to_string();
    assert!(affinity.contains(&node), "{affinity}");
    assert_eq!(
        reasons(&sim, Kind::PersistentVolumeClaim, "data"),
        vec![
            "WaitForFirstConsumer",
            "ExternalProvisioning",
            "Provisioning",
            "ProvisioningSucceeded"
        ]
    );
    let evs = events(&sim, Kind::PersistentVolumeClaim, "data");
    assert_eq!(evs[1].2, "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
    assert_eq!(
        evs[2].2,
        "External provisioner is provisioning volume for claim \"default/data\""
    );
    assert_eq!(
        evs[3].2,
        format!("Successfully provisioned volume {volume_name}")
    );
    assert!(reasons(&sim, Kind::Pod, "app").contains(&"Scheduled".to_string()));
    assert_eq!(claim_ready_for_pod(sim.store(), &p), Ok(()));
}

#[test]
fn immediate_classes_provision_before_any_pod() {
    let mut sim = Sim::new(2);
    apply(&mut sim, "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: ebs.csi.aws.com\nreclaimPolicy: Retain\nvolumeBindingMode: Immediate\n");
    apply(&mut sim, &pvc("fast-data", "  storageClassName: fast\n"));
    sim.settle();
    let c = claim(&sim, "fast-data");
    assert_eq!(c.phase(), "Bound");
    let v = volume_of_claim(sim.store(), "default", "fast-data").expect("volume");
    assert_eq!(
        v.spec.persistent_volume_reclaim_policy.as_deref(),
        Some("Retain")
    );
    assert!(v.spec.node_affinity.is_none());
    assert_eq!(
        reasons(&sim, Kind::PersistentVolumeClaim, "fast-data"),
        vec![
            "ExternalProvisioning",
            "Provisioning",
            "ProvisioningSucceeded"
        ]
    );
}

#[test]
fn a_claim_without_class_waits_for_a_volume_as_in_the_a0_transcript() {
    let mut sim = three_nodes();
    apply(&mut sim, &pvc("data-nosc-0", ""));
    apply(&mut sim, &pod_with_claim("nosc-0", "data-nosc-0", ""));
    sim.settle();
    assert_eq!(claim(&sim, "data-nosc-0").phase(), "Pending");
    let evs = events(&sim, Kind::PersistentVolumeClaim, "data-nosc-0");
    assert_eq!(
        evs[0],
        (
            "Normal".into(),
            "FailedBinding".into(),
            "no persistent volumes available for this claim and no storage class is set".into()
        )
    );
    let sched = events(&sim, Kind::Pod, "nosc-0");
    // transcript a0
    assert_eq!(
        sched.last().map(|e| e.2.as_str()),
        Some(
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found"
        )
    );
    assert_eq!(
        claim_ready_for_pod(sim.store(), &pod(&sim, "nosc-0")),
        Err("error processing PVC default/data-nosc-0: PVC is not bound".into())
    );

    // A matching class-less volume: the claim binds and the pod schedules.
    apply(&mut sim, &pv("pv-nosc-0", "1Gi", None, None, "Retain"));
    sim.settle();
    let c = claim(&sim, "data-nosc-0");
    assert_eq!(c.phase(), "Bound");
    assert_eq!(c.spec.volume_name.as_deref(), Some("pv-nosc-0"));
    assert!(pod(&sim, "nosc-0").spec.node_name.is_some());
}

#[test]
fn a_missing_claim_or_class_is_reported() {
    let mut sim = three_nodes();
    apply(&mut sim, &pod_with_claim("web-0", "www-web-0", ""));
    apply(&mut sim, &pvc("odd", "  storageClassName: fast\n"));
    sim.settle();
    // transcript SC-25
    assert_eq!(
        events(&sim, Kind::Pod, "web-0").last().map(|e| e.2.clone()),
        Some(
            "0/3 nodes are available: persistentvolumeclaim \"www-web-0\" not found. not found"
                .into()
        )
    );
    assert_eq!(
        events(&sim, Kind::PersistentVolumeClaim, "odd")
            .last()
            .cloned(),
        Some((
            "Warning".into(),
            "ProvisioningFailed".into(),
            "storageclass.storage.k8s.io \"fast\" not found".into()
        ))
    );
}

#[test]
fn static_local_volumes_bind_to_the_smallest_fit_on_their_node() {
    let mut sim = three_nodes();
    apply(&mut sim, "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-wffc}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n");
    apply(
        &mut sim,
        &pvc("www-web-0", "  storageClassName: local-wffc\n"),
    );
    apply(&mut sim, &pod_with_claim("web-0", "www-web-0", ""));
    sim.settle();
    // transcript a-sts-create-orderedready
    assert_eq!(
        events(&sim, Kind::Pod, "web-0").last().map(|e| e.2.clone()),
        Some("0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.".into())
    );
    assert_eq!(
        reasons(&sim, Kind::PersistentVolumeClaim, "www-web-0")[0],
        "WaitForFirstConsumer"
    );
    // Later syncs (after the 15 s resync period) name the waiting pod.
    sim.advance_by(kubeplay::engine::time::SimDuration::from_secs(20));
    apply(
        &mut sim,
        &pv("pv-elsewhere", "1Gi", Some("other"), None, "Retain"),
    );
    sim.settle();
    assert_eq!(
        events(&sim, Kind::PersistentVolumeClaim, "www-web-0")
            .last()
            .cloned(),
        Some((
            "Normal".into(),
            "WaitForPodScheduled".into(),
            "waiting for pod web-0 to be scheduled".into()
        ))
    );

    // A volume on node-3 appears: the claim binds to it and the pod follows it there.
    apply(
        &mut sim,
        &pv(
            "pv-node-3",
            "1Gi",
            Some("local-wffc"),
            Some("node-3"),
            "Retain",
        ),
    );
    sim.settle();
    assert_eq!(
        claim(&sim, "www-web-0").spec.volume_name.as_deref(),
        Some("pv-node-3")
    );
    assert_eq!(pod(&sim, "web-0").spec.node_name.as_deref(), Some("node-3"));
}

#[test]
fn the_smallest_fitting_volume_is_chosen() {
    let mut sim = three_nodes();
    apply(&mut sim, "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-wffc}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n");
    // On node-2 the smaller of two fitting volumes wins; node-1's is too small.
    let volumes = [
        pv(
            "pv-big",
            "5Gi",
            Some("local-wffc"),
            Some("node-2"),
            "Retain",
        ),
        pv(
            "pv-small",
            "1Gi",
            Some("local-wffc"),
            Some("node-2"),
            "Retain",
        ),
        pv(
            "pv-tiny",
            "500Mi",
            Some("local-wffc"),
            Some("node-1"),
            "Retain",
        ),
    ];
    apply(&mut sim, &volumes.join("---\n"));
    sim.settle();
    apply(
        &mut sim,
        &pvc("www-web-0", "  storageClassName: local-wffc\n"),
    );
    apply(&mut sim, &pod_with_claim("web-0", "www-web-0", ""));
    sim.settle();
    let c = claim(&sim, "www-web-0");
    assert_eq!(c.spec.volume_name.as_deref(), Some("pv-small"));
    assert_eq!(pod(&sim, "web-0").spec.node_name.as_deref(), Some("node-2"));
    let v = sim.store().get::<PersistentVolume>("", "pv-small").unwrap();
    assert_eq!(v.status.phase.as_deref(), Some("Bound"));
    assert_eq!(
        v.metadata
            .annotations()
            .get("pv.kubernetes.io/bound-by-controller")
            .map(String::as_str),
        Some("yes")
    );
    assert_eq!(
        sim.store()
            .get::<PersistentVolume>("", "pv-big")
            .unwrap()
            .status
            .phase
            .as_deref(),
        Some("Available")
    );
}

#[test]
fn deleting_a_claim_waits_for_its_pod_then_reclaims_the_volume() {
    let mut sim = Sim::new(3);
    apply(&mut sim, &pvc("data", ""));
    apply(&mut sim, &pod_with_claim("app", "data", ""));
    sim.settle();
    let volume = claim(&sim, "data").spec.volume_name.clone().expect("bound");
    sim.delete_object(
        &ObjectKey::new(Kind::PersistentVolumeClaim, "default", "data"),
        None,
        Default::default(),
    );
    sim.settle();
    let c = claim(&sim, "data");
    assert!(
        c.metadata.deletion_timestamp.is_some(),
        "pvc-protection keeps a claim in use"
    );
    let p = pod(&sim, "app");
    assert_eq!(
        claim_ready_for_pod(sim.store(), &p),
        Err("error processing PVC default/data: PVC is being deleted".into())
    );

    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", "app"),
        Some(0),
        Default::default(),
    );
    sim.settle();
    assert!(sim
        .store()
        .get::<PersistentVolumeClaim>("default", "data")
        .is_none());
    assert!(
        sim.store().get::<PersistentVolume>("", &volume).is_none(),
        "reclaimPolicy Delete removes the volume"
    );
}

#[test]
fn retained_volumes_are_released_not_deleted() {
    let mut sim = three_nodes();
    apply(&mut sim, &pv("keep", "1Gi", None, None, "Retain"));
    apply(&mut sim, &pv("hand-made", "2Gi", None, None, "Delete"));
    apply(&mut sim, &pvc("a", "  storageClassName: \"\"\n"));
    sim.settle();
    assert_eq!(claim(&sim, "a").spec.volume_name.as_deref(), Some("keep"));
    apply(&mut sim, "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: b}\nspec:\n  storageClassName: \"\"\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 2Gi}}\n");
    sim.settle();
    assert_eq!(
        claim(&sim, "b").spec.volume_name.as_deref(),
        Some("hand-made")
    );
    for c in ["a", "b"] {
        sim.delete_object(
            &ObjectKey::new(Kind::PersistentVolumeClaim, "default", c),
            None,
            Default::default(),
        );
    }
    sim.settle();
    let keep = sim
        .store()
        .get::<PersistentVolume>("", "keep")
        .expect("Retain keeps the volume");
    assert_eq!(keep.status.phase.as_deref(), Some("Released"));
    assert_eq!(
        keep.spec.claim_ref.as_ref().map(|r| r.name.as_str()),
        Some("a")
    );
    // No plugin can delete a hand-made hostPath volume.
    let hand = sim
        .store()
        .get::<PersistentVolume>("", "hand-made")
        .expect("volume stays");
    assert_eq!(hand.status.phase.as_deref(), Some("Failed"));
    // A released volume does not bind to a new claim.
    apply(&mut sim, &pvc("a", "  storageClassName: \"\"\n"));
    sim.settle();
    assert_eq!(claim(&sim, "a").phase(), "Pending");
}

#[test]
fn a_second_node_cannot_attach_a_read_write_once_volume() {
    let mut sim = Sim::new(4);
    apply(&mut sim, "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: ebs}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: Immediate\n");
    apply(&mut sim, &pvc("shared", "  storageClassName: ebs\n"));
    sim.settle();
    apply(
        &mut sim,
        &pod_with_claim(
            "first",
            "shared",
            "  nodeSelector: {kubernetes.io/hostname: kind-worker}\n",
        ),
    );
    sim.settle();
    apply(
        &mut sim,
        &pod_with_claim(
            "second",
            "shared",
            "  nodeSelector: {kubernetes.io/hostname: kind-worker2}\n",
        ),
    );
    apply(
        &mut sim,
        &pod_with_claim(
            "neighbour",
            "shared",
            "  nodeSelector: {kubernetes.io/hostname: kind-worker}\n",
        ),
    );
    sim.settle();
    let volume = claim(&sim, "shared")
        .spec
        .volume_name
        .clone()
        .expect("bound");
    assert_eq!(
        attach_conflict(sim.store(), &pod(&sim, "second")),
        Some(format!("Multi-Attach error for volume \"{volume}\" Volume is already used by pod(s) first, neighbour"))
    );
    assert_eq!(attach_conflict(sim.store(), &pod(&sim, "first")), None);
    assert_eq!(
        attach_conflict(sim.store(), &pod(&sim, "neighbour")),
        None,
        "same node shares the attachment"
    );
    // The attach/detach controller reports it once on the stuck pod.
    let key = ObjectKey::new(Kind::Pod, "default", "second");
    let reports: Vec<(i32, String, String)> = sim
        .events_for(&key)
        .iter()
        .filter(|e| e.reason == "FailedAttachVolume")
        .map(|e| (e.count, e.type_.clone(), e.source.component.clone()))
        .collect();
    assert_eq!(
        reports,
        vec![(
            1,
            "Warning".to_string(),
            "attachdetach-controller".to_string()
        )]
    );
    // Once the pods on the first node are gone, the volume can move.
    for p in ["first", "neighbour"] {
        sim.delete_object(
            &ObjectKey::new(Kind::Pod, "default", p),
            Some(0),
            Default::default(),
        );
    }
    sim.settle();
    assert_eq!(attach_conflict(sim.store(), &pod(&sim, "second")), None);
}

// ---- Services: endpoints and DNS ----

use kubeplay::engine::dns::resolve;

/// A pod no scheduler or kubelet touches, with the IP and readiness we give it.
fn serving_pod(sim: &mut Sim, name: &str, labels: &str, ip: &str, ready: bool, extra: &str) {
    apply(
        sim,
        &format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nspec:\n  schedulerName: manual\n{extra}  containers:\n  - name: app\n    image: nginx\n    ports: [{{name: http, containerPort: 8080}}]\n"
        ),
    );
    let mut p = pod(sim, name);
    p.status.pod_ip = Some(ip.into());
    p.status.phase = PodPhase::Running;
    p.status.conditions.push(PodCondition {
        status: if ready { "True" } else { "False" }.into(),
        type_: "Ready".into(),
        ..Default::default()
    });
    sim.update_object(Object::Pod(p));
}

fn set_ready(sim: &mut Sim, name: &str, ready: bool) {
    let mut p = pod(sim, name);
    for c in p
        .status
        .conditions
        .iter_mut()
        .filter(|c| c.type_ == "Ready")
    {
        c.status = if ready { "True" } else { "False" }.into();
    }
    sim.update_object(Object::Pod(p));
}

fn endpoints(sim: &Sim, name: &str) -> Option<Endpoints> {
    sim.store().get::<Endpoints>("default", name).cloned()
}

fn ips(list: &[EndpointAddress]) -> Vec<&str> {
    list.iter().map(|a| a.ip.as_str()).collect()
}

#[test]
fn endpoints_list_ready_and_not_ready_pods_with_their_target_ports() {
    let mut sim = Sim::new(6);
    serving_pod(&mut sim, "web-b", "app: web", "10.244.2.7", false, "");
    serving_pod(&mut sim, "web-a", "app: web", "10.244.1.5", true, "");
    serving_pod(&mut sim, "db", "app: db", "10.244.3.9", true, "");
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata: {name: web, labels: {tier: front}}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]\n");
    sim.settle();
    let ep = endpoints(&sim, "web").expect("endpoints named like the service");
    assert_eq!(
        ep.metadata.labels().get("tier").map(String::as_str),
        Some("front")
    );
    assert_eq!(ep.subsets.len(), 1);
    let s = &ep.subsets[0];
    assert_eq!(ips(&s.addresses), vec!["10.244.1.5"]);
    assert_eq!(ips(&s.not_ready_addresses), vec!["10.244.2.7"]);
    assert_eq!(
        s.ports,
        vec![EndpointPort {
            name: Some("http".into()),
            port: 8080,
            protocol: Some("TCP".into())
        }]
    );
    let target = s.addresses[0].target_ref.as_ref().expect("targetRef");
    assert_eq!(target["kind"], "Pod");
    assert_eq!(target["name"], "web-a");

    // Readiness moves addresses; deleting the Service deletes its Endpoints.
    set_ready(&mut sim, "web-b", true);
    sim.settle();
    let ep = endpoints(&sim, "web").unwrap();
    assert_eq!(
        ips(&ep.subsets[0].addresses),
        vec!["10.244.1.5", "10.244.2.7"]
    );
    assert!(ep.subsets[0].not_ready_addresses.is_empty());
    sim.delete_object(
        &ObjectKey::new(Kind::Service, "default", "web"),
        None,
        Default::default(),
    );
    sim.settle();
    assert!(endpoints(&sim, "web").is_none());
}

#[test]
fn headless_services_give_hostnames_and_dns_names_to_their_pods() {
    let mut sim = Sim::new(8);
    for (i, ip) in ["10.244.1.10", "10.244.2.10"].iter().enumerate() {
        serving_pod(
            &mut sim,
            &format!("web-{i}"),
            "app: nginx",
            ip,
            true,
            &format!("  hostname: web-{i}\n  subdomain: nginx\n"),
        );
    }
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata: {name: nginx}\nspec:\n  clusterIP: None\n  selector: {app: nginx}\n  ports: [{name: web, port: 80}]\n");
    sim.settle();
    let ep = endpoints(&sim, "nginx").unwrap();
    assert_eq!(
        ep.metadata
            .labels()
            .get("service.kubernetes.io/headless")
            .map(String::as_str),
        Some("")
    );
    let hostnames: Vec<Option<&str>> = ep.subsets[0]
        .addresses
        .iter()
        .map(|a| a.hostname.as_deref())
        .collect();
    assert_eq!(hostnames, vec![Some("web-0"), Some("web-1")]);
    assert_eq!(
        ep.subsets[0].ports[0].port, 80,
        "an unset targetPort is the service port"
    );

    let store = sim.store();
    assert_eq!(
        resolve(store, "default", "nginx"),
        Ok(vec!["10.244.1.10".into(), "10.244.2.10".into()])
    );
    assert_eq!(
        resolve(store, "default", "web-0.nginx"),
        Ok(vec!["10.244.1.10".into()])
    );
    assert_eq!(
        resolve(
            store,
            "kube-system",
            "web-1.nginx.default.svc.cluster.local"
        ),
        Ok(vec!["10.244.2.10".into()])
    );
    assert_eq!(
        resolve(store, "kube-system", "web-1.nginx"),
        Err("server can't find web-1.nginx: NXDOMAIN".into())
    );

    // An unready pod leaves DNS, unless the service publishes not-ready addresses.
    set_ready(&mut sim, "web-0", false);
    sim.settle();
    assert!(resolve(sim.store(), "default", "web-0.nginx").is_err());
    assert_eq!(
        resolve(sim.store(), "default", "nginx"),
        Ok(vec!["10.244.2.10".into()])
    );
    let mut svc = sim
        .store()
        .get::<Service>("default", "nginx")
        .unwrap()
        .clone();
    svc.spec.publish_not_ready_addresses = Some(true);
    sim.update_object(Object::Service(svc));
    sim.settle();
    assert_eq!(
        resolve(sim.store(), "default", "web-0.nginx"),
        Ok(vec!["10.244.1.10".into()])
    );
}

#[test]
fn service_names_resolve_through_the_search_path() {
    let mut sim = Sim::new(9);
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n  ports: [{port: 80}]\n");
    sim.settle();
    let ip = sim
        .store()
        .get::<Service>("default", "api")
        .unwrap()
        .spec
        .cluster_ip
        .clone()
        .unwrap();
    let store = sim.store();
    for name in [
        "api",
        "api.default",
        "api.default.svc",
        "api.default.svc.cluster.local",
        "api.default.svc.cluster.local.",
    ] {
        assert_eq!(
            resolve(store, "default", name),
            Ok(vec![ip.clone()]),
            "{name}"
        );
    }
    assert_eq!(
        resolve(store, "default", "kubernetes"),
        Ok(vec!["10.96.0.1".into()])
    );
    assert!(
        resolve(store, "kube-system", "api").is_err(),
        "short names only search the pod's namespace"
    );
    assert_eq!(
        resolve(store, "default", "10-244-1-7.default.pod"),
        Ok(vec!["10.244.1.7".into()])
    );
    assert_eq!(
        resolve(store, "default", "example.com"),
        Err("server can't find example.com: NXDOMAIN".into())
    );
    // The kubernetes Service's endpoints are the API server on the control-plane node.
    let ep = sim
        .store()
        .get::<Endpoints>("default", "kubernetes")
        .expect("apiserver endpoints");
    assert_eq!(ep.subsets[0].ports[0].port, 6443);
    assert_eq!(ips(&ep.subsets[0].addresses).len(), 1);
}

#[test]
fn lookups_report_the_name_that_answered_and_external_name_aliases() {
    use kubeplay::engine::dns::lookup;
    let mut sim = Sim::new(10);
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  type: ExternalName\n  externalName: db.example.com\n");
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata: {name: alias}\nspec:\n  type: ExternalName\n  externalName: kubernetes.default.svc.cluster.local\n");
    sim.settle();
    let store = sim.store();
    let a = lookup(store, "default", "kubernetes.default").expect("answer");
    assert_eq!(a.fqdn, "kubernetes.default.svc.cluster.local");
    assert_eq!(a.ips, vec!["10.96.0.1".to_string()]);
    let db = lookup(store, "default", "db").expect("alias answer");
    assert_eq!(db.cname.as_deref(), Some("db.example.com"));
    assert!(
        db.ips.is_empty(),
        "no upstream resolver in the simulated cluster"
    );
    assert_eq!(
        resolve(store, "default", "db"),
        Err("server can't find db.example.com: NXDOMAIN".into())
    );
    assert_eq!(
        resolve(store, "default", "alias"),
        Ok(vec!["10.96.0.1".into()])
    );
}
