//! `kubectl logs`: believable, deterministic container output derived from the pod (image
//! family, start time), and the API server's errors for containers that never started.

use super::args::{b, bs, v, vs, Flag};
use super::resources::{get, kind_for, not_found};
use super::{fail, ok, Ctx};
use crate::engine::model::{ContainerStatus, Kind, Object, Pod};
use crate::engine::time::SimTime;
use crate::script::Output;

pub const FLAGS: &[Flag] = &[
    vs("container", 'c'),
    bs("follow", 'f'),
    bs("previous", 'p'),
    v("tail"),
    v("since"),
    b("timestamps"),
    b("all-containers"),
    vs("selector", 'l'),
    b("prefix"),
    v("limit-bytes"),
    v("since-time"),
    v("pod-running-timeout"),
    v("max-log-requests"),
    b("ignore-errors"),
];

/// Finds the pod a `logs`/`exec` argument names: `POD`, `pod/POD`, or `sts/web` (first pod).
pub fn target_pod(ctx: &Ctx, arg: &str) -> Result<Pod, String> {
    target_pod_with_note(ctx, arg).map(|(pod, _)| pod)
}

/// Like `target_pod`; for a workload with several pods also kubectl's stderr note
/// `Found 3 pods, using pod/web-0` (polymorphichelpers/logsforobject.go).
pub fn target_pod_with_note(ctx: &Ctx, arg: &str) -> Result<(Pod, Option<String>), String> {
    let ns = ctx.namespace();
    let (kind, name) = match arg.split_once('/') {
        Some((k, n)) => (kind_for(k)?, n.to_string()),
        None => (Kind::Pod, arg.to_string()),
    };
    let Some(obj) = get(ctx.sim, kind, &ns, &name) else {
        return Err(not_found(kind, &name));
    };
    if let Object::Pod(p) = obj {
        return Ok((p.clone(), None));
    }
    let uid = obj.meta().uid.clone();
    let mut owned: Vec<&Pod> = ctx
        .sim
        .store()
        .list_in::<Pod>(&ns)
        .filter(|p| {
            p.metadata.controller_ref().is_some_and(|r| r.uid == uid)
                || ctx
                    .sim
                    .store()
                    .get_obj(&crate::engine::store::ObjectKey::new(
                        Kind::ReplicaSet,
                        &ns,
                        &p.metadata
                            .controller_ref()
                            .map(|r| r.name.clone())
                            .unwrap_or_default(),
                    ))
                    .is_some_and(|rs| rs.meta().controller_ref().is_some_and(|r| r.uid == uid))
        })
        .collect();
    crate::engine::stable_sort::sort_by(&mut owned, |a, b| a.metadata.name.cmp(&b.metadata.name));
    let note = (owned.len() > 1).then(|| {
        format!(
            "Found {} pods, using pod/{}\n",
            owned.len(),
            owned[0].metadata.name
        )
    });
    owned
        .first()
        .map(|p| ((*p).clone(), note))
        .ok_or_else(|| format!("error: no pods found for {arg}"))
}

/// Which container: `-c`, or the first one with kubectl's "Defaulted container" note.
pub fn pick_container(ctx: &Ctx, pod: &Pod, note: &mut String) -> Result<String, String> {
    if let Some(c) = ctx.args.value("container") {
        if !pod
            .spec
            .containers
            .iter()
            .chain(pod.spec.init_containers.iter())
            .any(|x| x.name == c)
        {
            return Err(format!(
                "error: container {c} is not valid for pod {}",
                pod.metadata.name
            ));
        }
        return Ok(c.to_string());
    }
    let Some(first) = pod.spec.containers.first() else {
        return Err(format!(
            "error: pod {} has no containers",
            pod.metadata.name
        ));
    };
    if pod.spec.containers.len() > 1 {
        let names: Vec<&str> = pod
            .spec
            .containers
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        note.push_str(&format!(
            "Defaulted container \"{}\" out of: {}\n",
            first.name,
            names.join(", ")
        ));
    }
    Ok(first.name.clone())
}

fn go_time(t: SimTime) -> String {
    // nginx's error_log format: 2026/01/01 00:00:07
    t.rfc3339()
        .replace('-', "/")
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
}

/// Log lines an image of this family prints at start-up.
fn startup_lines(image: &str, pod: &Pod, started: SimTime) -> Vec<String> {
    let base = image.rsplit('/').next().unwrap_or(image);
    let t = go_time(started);
    if base.starts_with("nginx") {
        let mut v = Vec::new();
        if !base.starts_with("nginx-slim") {
            v.extend(
                [
                    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
                    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
                    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
                    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
                    "/docker-entrypoint.sh: Configuration complete; ready for start up",
                ]
                .map(str::to_string),
            );
        }
        v.push(format!(
            "{t} [notice] 1#1: using the \"epoll\" event method"
        ));
        v.push(format!("{t} [notice] 1#1: start worker processes"));
        v.push(format!("{t} [notice] 1#1: start worker process 29"));
        return v;
    }
    if base.starts_with("postgres") {
        let ts = started.rfc3339().replace('T', " ").replace('Z', ".000 UTC");
        return vec![
            "PostgreSQL Database directory appears to contain a database; Skipping initialization"
                .into(),
            String::new(),
            format!("{ts} [1] LOG:  starting PostgreSQL 14 on x86_64-pc-linux-gnu"),
            format!("{ts} [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432"),
            format!("{ts} [1] LOG:  database system is ready to accept connections"),
        ];
    }
    if base.starts_with("redis") {
        return vec![format!("1:M {} * Ready to accept connections tcp", t)];
    }
    if base.starts_with("busybox") || base.starts_with("pause") {
        return Vec::new();
    }
    let _ = pod;
    Vec::new()
}

