//! The Deployment controller (`pkg/controller/deployment`): a ReplicaSet per template
//! (`<deployment>-<pod-template-hash>`), rolled by RollingUpdate or Recreate, with the revision
//! annotations `kubectl rollout history/undo` read and the Available/Progressing conditions.
//!
//! The pod-template-hash is `ComputeHash` in shape (FNV-32a, decimal, safe-encoded, only
//! `456789bcdf`) but hashes the template's JSON, not Go's deep-printed struct, so the string
//! differs from what a real cluster prints for the same manifest. Equal templates still give
//! equal hashes, which is what rollbacks rely on.

pub mod replicasets;
pub mod rollout;

use crate::engine::action::{Action, Reconcile, WhyReason};
use crate::engine::model::{
    Deployment, DeploymentStatus, Kind, Object, Pod, ReplicaSet, WorkloadCondition,
};
use crate::engine::store::ObjectKey;
use crate::engine::time::{SimDuration, SimTime, Timestamp};
use crate::engine::Ctx;
use replicasets::{RsView, REVISION};

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut r = Reconcile::default();
    let Some(d) = ctx.store.get::<Deployment>(&key.namespace, &key.name) else {
        return r;
    };
    if d.metadata.is_terminating() {
        return r;
    }
    let mut views: Vec<RsView> = ctx
        .store
        .owned_by(&d.metadata.uid)
        .filter(|k| k.kind == Kind::ReplicaSet)
        .filter_map(|k| ctx.store.get::<ReplicaSet>(&k.namespace, &k.name))
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|o| o.uid == d.metadata.uid)
        })
        .map(|rs| RsView {
            rs: rs.clone(),
            created: false,
            changed: false,
        })
        .collect();
    crate::engine::stable_sort::sort_by(&mut views, |a, b| {
        let (x, y) = (&a.rs.metadata, &b.rs.metadata);
        x.creation_timestamp
            .cmp(&y.creation_timestamp)
            .then(x.name.cmp(&y.name))
    });
    let (max_surge, max_unavailable) = rollout::fenceposts(d);
    let mut new = views
        .iter()
        .position(|v| replicasets::same_template(&v.rs.spec.template, &d.spec.template));
    let max_old_revision = views
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != new)
        .map(|(_, v)| v.revision())
        .max()
        .unwrap_or(0);
    let mut status = d.status.clone();
    let mut rctx = rollout::Ctx {
        d,
        key,
        max_surge,
        events: Vec::new(),
    };
    let recreate = d.spec.strategy.as_ref().and_then(|s| s.type_.as_deref()) == Some("Recreate");
    let paused = d.spec.paused == Some(true);
    let desired = d.spec.replicas.unwrap_or(1);
    let scaling_event = views.iter().any(|v| {
        v.replicas() > 0
            && v.rs
                .metadata
                .annotations()
                .get(replicasets::DESIRED_REPLICAS)
                .and_then(|s| s.parse::<i32>().ok())
                .is_some_and(|want| want != desired)
    });

    check_paused(d, &mut status, ctx.now);
    if let Some(i) = new {
        // An old template came back (rollback or re-apply): its ReplicaSet becomes the newest revision.
        if replicasets::bump_revision(&mut views[i].rs, max_old_revision + 1) {
            views[i].changed = true;
        }
        // minReadySeconds follows the Deployment.
        if views[i].rs.spec.min_ready_seconds != d.spec.min_ready_seconds {
            views[i].rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
            views[i].changed = true;
        }
        if condition(&status, "Progressing").is_none() {
            set_condition(
                &mut status,
                ctx.now,
                "Progressing",
                "True",
                "FoundNewReplicaSet",
                format!("Found new replica set \"{}\"", views[i].name()),
            );
        }
    }

    if paused || (scaling_event && new.is_some()) {
        rollout::proportional(&mut rctx, &mut views, new);
    } else if recreate {
        let old_pods: Vec<&Pod> = views
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != new)
            .flat_map(|(_, v)| ctx.store.owned_by(&v.rs.metadata.uid))
            .filter(|k| k.kind == Kind::Pod)
            .filter_map(|k| ctx.store.get::<Pod>(&k.namespace, &k.name))
            .collect();
        let waiting_on_old = views
            .iter()
            .enumerate()
            .any(|(i, v)| Some(i) != new && v.replicas() > 0)
            || old_pods.iter().any(|p| !p.is_terminal());
        if new.is_none() && !waiting_on_old {
            new = Some(create_new(
                &mut views,
                &mut status,
                &mut rctx,
                ctx.now,
                max_old_revision,
                0,
            ));
        }
        let target = new.unwrap_or(views.len());
        if let Some(blocker) = rollout::recreate(&mut rctx, &mut views, target, &old_pods) {
            r.wait(
                key.clone(),
                WhyReason::Other(format!(
                    "Recreate: the new ReplicaSet starts only after every old pod is gone ({} is still there)",
                    blocker.metadata.name
                )),
            );
        }
    } else {
        if new.is_none() {
            let replicas = rollout::new_rs_replicas(d, &views, 0, max_surge);
            new = Some(create_new(
                &mut views,
                &mut status,
                &mut rctx,
                ctx.now,
                max_old_revision,
                replicas,
            ));
        }
        if let Some(i) = new {
            if !rollout::rolling(&mut rctx, &mut views, i, max_unavailable) {
                explain_rolling(&views, i, d, max_unavailable, key, &mut r);
            }
        }
    }

    let complete = new.is_some_and(|i| {
        let v = &views[i];
        v.replicas() == desired
            && views
                .iter()
                .enumerate()
                .all(|(j, o)| j == i || o.replicas() == 0)
    });
    if complete {
        cleanup_old(d, &views, new, &mut r.actions);
    }
    replicasets::write(&views, &mut r.actions);
    r.actions.append(&mut rctx.events);

    compute_status(d, &views, new, &mut status, ctx.now, max_unavailable);
    let mut updated = d.clone();
    if let Some(i) = new {
        let rev = views[i].revision().to_string();
        updated
            .metadata
            .annotations_mut()
            .insert(REVISION.into(), rev);
    }
    updated.status = status;
    if updated != *d {
        r.act(Action::Update(Object::Deployment(updated.clone())));
    }
    // Like `requeueStuckDeployment`, look again at the progress deadline, but only while a new
    // pod is actually stuck, so a healthy rollout leaves no 10-minute timer behind.
    let stuck = new.is_some_and(|i| {
        ctx.store
            .owned_by(&views[i].rs.metadata.uid)
            .filter(|k| k.kind == Kind::Pod)
            .filter_map(|k| ctx.store.get::<Pod>(&k.namespace, &k.name))
            .any(pod_is_stuck)
    });
    if stuck {
        if let Some(after) = deadline_recheck(&updated, ctx.now) {
            r.requeue(after);
        }
    }
    r
}

