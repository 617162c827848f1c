//! `sim ...`: what kubectl cannot do in a real cluster — nodes appearing, failing and
//! recovering, pods and images misbehaving, and control of simulated time.

use super::job::{Job, Started};
use super::Output;
use crate::engine::action::{ControllerId, Why};
use crate::engine::cluster::{add_node, NodeRequest};
use crate::engine::model::{DaemonSet, Kind, Node, Pod, Taint, TaintEffect};
use crate::engine::store::ObjectKey;
use crate::engine::time::SimDuration;
use crate::engine::Sim;
use std::collections::BTreeMap;

pub const HELP: &str = "\
Control the simulated cluster: what kubectl cannot do on a real one.

Nodes:
  sim node add NAME [--label k=v]... [--taint k=v:Effect]... [--cpu N] [--memory Q] [--pods N] [--control-plane]
  sim node remove NAME        delete the Node object (its pods stay until pod GC removes them)
  sim node fail NAME          the kubelet stops heartbeating: NotReady after 50s, evictions after 300s
  sim node recover NAME       the kubelet comes back and reports Ready

Pods and images:
  sim pod ready NAME          let the pod's readiness probe pass again
  sim pod unready NAME        make the pod's readiness probe fail (Running but not Ready)
  sim pod fail NAME           the pod's container exits with an error and the pod goes Failed
  sim pod crash NAME          the container crashes on every start (CrashLoopBackOff)
  sim image broken IMAGE      pulls of IMAGE fail (ErrImagePull, ImagePullBackOff)
  sim image slow IMAGE DURATION   pulls of IMAGE take DURATION (e.g. 30s)
  sim image fixed IMAGE       undo broken/slow for IMAGE

Time:
  sim advance DURATION        run the cluster for DURATION of simulated time (e.g. 10s, 2m)
  sim settle                  run until nothing changes by itself (at most 1h), print the time reached;
                              retries that keep failing until you fix something (a missing Secret,
                              CrashLoopBackOff, ImagePullBackOff) do not count, and go on with time
  sim time                    print the simulated time

Explain and reset:
  sim why [KIND/NAME]         what each controller and the scheduler is waiting for, and why
  sim reset [--workers N] [--empty]   a fresh default cluster (or one with no nodes)
  sim seed N                  re-seed the random names (pod suffixes, uids)
  sim set [NAME DURATION]     list the timings, or change one (e.g. sim set image-pull 30s)

Use -n NAMESPACE with pod verbs for pods outside \"default\".
";

const NODE_HELP: &str = "\
Add, remove, fail and recover nodes.

Usage:
  sim node add NAME [--label k=v]... [--taint k=v:Effect]... [--cpu N] [--memory Q] [--pods N] [--control-plane]
  sim node remove NAME
  sim node fail NAME
  sim node recover NAME

Examples:
  sim node add kind-worker4 --label disktype=ssd
  sim node add gpu-1 --taint nvidia.com/gpu=true:NoSchedule --cpu 8 --memory 32Gi
";

fn usage_error(msg: &str, help_for: &str) -> Output {
    Output::error(format!(
        "error: {msg}\nSee 'sim {help_for} --help' for usage.\n"
    ))
}

pub fn run(sim: &mut Sim, args: &[String]) -> Output {
    match start(sim, args) {
        Started::Done(out) => out,
        Started::Running(job) => job.finish(sim),
    }
}

/// Like `run`, but `sim advance` and `sim settle` come back as a `Job` to work on in pieces.
pub fn start(sim: &mut Sim, args: &[String]) -> Started {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    // `run_verb` prints the help instead.
    let asks_help = asks_help(&words);
    match words.as_slice() {
        ["advance", d, ..] if !asks_help => match SimDuration::parse(d) {
            Ok(d) => Started::Running(Job::advance(sim, d)),
            Err(e) => Started::Done(usage_error(&e, "advance")),
        },
        ["settle", ..] if !asks_help => Started::Running(Job::settle(sim)),
        _ => Started::Done(run_verb(sim, args)),
    }
}

/// `sim VERB --help` (two words at most) asks for help.
fn asks_help(words: &[&str]) -> bool {
    words.iter().any(|w| *w == "--help" || *w == "-h") && words.len() <= 2
}

