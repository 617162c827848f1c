//! `kubectl rollout status|history|undo|restart|pause|resume` with kubectl's client-side logic
//! (polymorphichelpers: status viewers, history viewers, rollbackers).

use super::args::{o, v, Flag};
use super::resources::{get, kind_slash_name, not_found, parse_targets};
use super::scale::{template_mut, update_live};
use super::table::TabWriter;
use super::wait::{timeout_arg, Ended, Waiting};
use super::{fail, ok, Ctx};
use crate::engine::model::*;
use crate::engine::store::{Change, ObjectKey};
use crate::engine::time::SimDuration;
use crate::engine::Sim;
use crate::script::Output;
use std::cell::RefCell;
use std::rc::Rc;

pub const FLAGS: &[Flag] = &[
    super::args::bs("watch", 'w'),
    v("timeout"),
    v("revision"),
    v("to-revision"),
    o("dry-run", "client"),
    super::args::vs("output", 'o'),
    super::args::vs("selector", 'l'),
    super::args::vs("filename", 'f'),
];

/// How long `rollout status` waits when no `--timeout` is given (kubectl waits forever; a
/// script must end).
const DEFAULT_WAIT: SimDuration = SimDuration(600_000);

pub fn run(ctx: &mut Ctx) -> Output {
    if ctx.args.positionals.is_empty() {
        return ok(super::help::for_verb("rollout", None));
    }
    let sub = ctx.args.positionals.remove(0);
    let known = ["status", "history", "undo", "restart", "pause", "resume"];
    if !known.contains(&sub.as_str()) {
        let rest = std::iter::once(sub.clone())
            .chain(ctx.args.positionals.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        return fail(format!(
            "error: unknown command \"{rest}\"\nSee 'kubectl rollout -h' for help and examples"
        ));
    }
    let targets = match parse_targets(&ctx.args.positionals) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    if targets.is_empty() {
        return fail("error: required resource not specified");
    }
    if targets.names.is_empty() {
        return fail(format!(
            "error: resource(s) were provided, but no name was specified\nSee 'kubectl rollout {sub} -h' for help and examples"
        ));
    }
    let ns = ctx.namespace();
    // Only a single wait can be handed to the caller: the next target follows it.
    ctx.may_defer &= targets.names.len() == 1;
    let mut out = Output::ok("");
    for (kind, name) in targets.names.clone() {
        if get(ctx.sim, kind, &ns, &name).is_none() {
            out.text.push_str(&not_found(kind, &name));
            out.text.push('\n');
            out.ok = false;
            continue;
        }
        let key = ObjectKey::new(kind, &ns, &name);
        let r = match sub.as_str() {
            "status" => status(ctx, &key),
            "history" => history(ctx, &key),
            "undo" => undo(ctx, &key),
            "restart" => restart(ctx, &key),
            "pause" => pause(ctx, &key, true),
            _ => pause(ctx, &key, false),
        };
        out.text.push_str(&r.text);
        out.ok &= r.ok;
        if !r.ok {
            break;
        }
    }
    out
}

/// One evaluation of kubectl's status viewer: (message, done) or an error.
fn status_line(obj: &Object) -> Result<(String, bool), String> {
    match obj {
        Object::StatefulSet(s) => {
            let st = &s.status;
            let strategy = s.spec.update_strategy.clone().unwrap_or_default();
            if strategy.type_.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
                return Err(
                    "error: rollout status is only available for RollingUpdate strategy type"
                        .into(),
                );
            }
            let observed = st.observed_generation.unwrap_or(0);
            if observed == 0 || s.metadata.generation > observed {
                return Ok((
                    "Waiting for statefulset spec update to be observed...".into(),
                    false,
                ));
            }
            let replicas = s.spec.replicas.unwrap_or(1);
            if st.ready_replicas < replicas {
                return Ok((
                    format!(
                        "Waiting for {} pods to be ready...",
                        replicas - st.ready_replicas
                    ),
                    false,
                ));
            }
            if let Some(ru) = &strategy.rolling_update {
                if let Some(p) = ru.partition {
                    if st.updated_replicas < replicas - p {
                        return Ok((
                            format!(
                                "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
                                st.updated_replicas,
                                replicas - p
                            ),
                            false,
                        ));
                    }
                }
                return Ok((
                    format!(
                        "partitioned roll out complete: {} new pods have been updated...",
                        st.updated_replicas
                    ),
                    true,
                ));
            }
            let (cur, upd) = (
                st.current_revision.clone().unwrap_or_default(),
                st.update_revision.clone().unwrap_or_default(),
            );
            if upd != cur {
                return Ok((
                    format!("waiting for statefulset rolling update to complete {} pods at revision {upd}...", st.updated_replicas),
                    false,
                ));
            }
            Ok((
                format!(
                    "statefulset rolling update complete {} pods at revision {cur}...",
                    st.current_replicas
                ),
                true,
            ))
        }
        Object::DaemonSet(d) => {
            let st = &d.status;
            let t = d
                .spec
                .update_strategy
                .as_ref()
                .and_then(|u| u.type_.clone())
                .unwrap_or_else(|| "RollingUpdate".into());
            if t != "RollingUpdate" {
                return Err(
                    "error: rollout status is only available for RollingUpdate strategy type"
                        .into(),
                );
            }
            let name = &d.metadata.name;
            if d.metadata.generation > st.observed_generation.unwrap_or(0) {
                return Ok((
                    "Waiting for daemon set spec update to be observed...".into(),
                    false,
                ));
            }
            if st.updated_number_scheduled < st.desired_number_scheduled {
                return Ok((
                    format!(
                        "Waiting for daemon set \"{name}\" rollout to finish: {} out of {} new pods have been updated...",
                        st.updated_number_scheduled, st.desired_number_scheduled
                    ),
                    false,
                ));
            }
            if st.number_available < st.desired_number_scheduled {
                return Ok((
                    format!(
                        "Waiting for daemon set \"{name}\" rollout to finish: {} of {} updated pods are available...",
                        st.number_available, st.desired_number_scheduled
                    ),
                    false,
                ));
            }
            Ok((
                format!("daemon set \"{name}\" successfully rolled out"),
                true,
            ))
        }
        Object::Deployment(d) => {
            let st = &d.status;
            let name = &d.metadata.name;
            if d.metadata.generation > st.observed_generation.unwrap_or(0) {
                return Ok((
                    "Waiting for deployment spec update to be observed...".into(),
                    false,
                ));
            }
            if st.conditions.iter().any(|c| {
                c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
            }) {
                return Err(format!(
                    "error: deployment \"{name}\" exceeded its progress deadline"
                ));
            }
            let replicas = d.spec.replicas.unwrap_or(1);
            if st.updated_replicas < replicas {
                return Ok((
                    format!(
                        "Waiting for deployment \"{name}\" rollout to finish: {} out of {replicas} new replicas have been updated...",
                        st.updated_replicas
                    ),
                    false,
                ));
            }
            if st.replicas > st.updated_replicas {
                return Ok((
                    format!(
                        "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...",
                        st.replicas - st.updated_replicas
                    ),
                    false,
                ));
            }
            if st.available_replicas < st.updated_replicas {
                return Ok((
                    format!(
                        "Waiting for deployment \"{name}\" rollout to finish: {} of {} updated replicas are available...",
                        st.available_replicas, st.updated_replicas
                    ),
                    false,
                ));
            }
            Ok((
                format!("deployment \"{name}\" successfully rolled out"),
                true,
            ))
        }
        other => Err(format!(
            "error: no status viewer has been implemented for {}",
            other.kind().info().name
        )),
    }
}