/// A pod that will not become Ready by itself: unschedulable, or a container in back-off.
fn pod_is_stuck(p: &Pod) -> bool {
    const STUCK: &[&str] = &[
        "ImagePullBackOff",
        "ErrImagePull",
        "CrashLoopBackOff",
        "CreateContainerConfigError",
        "InvalidImageName",
        "RunContainerError",
    ];
    let unschedulable = p
        .condition("PodScheduled")
        .is_some_and(|c| c.status == "False");
    let backing_off = p
        .status
        .container_statuses
        .iter()
        .any(|c| c.waiting_reason().is_some_and(|r| STUCK.contains(&r)));
    !p.metadata.is_terminating() && (unschedulable || backing_off)
}

fn create_new(
    views: &mut Vec<RsView>,
    status: &mut DeploymentStatus,
    rctx: &mut rollout::Ctx,
    now: SimTime,
    max_old: i64,
    replicas: i32,
) -> usize {
    let rs = replicasets::new_replica_set(rctx.d, replicas, max_old + 1, rctx.max_surge);
    let name = rs.metadata.name.clone();
    if replicas > 0 {
        rctx.events
            .push(crate::engine::controllers::controller_utils::event(
                rctx.key,
                false,
                "ScalingReplicaSet",
                format!("Scaled up replica set {name} from 0 to {replicas}"),
                crate::engine::action::ControllerId::Deployment,
            ));
    }
    set_condition(
        status,
        now,
        "Progressing",
        "True",
        "NewReplicaSetCreated",
        format!("Created new replica set \"{name}\""),
    );
    views.push(RsView {
        rs,
        created: true,
        changed: true,
    });
    views.len() - 1
}

