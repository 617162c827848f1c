//! describe for nodes (describe.go `describeNode`): conditions, addresses, capacity, system
//! info, non-terminated pods and allocated resources.

use super::{annotations, labels, ts, W};
use crate::engine::model::*;
use crate::engine::Sim;
use crate::kubectl::allocated::{allocated, cpu_text as cpu, memory_text as mem, percent as pct};
use crate::kubectl::duration::age;

pub fn node(w: &mut W, sim: &Sim, n: &Node) {
    let m = &n.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    let roles = n.roles();
    w.line(
        0,
        &format!(
            "Roles:\t{}",
            if roles.is_empty() {
                "<none>".into()
            } else {
                roles.join(",")
            }
        ),
    );
    labels(w, 0, "Labels", m.labels.as_ref());
    annotations(w, 0, "Annotations", m.annotations.as_ref());
    w.line(
        0,
        &format!("CreationTimestamp:\t{}", ts(m.creation_timestamp)),
    );
    if n.spec.taints.is_empty() {
        w.line(0, "Taints:\t<none>");
    } else {
        for (i, t) in n.spec.taints.iter().enumerate() {
            let h = if i == 0 { "Taints:" } else { "" };
            w.line(0, &format!("{h}\t{}", t.display()));
        }
    }
    w.line(0, &format!("Unschedulable:\t{}", n.is_unschedulable()));
    w.line(0, "Lease:");
    w.line(1, &format!("HolderIdentity:\t{}", m.name));
    w.line(1, "AcquireTime:\t<unset>");
    let renew = n.condition("Ready").and_then(|c| c.last_heartbeat_time);
    w.line(1, &format!("RenewTime:\t{}", ts(renew)));
    w.line(0, "Conditions:");
    w.line(
        1,
        "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage",
    );
    w.line(
        1,
        "----\t------\t-----------------\t------------------\t------\t-------",
    );
    for c in &n.status.conditions {
        w.line(
            1,
            &format!(
                "{} \t{} \t{} \t{} \t{} \t{}",
                c.type_,
                c.status,
                ts(c.last_heartbeat_time),
                ts(c.last_transition_time),
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default()
            ),
        );
    }
    w.line(0, "Addresses:");
    for a in &n.status.addresses {
        w.line(1, &format!("{}:\t{}", a.type_, a.address));
    }
    for (title, map) in [
        ("Capacity", &n.status.capacity),
        ("Allocatable", &n.status.allocatable),
    ] {
        w.line(0, &format!("{title}:"));
        for (k, q) in map {
            w.line(1, &format!("{k}:\t{}", q.0));
        }
    }
    if let Some(i) = &n.status.node_info {
        w.line(0, "System Info:");
        for (k, v) in [
            ("Machine ID", &i.machine_id),
            ("System UUID", &i.system_uuid),
            ("Boot ID", &i.boot_id),
            ("Kernel Version", &i.kernel_version),
            ("OS Image", &i.os_image),
            ("Operating System", &i.operating_system),
            ("Architecture", &i.architecture),
            ("Container Runtime Version", &i.container_runtime_version),
            ("Kubelet Version", &i.kubelet_version),
            ("Kube-Proxy Version", &i.kube_proxy_version),
        ] {
            w.line(1, &format!("{k}:\t{v}"));
        }
    }
    if let Some(c) = &n.spec.pod_cidr {
        w.line(0, &format!("PodCIDR:\t{c}"));
    }
    if let Some(c) = &n.spec.pod_cidrs {
        w.line(0, &format!("PodCIDRs:\t{}", c.join(",")));
    }
    if let Some(p) = &n.spec.provider_id {
        w.line(0, &format!("ProviderID:\t{p}"));
    }
    // The same figures the playground's usage bars show (kubectl::allocated).
    let alloc = allocated(sim, n);
    let (acpu, amem) = (alloc.allocatable_cpu, alloc.allocatable_memory);
    w.line(
        0,
        &format!("Non-terminated Pods:\t({} in total)", alloc.pods.len()),
    );
    w.line(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge",
    );
    w.line(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---",
    );
    let now = sim.now();
    // `100m (5%)`: an amount and its share of the node's allocatable.
    let cpu_share = |m: i128| format!("{} ({}%)", cpu(m), pct(m, acpu));
    let mem_share = |m: i128| format!("{} ({}%)", mem(m), pct(m, amem));
    for a in &alloc.pods {
        let p = a.pod;
        w.line(
            1,
            &format!(
                "{}\t{}\t\t{}\t{}\t{}\t{}\t{}",
                p.metadata.namespace,
                p.metadata.name,
                cpu_share(a.cpu_requests),
                cpu_share(a.cpu_limits),
                mem_share(a.memory_requests),
                mem_share(a.memory_limits),
                age(p.metadata.creation_timestamp, now)
            ),
        );
    }
    w.line(0, "Allocated resources:");
    w.line(
        1,
        "(Total limits may be over 100 percent, i.e., overcommitted.)",
    );
    w.line(1, "Resource\tRequests\tLimits");
    w.line(1, "--------\t--------\t------");
    w.line(
        1,
        &format!(
            "cpu\t{}\t{}",
            cpu_share(alloc.cpu_requests),
            cpu_share(alloc.cpu_limits)
        ),
    );
    w.line(
        1,
        &format!(
            "memory\t{}\t{}",
            mem_share(alloc.memory_requests),
            mem_share(alloc.memory_limits)
        ),
    );
    for r in ["ephemeral-storage", "hugepages-1Gi", "hugepages-2Mi"] {
        if n.status.allocatable.contains_key(r) {
            w.line(1, &format!("{r}\t0 (0%)\t0 (0%)"));
        }
    }
}