fn status(ctx: &mut Ctx, key: &ObjectKey) -> Output {
    let watch = ctx.args.value("watch").is_none_or(|w| w != "false");
    let timeout = match timeout_arg(ctx.args.value("timeout"), DEFAULT_WAIT) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let explicit_timeout =
        ctx.args.has("timeout") && !matches!(ctx.args.value("timeout"), Some("0") | Some("0s"));
    // What the looks found, read once the wait is over.
    let verdict: Rc<RefCell<(Option<String>, bool)>> = Rc::default();
    let seen = verdict.clone();
    let evaluate = move |obj: &Object, text: &mut String| -> bool {
        let mut seen = seen.borrow_mut();
        match status_line(obj) {
            Ok((line, done)) => {
                text.push_str(&line);
                text.push('\n');
                seen.1 = done;
                done || !watch
            }
            Err(e) => {
                seen.0 = Some(e);
                true
            }
        }
    };
    let key = key.clone();
    let check = Box::new(
        move |sim: &Sim, changes: Option<&[Change]>, text: &mut String| {
            let Some(changes) = changes else {
                return match sim.store().get_obj(&key) {
                    Some(o) => evaluate(o, text),
                    None => true,
                };
            };
            for ch in changes {
                let relevant = ObjectKey::of(&ch.object) == key
                    && ch.change != crate::engine::store::ChangeType::Deleted;
                if relevant && evaluate(&ch.object, text) {
                    return true;
                }
            }
            false
        },
    );
    let waiting = Waiting::start(ctx.sim, timeout, check);
    let then = Box::new(move |_: &Sim, ended: Ended, text: String| {
        let (error, finished) = verdict.take();
        if let Some(e) = error {
            return fail(text + &e);
        }
        if finished || !watch {
            return ok(text);
        }
        match ended {
            Ended::TimedOut if explicit_timeout => fail(text + "error: timed out waiting for the condition"),
            Ended::TimedOut => fail(format!(
                "{text}(kubeplay: the rollout is still not complete after {timeout} of simulated time; kubectl would keep waiting. Pass --timeout to choose how long to wait, or see `sim why`.)"
            )),
            _ => fail(text + "(kubeplay: the cluster has settled and the rollout is not complete; kubectl would keep waiting. See `sim why`.)"),
        }
    });
    ctx.wait(waiting, then)
}