fn explain_rolling(
    views: &[RsView],
    new: usize,
    d: &Deployment,
    max_unavailable: i32,
    key: &ObjectKey,
    r: &mut Reconcile,
) {
    let desired = d.spec.replicas.unwrap_or(1);
    let v = &views[new];
    let old: i32 = views
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != new)
        .map(|(_, o)| o.replicas())
        .sum();
    if old > 0 && v.available() < v.replicas() {
        r.wait(
            key.clone(),
            WhyReason::Other(format!(
                "rolling update: {} of {} new pods ({}) are available; old pods are scaled down only while at least {} of {desired} stay available (maxUnavailable {max_unavailable})",
                v.available(),
                v.replicas(),
                v.name(),
                desired - max_unavailable
            )),
        );
    }
}

/// `cleanupDeployment`: old ReplicaSets with no replicas beyond revisionHistoryLimit, oldest first.
fn cleanup_old(d: &Deployment, views: &[RsView], new: Option<usize>, actions: &mut Vec<Action>) {
    let limit = d.spec.revision_history_limit.unwrap_or(10).max(0) as usize;
    let mut old: Vec<&RsView> = views
        .iter()
        .enumerate()
        .filter(|(i, v)| {
            Some(*i) != new && v.replicas() == 0 && v.rs.status.replicas == 0 && !v.created
        })
        .map(|(_, v)| v)
        .collect();
    if old.len() <= limit {
        return;
    }
    crate::engine::stable_sort::sort_by_key(&mut old, |v| {
        (v.revision(), v.rs.metadata.creation_timestamp)
    });
    let extra = old.len() - limit;
    for v in old.into_iter().take(extra) {
        actions.push(Action::Delete {
            key: ObjectKey::new(
                Kind::ReplicaSet,
                &v.rs.metadata.namespace,
                &v.rs.metadata.name,
            ),
            grace_seconds: None,
            propagation: Default::default(),
        });
    }
}

/// `checkPausedConditions`: Progressing Unknown `DeploymentPaused` / `DeploymentResumed`.
fn check_paused(d: &Deployment, status: &mut DeploymentStatus, now: SimTime) {
    let reason = condition(status, "Progressing").and_then(|c| c.reason.clone());
    if reason.as_deref() == Some("ProgressDeadlineExceeded") {
        return;
    }
    let paused_shown = reason.as_deref() == Some("DeploymentPaused");
    if d.spec.paused == Some(true) && !paused_shown {
        set_condition(
            status,
            now,
            "Progressing",
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused".into(),
        );
    } else if d.spec.paused != Some(true) && paused_shown {
        set_condition(
            status,
            now,
            "Progressing",
            "Unknown",
            "DeploymentResumed",
            "Deployment is resumed".into(),
        );
    }
}

fn condition<'a>(status: &'a DeploymentStatus, type_: &str) -> Option<&'a WorkloadCondition> {
    status.conditions.iter().find(|c| c.type_ == type_)
}

/// `SetDeploymentCondition`: no change for the same status and reason; the transition time
/// moves only when the status does; the condition goes to the end of the list.
fn set_condition(
    status: &mut DeploymentStatus,
    now: SimTime,
    type_: &str,
    value: &str,
    reason: &str,
    message: String,
) {
    let current = condition(status, type_).cloned();
    if let Some(c) = &current {
        if c.status == value && c.reason.as_deref() == Some(reason) {
            return;
        }
    }
    let transition = match &current {
        Some(c) if c.status == value => c.last_transition_time,
        _ => Some(Timestamp(now)),
    };
    status.conditions.retain(|c| c.type_ != type_);
    status.conditions.push(WorkloadCondition {
        last_transition_time: transition,
        last_update_time: Some(Timestamp(now)),
        message: Some(message),
        reason: Some(reason.into()),
        status: value.into(),
        type_: type_.into(),
    });
}