fn run_verb(sim: &mut Sim, args: &[String]) -> Output {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    if words.is_empty() || asks_help(&words) {
        return match words.first() {
            Some(&"node") => Output::ok(NODE_HELP),
            _ => Output::ok(HELP),
        };
    }
    match words[0] {
        "node" => node_verb(sim, &words[1..]),
        "pod" => pod_verb(sim, &words[1..]),
        "image" => image_verb(sim, &words[1..]),
        "advance" => usage_error(
            "sim advance needs a DURATION, e.g. `sim advance 30s`",
            "advance",
        ),
        "time" => Output::ok(format!(
            "t={} ({})\n",
            SimDuration(sim.now().0),
            sim.now().rfc3339()
        )),
        "why" => why(sim, words.get(1).copied()),
        "seed" => match words.get(1).and_then(|s| s.parse::<u64>().ok()) {
            Some(n) => {
                sim.reseed(n);
                Output::ok(format!("seed set to {n}\n"))
            }
            None => usage_error("sim seed needs a whole number, e.g. `sim seed 42`", "seed"),
        },
        "reset" => reset(sim, &words[1..]),
        "set" => set_timing(sim, &words[1..]),
        other => Output::error(format!("error: unknown sim verb {other:?}\n\n{HELP}")),
    }
}

/// `sim set` lists the timings; `sim set NAME DURATION` changes one.
fn set_timing(sim: &mut Sim, words: &[&str]) -> Output {
    let config = sim.config_mut();
    match words {
        [] => {
            let mut out = String::new();
            for (name, what, value) in config.settings() {
                out.push_str(&format!("{name:<20} {:<8} {what}\n", value.to_string()));
            }
            Output::ok(out)
        }
        [name, value] => {
            let parsed = match SimDuration::parse(value) {
                Ok(d) => d,
                Err(e) => return usage_error(&e, "set"),
            };
            let mut settings = config.settings();
            let Some((_, _, field)) = settings.iter_mut().find(|(n, _, _)| n == name) else {
                let names: Vec<&str> = config.settings().iter().map(|(n, _, _)| *n).collect();
                return usage_error(&format!("unknown timing {name:?}; one of: {}", names.join(", ")), "set");
            };
            **field = parsed;
            Output::ok(format!("{name} set to {parsed}\n"))
        }
        _ => usage_error("use `sim set` to list timings or `sim set NAME DURATION`, e.g. `sim set image-pull 30s`", "set"),
    }
}

fn reset(sim: &mut Sim, words: &[&str]) -> Output {
    let mut workers = 3u32;
    let mut empty = false;
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "--empty" => empty = true,
            "--workers" => {
                i += 1;
                match words.get(i).and_then(|w| w.parse::<u32>().ok()) {
                    Some(n) if n <= 5000 => workers = n,
                    _ => return usage_error("--workers needs a number from 0 to 5000", "reset"),
                }
            }
            w if w.starts_with("--workers=") => match w["--workers=".len()..].parse::<u32>() {
                Ok(n) if n <= 5000 => workers = n,
                _ => return usage_error("--workers needs a number from 0 to 5000", "reset"),
            },
            other => return usage_error(&format!("unknown flag {other:?}"), "reset"),
        }
        i += 1;
    }
    let seed = sim.seed();
    let config = sim.config().clone();
    *sim = if empty {
        Sim::empty(seed)
    } else {
        Sim::with_workers(seed, workers)
    };
    *sim.config_mut() = config;
    Output::ok(if empty {
        "cluster reset: no nodes\n".to_string()
    } else {
        format!("cluster reset: kind-control-plane and {workers} worker(s)\n")
    })
}

fn flag_value<'a>(words: &[&'a str], i: &mut usize, flag: &str) -> Result<&'a str, String> {
    let w = words[*i];
    if let Some(v) = w.strip_prefix(&format!("{flag}=")) {
        return Ok(v);
    }
    *i += 1;
    words
        .get(*i)
        .copied()
        .ok_or_else(|| format!("flag needs an argument: {flag}"))
}

