//! Startup and readiness probes. Probes are not executed; their results follow the injected
//! faults: a container passes its readiness probe unless `sim pod unready` holds, and then
//! fails it on every probe tick. Timing follows the prober: the first probe after
//! `initialDelaySeconds` (at least one second after the start, the prober's reaction time),
//! then one every `periodSeconds`; `failureThreshold` failures in a row make it unready,
//! `successThreshold` successes ready again. A container without a readiness probe is ready as
//! soon as it starts; `sim pod unready` on it behaves as if it had the default probe (period
//! 10 s, failureThreshold 3) answering HTTP 503, so such lessons still show the transition.

use super::plan::Plan;
use super::status;
use crate::engine::model::{Container, ContainerStatus, Probe};
use crate::engine::time::{SimDuration, SimTime};

struct Timing {
    first: SimTime,
    period: SimDuration,
    failure_threshold: u64,
}

fn timing(probe: Option<&Probe>, from: SimTime) -> Timing {
    let delay = probe
        .and_then(|p| p.initial_delay_seconds)
        .unwrap_or(0)
        .max(0) as u64;
    let period = probe.and_then(|p| p.period_seconds).unwrap_or(10).max(1) as u64;
    let failure_threshold = probe.and_then(|p| p.failure_threshold).unwrap_or(3).max(1) as u64;
    Timing {
        first: from + SimDuration::from_secs(delay.max(1)),
        period: SimDuration::from_secs(period),
        failure_threshold,
    }
}

impl Timing {
    /// The first probe tick at or after `t`.
    fn tick_at_or_after(&self, t: SimTime) -> SimTime {
        if t <= self.first {
            return self.first;
        }
        let since = (t - self.first).as_millis();
        let period = self.period.as_millis().max(1);
        let k = since.div_ceil(period);
        self.first + SimDuration(k * period)
    }
    fn is_tick(&self, t: SimTime) -> bool {
        t >= self.first && (t - self.first).as_millis() % self.period.as_millis().max(1) == 0
    }
}

/// Updates `started` and `ready` of a running container.
pub fn evaluate(plan: &mut Plan, container: &Container, cs: &mut ContainerStatus) {
    let Some(started_at) = status::running_since(cs) else {
        return;
    };
    let now = plan.now();

    // Startup probe: the container counts as started after its first successful probe.
    let started_at_probe = match &container.startup_probe {
        Some(p) => timing(Some(p), started_at).first,
        None => started_at,
    };
    if now < started_at_probe {
        cs.started = Some(false);
        cs.ready = false;
        plan.wake_at(started_at_probe);
        return;
    }
    cs.started = Some(true);

    let id = (
        plan.pod.metadata.namespace.clone(),
        plan.pod.metadata.name.clone(),
    );
    let unready = plan.ctx.faults.unready_pods.contains(&id);
    let probe = container.readiness_probe.as_ref();
    if probe.is_none() && !unready {
        cs.ready = true;
        return;
    }
    let t = timing(probe, started_at_probe.max(started_at));
    if !unready {
        if cs.ready {
            return;
        }
        if t.is_tick(now) {
            cs.ready = true;
        } else {
            plan.wake_at(t.tick_at_or_after(now));
        }
        return;
    }

    // Failing probes: from the first tick after the fault, `failureThreshold` failures in a row.
    let fault_since = plan
        .ctx
        .faults
        .unready_since
        .get(&id)
        .copied()
        .unwrap_or(started_at);
    let first_failure = t.tick_at_or_after(fault_since);
    let turns_unready =
        first_failure + SimDuration(t.period.as_millis() * (t.failure_threshold - 1));
    if now >= turns_unready {
        cs.ready = false;
    }
    if t.is_tick(now) && now >= first_failure && now <= turns_unready {
        let message = format!("Readiness probe failed: {}", failure_text(probe, plan));
        if !plan
            .history
            .recorded_at("Unhealthy", "Readiness probe failed", now)
        {
            plan.event(true, "Unhealthy", message);
        }
    }
    // Later failures change nothing a learner sees; stop ticking so the cluster can settle.
    if now < turns_unready {
        let next = if now < first_failure {
            first_failure
        } else {
            t.tick_at_or_after(now + SimDuration(1))
        };
        plan.wake_at(next.min(turns_unready));
    }
}

/// What the failing probe reports, by probe kind.
fn failure_text(probe: Option<&Probe>, plan: &Plan) -> String {
    let ip = plan.pod.status.pod_ip.clone().unwrap_or_default();
    match probe {
        Some(p) if p.tcp_socket.is_some() => {
            let port = p
                .tcp_socket
                .as_ref()
                .and_then(|v| v.get("port"))
                .map(|v| {
                    v.as_i64()
                        .map_or_else(|| v.as_str().unwrap_or("").to_string(), |n| n.to_string())
                })
                .unwrap_or_default();
            format!("dial tcp {ip}:{port}: connect: connection refused")
        }
        Some(p) if p.exec.is_some() => String::new(),
        Some(p) if p.grpc.is_some() => "service unhealthy (responded with \"NOT_SERVING\")".into(),
        _ => "HTTP probe failed with statuscode: 503".into(),
    }
}
