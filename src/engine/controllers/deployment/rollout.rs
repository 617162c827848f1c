//! Rollout strategies (`pkg/controller/deployment/rolling.go`, `recreate.go`, `sync.go` scale):
//! RollingUpdate within maxSurge (rounded up) and maxUnavailable (rounded down), Recreate, and
//! proportional scaling when only `replicas` changed mid-rollout.

use super::replicasets::{scale, RsView};
use crate::engine::action::Action;
use crate::engine::model::{Deployment, IntOrString, Pod};
use crate::engine::store::ObjectKey;

/// `ResolveFenceposts`: surge rounds up, unavailable rounds down; both 0 means unavailable 1.
pub fn fenceposts(d: &Deployment) -> (i32, i32) {
    let replicas = i64::from(d.spec.replicas.unwrap_or(1));
    let strategy = d.spec.strategy.as_ref();
    if strategy.and_then(|s| s.type_.as_deref()) == Some("Recreate") {
        return (0, 0);
    }
    let ru = strategy.and_then(|s| s.rolling_update.as_ref());
    let pct25 = IntOrString::String("25%".into());
    let surge_v = ru
        .and_then(|r| r.max_surge.clone())
        .unwrap_or_else(|| pct25.clone());
    let unavail_v = ru.and_then(|r| r.max_unavailable.clone()).unwrap_or(pct25);
    let surge = surge_v.scaled_value(replicas, true).unwrap_or(0) as i32;
    let mut unavailable = unavail_v.scaled_value(replicas, false).unwrap_or(0) as i32;
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// Writes go to `actions`; events about the Deployment to `events` (emitted after the writes).
pub struct Ctx<'a> {
    pub d: &'a Deployment,
    pub key: &'a ObjectKey,
    pub max_surge: i32,
    pub events: Vec<Action>,
}

impl Ctx<'_> {
    fn scale(&mut self, view: &mut RsView, to: i32) {
        scale(view, to, self.d, self.key, self.max_surge, &mut self.events);
    }
}

fn total(views: &[RsView]) -> i32 {
    views.iter().map(RsView::replicas).sum()
}

/// `NewRSNewReplicas` for RollingUpdate.
pub fn new_rs_replicas(d: &Deployment, views: &[RsView], new_replicas: i32, max_surge: i32) -> i32 {
    let desired = d.spec.replicas.unwrap_or(1);
    if d.spec.strategy.as_ref().and_then(|s| s.type_.as_deref()) == Some("Recreate") {
        return desired;
    }
    let max_total = desired + max_surge;
    let current = total(views);
    if current >= max_total {
        return new_replicas;
    }
    let up = (max_total - current).min(desired - new_replicas).max(0);
    new_replicas + up
}