/// Parses `key=value:Effect`, `key:Effect` (kubectl taint syntax).
pub fn parse_taint(spec: &str) -> Result<Taint, String> {
    let (kv, effect) = spec.rsplit_once(':').ok_or_else(|| {
        format!("invalid taint spec: {spec}, expected key=value:Effect or key:Effect")
    })?;
    let effect = TaintEffect::parse(effect)
        .ok_or_else(|| format!("invalid taint effect: {effect}, unsupported taint effect"))?;
    let (key, value) = match kv.split_once('=') {
        Some((k, v)) => (k.to_string(), Some(v.to_string())),
        None => (kv.to_string(), None),
    };
    if key.is_empty() {
        return Err(format!(
            "invalid taint spec: {spec}, the key must not be empty"
        ));
    }
    Ok(Taint {
        effect,
        key,
        time_added: None,
        value,
    })
}

fn node_verb(sim: &mut Sim, words: &[&str]) -> Output {
    let (Some(verb), Some(name)) = (words.first(), words.get(1)) else {
        return usage_error(
            "sim node needs a verb and a node name, e.g. `sim node add kind-worker4`",
            "node",
        );
    };
    let name = name.to_string();
    let key = ObjectKey::new(Kind::Node, "", &name);
    let exists = sim.store().get::<Node>("", &name).is_some();
    match *verb {
        "add" => {
            if exists {
                return Output::error(format!("error: node {name:?} already exists\n"));
            }
            if let Err(e) = crate::engine::manifest::validate_dns1123_subdomain(&name) {
                return usage_error(&format!("invalid node name {name:?}: {e}"), "node");
            }
            let mut req = NodeRequest::worker(&name);
            let mut i = 2;
            while i < words.len() {
                let w = words[i];
                let flag = w.split('=').next().unwrap_or(w);
                let value = match flag {
                    "--control-plane" => {
                        req.control_plane = true;
                        i += 1;
                        continue;
                    }
                    "--label" | "--taint" | "--cpu" | "--memory" | "--pods" => {
                        match flag_value(words, &mut i, flag) {
                            Ok(v) => v,
                            Err(e) => return usage_error(&e, "node"),
                        }
                    }
                    other => return usage_error(&format!("unknown flag {other:?}"), "node"),
                };
                match flag {
                    "--label" => match value.split_once('=') {
                        Some((k, v)) if !k.is_empty() => req.labels.push((k.into(), v.into())),
                        _ => {
                            return usage_error(
                                &format!("invalid label {value:?}: expected key=value"),
                                "node",
                            )
                        }
                    },
                    "--taint" => match parse_taint(value) {
                        Ok(t) => req.taints.push(t),
                        Err(e) => return usage_error(&e, "node"),
                    },
                    "--cpu" => {
                        if crate::engine::model::parse_quantity_milli(value)
                            .map_or(true, |m| m <= 0)
                        {
                            return usage_error(
                                &format!(
                                    "invalid --cpu {value:?}: use a quantity such as 4 or 3500m"
                                ),
                                "node",
                            );
                        }
                        req.cpu = value.into();
                    }
                    "--memory" => {
                        if crate::engine::model::parse_quantity_milli(value)
                            .map_or(true, |m| m <= 0)
                        {
                            return usage_error(
                                &format!("invalid --memory {value:?}: use a quantity such as 8Gi"),
                                "node",
                            );
                        }
                        req.memory = value.into();
                    }
                    "--pods" => match value.parse::<u32>() {
                        Ok(n) if n > 0 => req.pods = n,
                        _ => {
                            return usage_error(
                                &format!("invalid --pods {value:?}: use a positive number"),
                                "node",
                            )
                        }
                    },
                    _ => {}
                }
                i += 1;
            }
            add_node(sim, &req);
            Output::ok(format!("node/{name} added\n"))
        }
        _ if !exists => Output::error(format!(
            "Error from server (NotFound): nodes \"{name}\" not found\n"
        )),
        "remove" => {
            sim.delete_object(&key, None, Default::default());
            Output::ok(format!("node/{name} removed\n"))
        }
        "fail" => {
            let now = sim.now();
            sim.faults_mut().failed_nodes.insert(name.clone());
            sim.faults_mut()
                .node_failed_at
                .entry(name.clone())
                .or_insert(now);
            sim.enqueue(ControllerId::NodeLifecycle, key);
            Output::ok(format!(
                "node/{name} failed: its kubelet stopped posting status\n"
            ))
        }
        "recover" => {
            sim.faults_mut().failed_nodes.remove(&name);
            sim.faults_mut().node_failed_at.remove(&name);
            sim.enqueue(ControllerId::NodeLifecycle, key);
            let pods: Vec<ObjectKey> = sim
                .store()
                .pods_on_node(&name)
                .map(|p| ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name))
                .collect();
            for p in pods {
                sim.enqueue(ControllerId::Kubelet, p);
            }
            Output::ok(format!(
                "node/{name} recovered: its kubelet is posting status again\n"
            ))
        }
        other => usage_error(&format!("unknown node verb {other:?}"), "node"),
    }
}