fn status_of<'a>(pod: &'a Pod, name: &str) -> Option<&'a ContainerStatus> {
    pod.status
        .container_statuses
        .iter()
        .chain(pod.status.init_container_statuses.iter())
        .find(|c| c.name == name)
}

pub fn run(ctx: &mut Ctx) -> Output {
    if ctx.args.positionals.is_empty() {
        if let Some(sel) = ctx.args.value("selector").map(str::to_string) {
            return by_selector(ctx, &sel);
        }
    }
    let Some(arg) = ctx.args.positionals.first().cloned() else {
        return fail("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
    };
    let (pod, note) = match target_pod_with_note(ctx, &arg) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let mut text = note.unwrap_or_default();
    let cname = match pick_container(ctx, &pod, &mut text) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if pod.node_name().is_none() {
        // The API server has no node to ask, and returns an empty stream.
        return ok(text);
    }
    let status = status_of(&pod, &cname);
    let image = pod
        .spec
        .containers
        .iter()
        .chain(pod.spec.init_containers.iter())
        .find(|c| c.name == cname)
        .map(|c| c.image.clone())
        .unwrap_or_default();
    let pname = &pod.metadata.name;
    // The kubelet's validateContainerLogStatus decides which container instance has logs.
    let bad = |msg: String| fail(format!("{text}Error from server (BadRequest): {msg}"));
    let Some(status) = status else {
        return bad(format!(
            "container \"{cname}\" in pod \"{pname}\" is not available"
        ));
    };
    let state = status.state.clone().unwrap_or_default();
    let last = status
        .last_state
        .as_ref()
        .and_then(|l| l.terminated.clone());
    let started = |t: Option<crate::engine::time::Timestamp>| t.map(|s| s.0).unwrap_or_default();
    let lines = if ctx.args.flag("previous") {
        let Some(t) = last else {
            return bad(format!(
                "previous terminated container \"{cname}\" in pod \"{pname}\" not found"
            ));
        };
        startup_lines(&image, &pod, started(t.started_at))
    } else if let Some(r) = &state.running {
        startup_lines(&image, &pod, started(r.started_at))
    } else if let Some(t) = &state.terminated {
        startup_lines(&image, &pod, started(t.started_at))
    } else if let Some(t) = &last {
        startup_lines(&image, &pod, started(t.started_at))
    } else if let Some(w) = &state.waiting {
        let why = match w.reason.as_deref().unwrap_or_default() {
            "ErrImagePull" => "image can't be pulled".to_string(),
            "ImagePullBackOff" => "trying and failing to pull image".to_string(),
            other => other.to_string(),
        };
        return bad(format!(
            "container \"{cname}\" in pod \"{pname}\" is waiting to start: {why}"
        ));
    } else {
        return bad(format!(
            "container \"{cname}\" in pod \"{pname}\" is waiting to start - no logs yet"
        ));
    };
    let tail: Option<usize> = ctx
        .args
        .value("tail")
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|t| *t >= 0)
        .map(|t| t as usize);
    let skip = tail.map_or(0, |t| lines.len().saturating_sub(t));
    for l in lines.into_iter().skip(skip) {
        text.push_str(&l);
        text.push('\n');
    }
    ok(text)
}

/// `kubectl logs -l app=web`: every matching pod's logs, one after another (the last 10 lines
/// each by default; with -f at most 5 streams).
fn by_selector(ctx: &mut Ctx, sel: &str) -> Output {
    let sel = match super::selector::LabelSel::parse(sel) {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    let ns = ctx.namespace();
    let names: Vec<String> = ctx
        .sim
        .store()
        .list_in::<Pod>(&ns)
        .filter(|p| sel.matches(p.metadata.labels()))
        .map(|p| p.metadata.name.clone())
        .collect();
    if ctx.args.flag("follow") && names.len() > 5 {
        return fail(format!(
            "error: you are attempting to follow {} log streams, but maximum allowed concurrency is 5, use --max-log-requests to increase the limit",
            names.len()
        ));
    }
    let prefix = ctx.args.flag("prefix");
    // With a selector kubectl shows the last 10 lines of each pod unless --tail says otherwise.
    if !ctx.args.has("tail") {
        ctx.args.set("tail", "10");
    }
    let mut out = Output::ok("");
    for n in names {
        ctx.args.positionals = vec![n.clone()];
        let o = run(ctx);
        for line in o.text.lines() {
            if prefix {
                out.text.push_str(&format!("[pod/{n}] "));
            }
            out.text.push_str(line);
            out.text.push('\n');
        }
        out.ok &= o.ok;
    }
    out
}