/// Revisions of a workload: (revision, change-cause, template).
fn revisions(ctx: &Ctx, key: &ObjectKey) -> Vec<(i64, String, Option<PodTemplateSpec>)> {
    let store = ctx.sim.store();
    let Some(obj) = store.get_obj(key) else {
        return Vec::new();
    };
    let uid = obj.meta().uid.clone();
    let mut out = Vec::new();
    for k in store.owned_by(&uid) {
        let Some(o) = store.get_obj(k) else { continue };
        let cause = o
            .meta()
            .annotations()
            .get("kubernetes.io/change-cause")
            .cloned()
            .unwrap_or_else(|| "<none>".into());
        match o {
            Object::ControllerRevision(cr) if key.kind != Kind::Deployment => {
                let tpl = cr
                    .data
                    .pointer("/spec/template")
                    .cloned()
                    .map(|mut t| {
                        if let Some(m) = t.as_object_mut() {
                            m.remove("$patch");
                        }
                        t
                    })
                    .and_then(|t| crate::engine::manifest::decode::pod_template_from_value(t).ok());
                out.push((cr.revision, cause, tpl));
            }
            Object::ReplicaSet(rs) if key.kind == Kind::Deployment => {
                let rev = rs
                    .metadata
                    .annotations()
                    .get("deployment.kubernetes.io/revision")
                    .and_then(|r| r.parse::<i64>().ok())
                    .unwrap_or(0);
                out.push((rev, cause, Some(rs.spec.template.clone())));
            }
            _ => {}
        }
    }
    crate::engine::stable_sort::sort_by_key(&mut out, |r| r.0);
    out
}

fn history(ctx: &mut Ctx, key: &ObjectKey) -> Output {
    if !matches!(
        key.kind,
        Kind::StatefulSet | Kind::DaemonSet | Kind::Deployment
    ) {
        return fail(format!(
            "error: no history viewer has been implemented for {:?}",
            key.kind.info().name
        ));
    }
    let revs = revisions(ctx, key);
    let label = kind_slash_name(key.kind, &key.name);
    if let Some(r) = ctx
        .args
        .value("revision")
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0)
    {
        let Some((_, _, tpl)) = revs.iter().find(|x| x.0 == r) else {
            return fail("error: unable to find the specified revision".to_string());
        };
        // rollout_history.go prints "%s\n%s" (name line, then the template), so the
        // template's own final newline is followed by one more.
        let mut text = format!("{label} with revision #{r}\n");
        if let Some(t) = tpl {
            text.push_str(&super::describe::pod_template_raw(t));
        }
        text.push('\n');
        return ok(text);
    }
    if revs.is_empty() {
        return ok("No rollout history found.\n");
    }
    let mut table = String::from("REVISION\tCHANGE-CAUSE\n");
    for (r, cause, _) in &revs {
        table.push_str(&format!("{r}\t{cause}\n"));
    }
    ok(format!(
        "{label} \n{}\n",
        TabWriter::describe().format(&table)
    ))
}