fn namespace_flag(words: &[&str]) -> (String, Vec<String>) {
    let mut ns = "default".to_string();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "-n" | "--namespace" if i + 1 < words.len() => {
                ns = words[i + 1].to_string();
                i += 2;
                continue;
            }
            w if w.starts_with("--namespace=") => ns = w["--namespace=".len()..].to_string(),
            w => rest.push(w.to_string()),
        }
        i += 1;
    }
    (ns, rest)
}

fn pod_verb(sim: &mut Sim, words: &[&str]) -> Output {
    let (ns, rest) = namespace_flag(words);
    let (Some(verb), Some(name)) = (rest.first(), rest.get(1)) else {
        return usage_error(
            "sim pod needs a verb and a pod name, e.g. `sim pod unready web-1`",
            "pod",
        );
    };
    let name = name.trim_start_matches("pod/").to_string();
    let Some(uid) = sim
        .store()
        .get::<Pod>(&ns, &name)
        .map(|p| p.metadata.uid.clone())
    else {
        return Output::error(format!(
            "Error from server (NotFound): pods \"{name}\" not found\n"
        ));
    };
    let id = (ns.clone(), name.clone());
    let now = sim.now();
    let faults = sim.faults_mut();
    let message = match verb.as_str() {
        "ready" => {
            faults.unready_pods.remove(&id);
            faults.unready_since.remove(&id);
            faults.crashing_pods.remove(&id);
            format!("pod/{name}: readiness probe passes\n")
        }
        "unready" => {
            faults.unready_since.entry(id.clone()).or_insert(now);
            faults.unready_pods.insert(id);
            format!("pod/{name}: readiness probe fails\n")
        }
        "fail" => {
            faults.failed_uids.insert(id.clone(), uid.clone());
            faults.failed_since.insert(id.clone(), now);
            faults.failed_pods.insert(id);
            format!("pod/{name}: container exited with code 1\n")
        }
        "crash" => {
            faults.crashing_pods.insert(id);
            format!("pod/{name}: container crashes on every start\n")
        }
        other => {
            return usage_error(
                &format!("unknown pod verb {other:?} (ready, unready, fail, crash)"),
                "pod",
            )
        }
    };
    sim.enqueue(ControllerId::Kubelet, ObjectKey::new(Kind::Pod, &ns, &name));
    Output::ok(message)
}

fn image_verb(sim: &mut Sim, words: &[&str]) -> Output {
    let (Some(verb), Some(image)) = (words.first(), words.get(1)) else {
        return usage_error(
            "sim image needs a verb and an image, e.g. `sim image broken nginx:1.99`",
            "image",
        );
    };
    let image = image.to_string();
    let message = match *verb {
        "broken" => {
            sim.faults_mut().broken_images.insert(image.clone());
            format!("image {image}: pulls fail\n")
        }
        "slow" => {
            let d = match words.get(2).map(|d| SimDuration::parse(d)) {
                Some(Ok(d)) => d,
                Some(Err(e)) => return usage_error(&e, "image"),
                None => {
                    return usage_error(
                        "sim image slow needs a DURATION, e.g. `sim image slow nginx 30s`",
                        "image",
                    )
                }
            };
            sim.faults_mut().slow_images.insert(image.clone(), d);
            format!("image {image}: pulls take {d}\n")
        }
        "fixed" => {
            sim.faults_mut().broken_images.remove(&image);
            sim.faults_mut().slow_images.remove(&image);
            format!("image {image}: pulls work normally\n")
        }
        other => {
            return usage_error(
                &format!("unknown image verb {other:?} (broken, slow, fixed)"),
                "image",
            )
        }
    };
    // Pods waiting on this image retry.
    let waiting: Vec<ObjectKey> = sim
        .store()
        .list::<Pod>()
        .filter(|p| p.node_name().is_some() && p.spec.containers.iter().any(|c| c.image == image))
        .map(|p| ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name))
        .collect();
    for k in waiting {
        sim.enqueue(ControllerId::Kubelet, k);
    }
    Output::ok(message)
}