/// `calculateStatus` and `syncRolloutStatus`.
fn compute_status(
    d: &Deployment,
    views: &[RsView],
    new: Option<usize>,
    status: &mut DeploymentStatus,
    now: SimTime,
    max_unavailable: i32,
) {
    let desired = d.spec.replicas.unwrap_or(1);
    let old = d.status.clone();
    let sum = |f: fn(&ReplicaSet) -> i32| {
        views
            .iter()
            .filter(|v| !v.created)
            .map(|v| f(&v.rs))
            .sum::<i32>()
    };
    status.replicas = sum(|rs| rs.status.replicas);
    status.ready_replicas = sum(|rs| rs.status.ready_replicas);
    status.available_replicas = sum(|rs| rs.status.available_replicas);
    status.updated_replicas = new
        .map(|i| &views[i])
        .filter(|v| !v.created)
        .map_or(0, |v| v.rs.status.replicas);
    status.unavailable_replicas = (desired - status.available_replicas).max(0);
    status.observed_generation = Some(d.metadata.generation);
    if status.available_replicas >= desired - max_unavailable {
        set_condition(
            status,
            now,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
        );
    } else {
        set_condition(
            status,
            now,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
        );
    }
    let Some(i) = new else { return };
    let name = views[i].name().to_string();
    let current = condition(status, "Progressing").cloned();
    let already_complete = status.replicas == status.updated_replicas
        && current
            .as_ref()
            .is_some_and(|c| c.reason.as_deref() == Some("NewReplicaSetAvailable"));
    if already_complete || d.spec.paused == Some(true) {
        return;
    }
    let complete = status.updated_replicas == desired
        && status.replicas == desired
        && status.available_replicas == desired
        && status.observed_generation.unwrap_or(0) >= d.metadata.generation;
    let progressing = status.updated_replicas > old.updated_replicas
        || status.ready_replicas > old.ready_replicas
        || status.available_replicas > old.available_replicas
        || (status.replicas - status.updated_replicas) < (old.replicas - old.updated_replicas);
    if complete {
        set_condition(
            status,
            now,
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            format!("ReplicaSet \"{name}\" has successfully progressed."),
        );
    } else if progressing {
        // A refreshed ReplicaSetUpdated keeps its transition time but moves lastUpdateTime.
        let transition = current
            .as_ref()
            .filter(|c| c.status == "True")
            .and_then(|c| c.last_transition_time);
        status.conditions.retain(|c| c.type_ != "Progressing");
        set_condition(
            status,
            now,
            "Progressing",
            "True",
            "ReplicaSetUpdated",
            format!("ReplicaSet \"{name}\" is progressing."),
        );
        if let (Some(t), Some(c)) = (
            transition,
            status
                .conditions
                .iter_mut()
                .find(|c| c.type_ == "Progressing"),
        ) {
            c.last_transition_time = Some(t);
        }
    } else if timed_out(d, current.as_ref(), now) {
        set_condition(
            status,
            now,
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            format!("ReplicaSet \"{name}\" has timed out progressing."),
        );
    }
}

fn deadline(d: &Deployment) -> SimDuration {
    SimDuration::from_secs(d.spec.progress_deadline_seconds.unwrap_or(600).max(0) as u64)
}

fn timed_out(d: &Deployment, progressing: Option<&WorkloadCondition>, now: SimTime) -> bool {
    let Some(c) = progressing else { return false };
    if c.reason.as_deref() == Some("NewReplicaSetAvailable")
        || c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    {
        return false;
    }
    c.last_update_time.is_some_and(|t| t.0 + deadline(d) < now)
}

/// When an unfinished rollout would pass its progress deadline, to look again then.
fn deadline_recheck(d: &Deployment, now: SimTime) -> Option<SimDuration> {
    let c = condition(&d.status, "Progressing")?;
    if c.status != "True"
        || c.reason.as_deref() == Some("NewReplicaSetAvailable")
        || d.spec.paused == Some(true)
    {
        return None;
    }
    let at = c.last_update_time?.0 + deadline(d) + SimDuration::from_secs(1);
    (at > now).then(|| at - now)
}
