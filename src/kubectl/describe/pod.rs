//! describe for pods and pod templates: containers, volumes, tolerations (describe.go
//! `describePod`, `DescribePodTemplate`, `describeContainers`, `describeVolumes`).

use super::{annotations, labels, or_none, ts, W};
use crate::engine::model::*;
use crate::engine::Sim;

fn probe_text(p: &Probe) -> String {
    let kind = if let Some(h) = &p.http_get {
        let scheme = h
            .scheme
            .clone()
            .unwrap_or_else(|| "HTTP".into())
            .to_ascii_lowercase();
        format!(
            "http-get {scheme}://{}:{}{}",
            h.host.clone().unwrap_or_default(),
            h.port,
            h.path.clone().unwrap_or_else(|| "/".into())
        )
    } else if let Some(e) = &p.exec {
        let cmd: Vec<String> = e
            .get("command")
            .and_then(|c| c.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        format!("exec [{}]", cmd.join(" "))
    } else if let Some(t) = &p.tcp_socket {
        let port = t
            .get("port")
            .map(super::super::jsonpath::text_of)
            .unwrap_or_default();
        format!("tcp-socket :{port}")
    } else if p.grpc.is_some() {
        "grpc".to_string()
    } else {
        "unknown".to_string()
    };
    format!(
        "{kind} delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    )
}

fn state_lines(w: &mut W, title: &str, s: &ContainerState) {
    if let Some(r) = &s.running {
        w.line(2, &format!("{title}:\tRunning"));
        w.line(3, &format!("Started:\t{}", ts(r.started_at)));
    } else if let Some(wt) = &s.waiting {
        w.line(2, &format!("{title}:\tWaiting"));
        if let Some(r) = &wt.reason {
            w.line(3, &format!("Reason:\t{r}"));
        }
        if let Some(m) = &wt.message {
            w.line(3, &format!("Message:\t{m}"));
        }
    } else if let Some(t) = &s.terminated {
        w.line(2, &format!("{title}:\tTerminated"));
        if let Some(r) = &t.reason {
            w.line(3, &format!("Reason:\t{r}"));
        }
        if let Some(m) = &t.message {
            w.line(3, &format!("Message:\t{m}"));
        }
        w.line(3, &format!("Exit Code:\t{}", t.exit_code));
        w.line(3, &format!("Started:\t{}", ts(t.started_at)));
        w.line(3, &format!("Finished:\t{}", ts(t.finished_at)));
    } else {
        w.line(2, &format!("{title}:\tWaiting"));
    }
}

fn containers(
    w: &mut W,
    title: &str,
    list: &[Container],
    statuses: Option<&[ContainerStatus]>,
    space: &str,
) {
    let none = if list.is_empty() { " <none>" } else { "" };
    w.line(0, &format!("{space}{title}:{none}"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in list {
        w.line(1, &format!("{name_indent}{}:", c.name));
        let status = statuses.and_then(|s| s.iter().find(|x| x.name == c.name));
        if let Some(s) = status {
            w.line(
                2,
                &format!(
                    "Container ID:\t{}",
                    s.container_id.clone().unwrap_or_default()
                ),
            );
        }
        w.line(2, &format!("Image:\t{}", c.image));
        if let Some(s) = status {
            w.line(2, &format!("Image ID:\t{}", s.image_id));
        }
        let proto = |p: &ContainerPort| p.protocol.clone().unwrap_or_else(|| "TCP".into());
        let ports: Vec<String> = c
            .ports
            .iter()
            .map(|p| format!("{}/{}", p.container_port, proto(p)))
            .collect();
        let hosts: Vec<String> = c
            .ports
            .iter()
            .map(|p| format!("{}/{}", p.host_port.unwrap_or(0), proto(p)))
            .collect();
        let (pl, hl) = if ports.len() > 1 {
            ("Ports", "Host Ports")
        } else {
            ("Port", "Host Port")
        };
        w.line(2, &format!("{pl}:\t{}", or_none(ports.join(", "))));
        w.line(2, &format!("{hl}:\t{}", or_none(hosts.join(", "))));
        for (label, items) in [("Command", &c.command), ("Args", &c.args)] {
            if !items.is_empty() {
                w.line(2, &format!("{label}:"));
                for i in items.iter() {
                    w.line(3, i);
                }
            }
        }
        if let Some(s) = status {
            state_lines(w, "State", &s.state.clone().unwrap_or_default());
            if let Some(last) = s.last_state.as_ref().filter(|l| l.terminated.is_some()) {
                state_lines(w, "Last State", last);
            }
            w.line(
                2,
                &format!("Ready:\t{}", if s.ready { "True" } else { "False" }),
            );
            w.line(2, &format!("Restart Count:\t{}", s.restart_count));
        }
        if let Some(r) = &c.resources {
            for (label, m) in [("Limits", &r.limits), ("Requests", &r.requests)] {
                if let Some(m) = m.as_ref().filter(|m| !m.is_empty()) {
                    w.line(2, &format!("{label}:"));
                    for (k, q) in m {
                        w.line(3, &format!("{k}:\t{}", q.0));
                    }
                }
            }
        }
        for (label, p) in [
            ("Liveness", &c.liveness_probe),
            ("Readiness", &c.readiness_probe),
            ("Startup", &c.startup_probe),
        ] {
            if let Some(p) = p {
                w.line(2, &format!("{label}:\t{}", probe_text(p)));
            }
        }
        if !c.env_from.is_empty() {
            w.line(2, "Environment Variables from:");
            for e in &c.env_from {
                if let Some(r) = &e.config_map_ref {
                    w.line(
                        3,
                        &format!(
                            "{}\tConfigMap\tOptional: {}",
                            r.name,
                            r.optional.unwrap_or(false)
                        ),
                    );
                }
                if let Some(r) = &e.secret_ref {
                    w.line(
                        3,
                        &format!(
                            "{}\tSecret\tOptional: {}",
                            r.name,
                            r.optional.unwrap_or(false)
                        ),
                    );
                }
            }
        }
        if c.env.is_empty() {
            w.line(2, "Environment:\t<none>");
        } else {
            w.line(2, "Environment:");
            for e in &c.env {
                let value = match (&e.value, &e.value_from) {
                    (Some(v), _) => v.clone(),
                    (None, Some(src)) => {
                        if let Some(k) = &src.secret_key_ref {
                            format!(
                                "<set to the key '{}' in secret '{}'>  Optional: {}",
                                k.key,
                                k.name,
                                k.optional.unwrap_or(false)
                            )
                        } else if let Some(k) = &src.config_map_key_ref {
                            format!(
                                "<set to the key '{}' of config map '{}'>  Optional: {}",
                                k.key,
                                k.name,
                                k.optional.unwrap_or(false)
                            )
                        } else if let Some(f) = &src.field_ref {
                            format!(
                                "({})",
                                f.get("fieldPath").and_then(|x| x.as_str()).unwrap_or("")
                            )
                        } else {
                            String::new()
                        }
                    }
                    (None, None) => String::new(),
                };
                w.line(3, &format!("{}:\t{value}", e.name));
            }
        }
        if c.volume_mounts.is_empty() {
            w.line(2, "Mounts:\t<none>");
        } else {
            w.line(2, "Mounts:");
            let mut mounts = c.volume_mounts.clone();
            crate::engine::stable_sort::sort_by(&mut mounts, |a, b| {
                a.mount_path.cmp(&b.mount_path)
            });
            for m in mounts {
                let mut flags = vec![if m.read_only == Some(true) {
                    "ro".to_string()
                } else {
                    "rw".to_string()
                }];
                if let Some(sp) = &m.sub_path {
                    flags.push(format!("path=\"{sp}\""));
                }
                w.line(
                    3,
                    &format!("{} from {} ({})", m.mount_path, m.name, flags.join(",")),
                );
            }
        }
    }
}

fn volumes(w: &mut W, vols: &[Volume], space: &str) {
    if vols.is_empty() {
        w.line(0, &format!("{space}Volumes:\t<none>"));
        return;
    }
    w.line(0, &format!("{space}Volumes:"));
    let indent = if space.is_empty() { "" } else { " " };
    for v in vols {
        w.line(1, &format!("{indent}{}:", v.name));
        if let Some(h) = &v.host_path {
            w.line(2, "Type:\tHostPath (bare host directory volume)");
            w.line(2, &format!("Path:\t{}", h.path));
            w.line(
                2,
                &format!("HostPathType:\t{}", h.type_.clone().unwrap_or_default()),
            );
        } else if let Some(e) = &v.empty_dir {
            w.line(
                2,
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)",
            );
            w.line(
                2,
                &format!("Medium:\t{}", e.medium.clone().unwrap_or_default()),
            );
            w.line(
                2,
                &format!(
                    "SizeLimit:\t{}",
                    e.size_limit
                        .as_ref()
                        .map(|q| q.0.clone())
                        .unwrap_or_else(|| "<unset>".into())
                ),
            );
        } else if let Some(c) = &v.persistent_volume_claim {
            w.line(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)");
            w.line(2, &format!("ClaimName:\t{}", c.claim_name));
            w.line(2, &format!("ReadOnly:\t{}", c.read_only.unwrap_or(false)));
        } else if let Some(c) = &v.config_map {
            w.line(2, "Type:\tConfigMap (a volume populated by a ConfigMap)");
            w.line(2, &format!("Name:\t{}", c.name));
            w.line(2, &format!("Optional:\t{}", c.optional.unwrap_or(false)));
        } else if let Some(s) = &v.secret {
            w.line(2, "Type:\tSecret (a volume populated by a Secret)");
            w.line(2, &format!("SecretName:\t{}", s.secret_name));
            w.line(2, &format!("Optional:\t{}", s.optional.unwrap_or(false)));
        } else if let Some(projected) = &v.projected {
            w.line(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)",
            );
            projected_sources(w, projected);
        } else {
            w.line(2, "Type:\t<unknown>");
        }
    }
}

/// describe.go printProjectedVolumeSource: one line per source, Go's `%v` for optional bools
/// (`<nil>` when unset).
fn projected_sources(w: &mut W, projected: &serde_json::Value) {
    let optional = |src: &serde_json::Value| match src.get("optional").and_then(|o| o.as_bool()) {
        Some(b) => b.to_string(),
        None => "<nil>".to_string(),
    };
    let sources = projected
        .get("sources")
        .and_then(|s| s.as_array())
        .cloned()
        .unwrap_or_default();
    for source in &sources {
        let name = |src: &serde_json::Value| {
            src.get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string()
        };
        if let Some(secret) = source.get("secret") {
            w.line(2, &format!("SecretName:\t{}", name(secret)));
            w.line(2, &format!("SecretOptionalName:\t{}", optional(secret)));
        } else if source.get("downwardAPI").is_some() {
            w.line(2, "DownwardAPI:\ttrue");
        } else if let Some(cm) = source.get("configMap") {
            w.line(2, &format!("ConfigMapName:\t{}", name(cm)));
            w.line(2, &format!("ConfigMapOptional:\t{}", optional(cm)));
        } else if let Some(token) = source.get("serviceAccountToken") {
            let seconds = token
                .get("expirationSeconds")
                .and_then(|e| e.as_i64())
                .unwrap_or(3600);
            w.line(2, &format!("TokenExpirationSeconds:\t{seconds}"));
        }
    }
}

pub fn tolerations(w: &mut W, level: usize, title: &str, list: &[Toleration]) {
    if list.is_empty() {
        w.line(level, &format!("{title}:\t<none>"));
        return;
    }
    let mut sorted = list.to_vec();
    crate::engine::stable_sort::sort_by(&mut sorted, |a, b| a.key.cmp(&b.key));
    for (i, t) in sorted.iter().enumerate() {
        let mut s = t.key.clone().unwrap_or_default();
        if let Some(v) = t.value.as_ref().filter(|v| !v.is_empty()) {
            s.push_str(&format!("={v}"));
        }
        if let Some(e) = t.effect.as_ref().filter(|e| !e.is_empty()) {
            s.push_str(&format!(":{e}"));
        }
        if t.operator.as_deref() == Some("Exists") && t.value.as_deref().unwrap_or("").is_empty() {
            if t.key.is_some() || t.effect.is_some() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        let head = if i == 0 {
            format!("{title}:")
        } else {
            String::new()
        };
        w.line(level, &format!("{head}\t{s}"));
    }
}

fn qos(pod: &Pod) -> String {
    if let Some(q) = &pod.status.qos_class {
        return q.clone();
    }
    let mut any = false;
    let mut guaranteed = true;
    for c in &pod.spec.containers {
        let r = c.resources.clone().unwrap_or_default();
        let (req, lim) = (r.requests.unwrap_or_default(), r.limits.unwrap_or_default());
        if !req.is_empty() || !lim.is_empty() {
            any = true;
        }
        for res in ["cpu", "memory"] {
            match (lim.get(res), req.get(res)) {
                (Some(l), Some(q)) if l.milli_or_zero() == q.milli_or_zero() => {}
                (Some(_), None) => {}
                _ => guaranteed = false,
            }
        }
    }
    if !any {
        "BestEffort".into()
    } else if guaranteed {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

pub fn describe_pod(w: &mut W, sim: &Sim, pod: &Pod) {
    let m = &pod.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("Priority:\t{}", pod.spec.priority.unwrap_or(0)));
    // kubectl checks `len(PriorityClassName) > 0`.
    if let Some(pc) = pod
        .spec
        .priority_class_name
        .as_ref()
        .filter(|pc| !pc.is_empty())
    {
        w.line(0, &format!("Priority Class Name:\t{pc}"));
    }
    w.line(
        0,
        &format!(
            "Service Account:\t{}",
            pod.spec
                .service_account_name
                .clone()
                .unwrap_or_else(|| "default".into())
        ),
    );
    let node = match pod.node_name() {
        Some(n) => format!("{n}/{}", pod.status.host_ip.clone().unwrap_or_default()),
        None => "<none>".into(),
    };
    w.line(0, &format!("Node:\t{node}"));
    if let Some(t) = pod.status.start_time {
        w.line(0, &format!("Start Time:\t{}", ts(Some(t))));
    }
    labels(w, 0, "Labels", m.labels.as_ref());
    annotations(w, 0, "Annotations", m.annotations.as_ref());
    let terminal = matches!(pod.status.phase, PodPhase::Succeeded | PodPhase::Failed);
    if let (Some(dt), false) = (m.deletion_timestamp, terminal) {
        // describe.go measures the time *since* the deletion timestamp, which the API server
        // set in the future (now + grace period): kubectl really prints `<invalid>` here.
        let lasts = crate::kubectl::duration::age(Some(dt), sim.now());
        w.line(0, &format!("Status:\tTerminating (lasts {lasts})"));
        w.line(
            0,
            &format!(
                "Termination Grace Period:\t{}s",
                m.deletion_grace_period_seconds.unwrap_or(0)
            ),
        );
    } else {
        w.line(0, &format!("Status:\t{}", pod.status.phase.as_str()));
    }
    if let Some(r) = &pod.status.reason {
        w.line(0, &format!("Reason:\t{r}"));
    }
    if let Some(msg) = &pod.status.message {
        w.line(0, &format!("Message:\t{msg}"));
    }
    w.line(
        0,
        &format!("IP:\t{}", pod.status.pod_ip.clone().unwrap_or_default()),
    );
    match pod.status.pod_ips.as_ref().filter(|v| !v.is_empty()) {
        Some(ips) => {
            w.line(0, "IPs:");
            for ip in ips {
                w.line(1, &format!("IP:\t{}", ip.ip));
            }
        }
        None => w.line(0, "IPs:\t<none>"),
    }
    if let Some(r) = m.controller_ref() {
        w.line(0, &format!("Controlled By:\t{}/{}", r.kind, r.name));
    }
    if let Some(n) = &pod.status.nominated_node_name {
        w.line(0, &format!("NominatedNodeName:\t{n}"));
    }
    if !pod.spec.init_containers.is_empty() {
        containers(
            w,
            "Init Containers",
            &pod.spec.init_containers,
            Some(&pod.status.init_container_statuses),
            "",
        );
    }
    containers(
        w,
        "Containers",
        &pod.spec.containers,
        Some(&pod.status.container_statuses),
        "",
    );
    if !pod.status.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus");
        for c in &pod.status.conditions {
            w.line(1, &format!("{} \t{} ", c.type_, c.status));
        }
    }
    volumes(w, &pod.spec.volumes, "");
    w.line(0, &format!("QoS Class:\t{}", qos(pod)));
    labels(w, 0, "Node-Selectors", pod.spec.node_selector.as_ref());
    tolerations(w, 0, "Tolerations", &pod.spec.tolerations);
}

/// DescribePodTemplate lines (`Pod Template:` and its indented body).
pub fn pod_template(w: &mut W, t: &PodTemplateSpec) {
    w.line(0, "Pod Template:");
    labels(w, 1, "Labels", t.metadata.labels.as_ref());
    if !t.metadata.annotations().is_empty() {
        annotations(w, 1, "Annotations", t.metadata.annotations.as_ref());
    }
    if let Some(sa) = t
        .spec
        .service_account_name
        .as_ref()
        .filter(|s| !s.is_empty())
    {
        w.line(1, &format!("Service Account:\t{sa}"));
    }
    if !t.spec.init_containers.is_empty() {
        containers(w, "Init Containers", &t.spec.init_containers, None, "  ");
    }
    containers(w, "Containers", &t.spec.containers, None, "  ");
    volumes(w, &t.spec.volumes, "  ");
    if let Some(pc) = t
        .spec
        .priority_class_name
        .as_ref()
        .filter(|pc| !pc.is_empty())
    {
        w.line(1, &format!("Priority Class Name:\t{pc}"));
    }
    labels(w, 1, "Node-Selectors", t.spec.node_selector.as_ref());
    tolerations(w, 1, "Tolerations", &t.spec.tolerations);
}

/// The pod template as `rollout history --revision=N` prints it.
/// The template as `rollout history --revision` prints it: history.go writes describe's
/// prefix writer to a bare buffer, so the tabs stay tabs (no column alignment).
pub fn pod_template_raw(t: &PodTemplateSpec) -> String {
    let mut w = W::default();
    pod_template(&mut w, t);
    w.text
}