fn why(sim: &Sim, target: Option<&str>) -> Output {
    let filter: Option<(Kind, String)> = match target {
        None => None,
        Some(t) => {
            let Some((kind, name)) = t.split_once('/') else {
                return usage_error(
                    &format!("expected KIND/NAME such as sts/web, got {t:?}"),
                    "why",
                );
            };
            match Kind::lookup(kind) {
                Some(k) => Some((k, name.to_string())),
                None => {
                    return Output::error(format!(
                        "error: the server doesn't have a resource type \"{kind}\"\n"
                    ))
                }
            }
        }
    };
    let mut out = String::new();
    for (controller, key, why) in current_reasons(sim) {
        let relevant = match &filter {
            None => true,
            Some((k, n)) => {
                (key.kind == *k && &key.name == n)
                    || (why.subject.kind == *k && &why.subject.name == n)
                    || owned_by(sim, &why.subject, *k, n)
            }
        };
        if relevant {
            out.push_str(&format!(
                "{} ({}): {}: {}\n",
                key.short(),
                controller.component(),
                why.subject.short(),
                why.reason
            ));
        }
    }
    if out.is_empty() {
        out = match target {
            Some(t) => format!("nothing is waiting on {t}: every controller is done with it\n"),
            None => "nothing is waiting: every controller is done\n".to_string(),
        };
    }
    Output::ok(out)
}

/// Every blocked reason, in (actor, key) order. DaemonSet reasons are computed now: the real
/// controller is not woken by a node it will not run on (its addNode/updateNode handlers only
/// enqueue DaemonSets that should run there), so its last reconcile can predate a new tainted
/// node; a learner asking why must still hear about that node. Reconciles are pure, so
/// recomputing one changes nothing.
fn current_reasons(sim: &Sim) -> Vec<(ControllerId, ObjectKey, Why)> {
    let mut by_actor: BTreeMap<(ControllerId, ObjectKey), Vec<Why>> = BTreeMap::new();
    for (controller, key, why) in sim.why_all() {
        if controller != ControllerId::DaemonSet {
            by_actor
                .entry((controller, key.clone()))
                .or_default()
                .push(why.clone());
        }
    }
    let ctx = sim.ctx();
    for ds in sim.store().list::<DaemonSet>() {
        let key = ObjectKey::new(Kind::DaemonSet, &ds.metadata.namespace, &ds.metadata.name);
        let fresh = crate::engine::controllers::reconcile(ControllerId::DaemonSet, &ctx, &key).why;
        if !fresh.is_empty() {
            by_actor.insert((ControllerId::DaemonSet, key), fresh);
        }
    }
    by_actor
        .into_iter()
        .flat_map(|((c, k), list)| list.into_iter().map(move |w| (c, k.clone(), w)))
        .collect()
}

fn owned_by(sim: &Sim, subject: &ObjectKey, kind: Kind, name: &str) -> bool {
    sim.store()
        .get_obj(subject)
        .and_then(|o| o.meta().controller_ref().cloned())
        .is_some_and(|r| r.kind == kind.info().name && r.name == name)
}

/// Whether a container waits in one of the kubelet's retry states.
pub(super) fn some_pod_retrying(sim: &Sim) -> bool {
    const RETRYING: [&str; 4] = [
        "CrashLoopBackOff",
        "CreateContainerConfigError",
        "ImagePullBackOff",
        "ErrImagePull",
    ];
    sim.store().list::<crate::engine::model::Pod>().any(|pod| {
        pod.status
            .container_statuses
            .iter()
            .chain(&pod.status.init_container_statuses)
            .filter_map(|cs| cs.waiting_reason())
            .any(|reason| RETRYING.contains(&reason))
    })
}