fn undo(ctx: &mut Ctx, key: &ObjectKey) -> Output {
    let revs = revisions(ctx, key);
    let to: i64 = ctx
        .args
        .value("to-revision")
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let label = kind_slash_name(key.kind, &key.name);
    let target = if to > 0 {
        match revs.iter().find(|r| r.0 == to) {
            Some(r) => r.clone(),
            None => {
                return fail(format!(
                    "error: unable to find specified revision {to} in history"
                ))
            }
        }
    } else {
        if revs.len() < 2 {
            return fail(format!(
                "error: no rollout history found for {} \"{}\"",
                key.kind.info().singular,
                key.name
            ));
        }
        revs[revs.len() - 2].clone()
    };
    let Some(mut tpl) = target.2 else {
        return fail(format!(
            "error: unable to read revision {} of {label}",
            target.0
        ));
    };
    if key.kind == Kind::Deployment {
        tpl.metadata.labels_mut().remove("pod-template-hash");
    }
    let current = ctx
        .sim
        .store()
        .get_obj(key)
        .cloned()
        .and_then(|mut o| template_mut(&mut o).cloned());
    if current.as_ref() == Some(&tpl) {
        return ok(format!(
            "{label} skipped rollback (current template already matches revision {})\n",
            target.0
        ));
    }
    match update_live(ctx, key, |o| {
        if let Some(t) = template_mut(o) {
            *t = tpl;
        }
        Ok(())
    }) {
        Ok(_) => ok(format!("{label} rolled back\n")),
        Err(e) => fail(e),
    }
}

fn restart(ctx: &mut Ctx, key: &ObjectKey) -> Output {
    let label = kind_slash_name(key.kind, &key.name);
    if let Some(Object::Deployment(d)) = ctx.sim.store().get_obj(key) {
        if d.spec.paused == Some(true) {
            return fail(format!("error: deployments.apps \"{}\" can't restart paused deployment (run rollout resume first)", key.name));
        }
    }
    if !matches!(
        key.kind,
        Kind::StatefulSet | Kind::DaemonSet | Kind::Deployment
    ) {
        return fail("error: restarting is not supported".to_string());
    }
    let now = ctx.sim.now().rfc3339();
    match update_live(ctx, key, |o| {
        if let Some(t) = template_mut(o) {
            t.metadata
                .annotations_mut()
                .insert("kubectl.kubernetes.io/restartedAt".into(), now);
        }
        Ok(())
    }) {
        Ok(_) => ok(format!("{label} restarted\n")),
        Err(e) => fail(e),
    }
}

fn pause(ctx: &mut Ctx, key: &ObjectKey, pause: bool) -> Output {
    let (ing, ed) = if pause {
        ("pausing", "paused")
    } else {
        ("resuming", "resumed")
    };
    if key.kind != Kind::Deployment {
        return fail(format!(
            "error: {} \"{}\" {ing} is not supported",
            key.kind.info().resource_group(),
            key.name
        ));
    }
    let label = kind_slash_name(key.kind, &key.name);
    let is_paused = matches!(ctx.sim.store().get_obj(key), Some(Object::Deployment(d)) if d.spec.paused == Some(true));
    if is_paused == pause {
        return fail(
            format!(
                "error: {} \"{}\" is not {}",
                key.kind.info().resource_group(),
                key.name,
                if pause { "resumed" } else { "paused" }
            )
            .replace(
                &format!("is not {}", if pause { "resumed" } else { "paused" }),
                &format!("is already {ed}"),
            ),
        );
    }
    match update_live(ctx, key, |o| {
        if let Object::Deployment(d) = o {
            d.spec.paused = if pause { Some(true) } else { None };
        }
        Ok(())
    }) {
        Ok(_) => ok(format!("{label} {ed}\n")),
        Err(e) => fail(e),
    }
}