/// One RollingUpdate step; `new` indexes the new ReplicaSet in `views`. Returns whether it
/// scaled anything (the real controller then only syncs status).
pub fn rolling(ctx: &mut Ctx, views: &mut [RsView], new: usize, max_unavailable: i32) -> bool {
    let desired = ctx.d.spec.replicas.unwrap_or(1);
    // reconcileNewReplicaSet
    let new_replicas = views[new].replicas();
    if new_replicas > desired {
        ctx.scale(&mut views[new], desired);
        return true;
    }
    if new_replicas < desired {
        let want = new_rs_replicas(ctx.d, views, new_replicas, ctx.max_surge);
        if want != new_replicas {
            ctx.scale(&mut views[new], want);
            return true;
        }
    }
    // reconcileOldReplicaSets
    let old_count: i32 = views
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != new)
        .map(|(_, v)| v.replicas())
        .sum();
    if old_count == 0 {
        return false;
    }
    let all = total(views);
    let min_available = desired - max_unavailable;
    let new_unavailable = views[new].replicas() - views[new].available();
    let max_scaled_down = all - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return false;
    }
    let mut old: Vec<usize> = (0..views.len()).filter(|i| *i != new).collect();
    // Oldest first (creation time, then name), as `ReplicaSetsByCreationTimestamp`.
    crate::engine::stable_sort::sort_by(&mut old, |a, b| {
        let (x, y) = (&views[*a].rs.metadata, &views[*b].rs.metadata);
        x.creation_timestamp
            .cmp(&y.creation_timestamp)
            .then(x.name.cmp(&y.name))
    });
    // cleanupUnhealthyReplicas: unavailable old pods go first, within maxScaledDown.
    let mut cleaned = 0;
    for &i in &old {
        if cleaned >= max_scaled_down {
            break;
        }
        let r = views[i].replicas();
        let unhealthy = r - views[i].available();
        if r == 0 || unhealthy <= 0 {
            continue;
        }
        let down = unhealthy.min(max_scaled_down - cleaned);
        ctx.scale(&mut views[i], r - down);
        cleaned += down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate: then available old pods, keeping minAvailable.
    let available: i32 = views.iter().map(RsView::available).sum();
    let budget = available - min_available;
    let mut scaled = 0;
    if budget > 0 {
        for &i in &old {
            if scaled >= budget {
                break;
            }
            let r = views[i].replicas();
            if r == 0 {
                continue;
            }
            let down = r.min(budget - scaled);
            ctx.scale(&mut views[i], r - down);
            scaled += down;
        }
    }
    cleaned + scaled > 0
}

/// Recreate: scale every old ReplicaSet to 0, wait until their pods are gone, then scale up
/// the new one. Returns the name of a pod still running, if the new one must wait.
pub fn recreate<'a>(
    ctx: &mut Ctx,
    views: &mut [RsView],
    new: usize,
    old_pods: &[&'a Pod],
) -> Option<&'a Pod> {
    let mut scaled_down = false;
    for (i, view) in views.iter_mut().enumerate() {
        if i != new && view.replicas() > 0 {
            ctx.scale(view, 0);
            scaled_down = true;
        }
    }
    if scaled_down {
        return old_pods.first().copied();
    }
    // `oldPodsRunning`: any old pod not yet finished (terminating ones count).
    if let Some(p) = old_pods.iter().find(|p| !p.is_terminal()) {
        return Some(p);
    }
    let desired = ctx.d.spec.replicas.unwrap_or(1);
    if let Some(v) = views.get_mut(new) {
        if v.replicas() != desired {
            ctx.scale(v, desired);
        }
    }
    None
}

/// `scale` in sync.go: `replicas` changed while several ReplicaSets are active; spread the
/// difference in proportion to their sizes (leftover to the newest).
pub fn proportional(ctx: &mut Ctx, views: &mut [RsView], new: Option<usize>) {
    let desired = ctx.d.spec.replicas.unwrap_or(1);
    let active: Vec<usize> = (0..views.len())
        .filter(|i| views[*i].replicas() > 0)
        .collect();
    if active.len() <= 1 {
        let target = active.first().copied().or(new);
        if let Some(i) = target {
            ctx.scale(&mut views[i], desired);
        }
        return;
    }
    let allowed = desired + ctx.max_surge;
    let current = total(views);
    let diff = allowed - current;
    if diff == 0 {
        return;
    }
    let mut given = 0;
    let mut targets: Vec<(usize, i32)> = Vec::new();
    for &i in &active {
        let r = views[i].replicas();
        let share = (i64::from(r) * i64::from(diff) / i64::from(current.max(1))) as i32;
        targets.push((i, r + share));
        given += share;
    }
    let leftover = diff - given;
    let newest = new
        .filter(|n| active.contains(n))
        .unwrap_or_else(|| active[active.len() - 1]);
    for (i, to) in targets {
        let to = if i == newest {
            (to + leftover).max(0)
        } else {
            to.max(0)
        };
        ctx.scale(&mut views[i], to);
    }
}
