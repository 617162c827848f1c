//! Commands that wait (`rollout status`, `delete`'s --wait, `get -w`, `drain`, `kubectl wait`)
//! step the simulation instead of sleeping: the engine runs until the condition holds, nothing
//! is left to do, or the timeout (simulated time) passes.

use super::args::{b, v, vs, Flag};
use super::resources::get;
use super::{fail, ok, Ctx};
use crate::engine::store::Change;
use crate::engine::time::{SimDuration, SimTime};
use crate::engine::Sim;
use crate::script::Output;

/// How a drive ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Done,
    /// The cluster went quiet without the condition holding.
    Idle,
    TimedOut,
}

/// Simulated time per slice while waiting: small enough that a command returns close to when
/// its condition came true, large enough to keep long waits cheap.
const SLICE: SimDuration = SimDuration(200);

/// Steps `sim` until `check` says done. `check` sees the watch events since its last call:
/// `None` on the first call (before any time passes), then after every write.
pub fn drive(
    sim: &mut Sim,
    timeout: SimDuration,
    mut check: impl FnMut(&Sim, Option<&[Change]>) -> bool,
) -> Ended {
    let deadline: SimTime = sim.now() + timeout;
    let mut rv = sim.store().resource_version();
    if check(sim, None) {
        return Ended::Done;
    }
    while sim.now() < deadline {
        // Retries that keep failing (a crash loop, an image pull back-off) still change what a
        // watch shows: restarts, back-off states, a briefly Ready container. Only a cluster
        // with nothing scheduled at all is idle here (`sim settle` ignores those retries).
        if sim.pending_work() + sim.pending_retries() == 0 {
            return Ended::Idle;
        }
        let step = SimDuration((deadline - sim.now()).0.min(SLICE.0));
        sim.advance_by(step);
        if sim.store().resource_version() == rv {
            // Nothing was written in this slice: no watch event to look at.
            continue;
        }
        let changes: Vec<Change> = sim
            .store()
            .changes_since(rv)
            .map(|it| it.cloned().collect())
            .unwrap_or_default();
        rv = sim.store().resource_version();
        // Called on every write, even one the change log leaves out (events).
        if check(sim, Some(&changes)) {
            return Ended::Done;
        }
    }
    Ended::TimedOut
}

/// Parses `--timeout` (`90s`, `5m`; `0` means kubectl's "wait forever", capped here).
pub fn timeout_arg(text: Option<&str>, default: SimDuration) -> Result<SimDuration, String> {
    match text {
        None => Ok(default),
        Some("0") | Some("0s") => Ok(SimDuration::from_secs(3600)),
        Some(t) => SimDuration::parse(t)
            .map_err(|e| format!("error: invalid argument \"{t}\" for \"--timeout\" flag: {e}")),
    }
}

pub const FLAGS: &[Flag] = &[
    v("for"),
    v("timeout"),
    bs_all(),
    vs("selector", 'l'),
    b("all-namespaces"),
    vs("filename", 'f'),
    b("local"),
];

const fn bs_all() -> Flag {
    super::args::b("all")
}

/// `kubectl wait --for=condition=Ready pod/web-0 --timeout=60s`, `--for=delete`.
pub fn run_wait(ctx: &mut Ctx) -> Output {
    let Some(cond) = ctx.args.value("for").map(str::to_string) else {
        return fail("error: unrecognized condition: \"\"");
    };
    let (keys, errors) = match super::scale::resolve_keys(ctx, "wait") {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if !errors.is_empty() && cond != "delete" {
        return fail(errors);
    }
    if keys.is_empty() && errors.is_empty() {
        return fail("error: no matching resources found");
    }
    let names: Vec<(crate::engine::model::Kind, String)> =
        keys.iter().map(|k| (k.kind, k.name.clone())).collect();
    let timeout = match timeout_arg(ctx.args.value("timeout"), SimDuration::from_secs(30)) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let ns = ctx.namespace();
    let mut out = String::new();
    for (kind, name) in &names {
        let label = super::resources::kind_slash_name(*kind, name);
        if get(ctx.sim, *kind, &ns, name).is_none() && cond != "delete" {
            return fail(format!("{out}{}", super::resources::not_found(*kind, name)));
        }
        let holds = |sim: &Sim| -> bool {
            let obj = get(sim, *kind, &ns, name);
            if cond == "delete" {
                return obj.is_none();
            }
            let Some(obj) = obj else { return false };
            let json = obj.to_json();
            if let Some(c) = cond.strip_prefix("condition=") {
                let (ctype, want) = c.split_once('=').unwrap_or((c, "True"));
                return json
                    .pointer("/status/conditions")
                    .and_then(|v| v.as_array())
                    .is_some_and(|a| {
                        a.iter().any(|x| {
                            x.get("type")
                                .and_then(|t| t.as_str())
                                .is_some_and(|t| t.eq_ignore_ascii_case(ctype))
                                && x.get("status")
                                    .and_then(|s| s.as_str())
                                    .is_some_and(|s| s.eq_ignore_ascii_case(want))
                        })
                    });
            }
            if let Some(j) = cond.strip_prefix("jsonpath=") {
                let (path, want) = j.split_once('=').unwrap_or((j, ""));
                let expr = if path.starts_with('{') {
                    path.to_string()
                } else {
                    format!("{{{path}}}")
                };
                return super::jsonpath::Template::parse(&expr)
                    .map(|t| {
                        t.values(&json)
                            .iter()
                            .any(|v| super::jsonpath::text_of(v) == want)
                    })
                    .unwrap_or(false);
            }
            false
        };
        match drive(ctx.sim, timeout, |sim, _| holds(sim)) {
            Ended::Done => {
                let verb = if cond == "delete" {
                    "deleted".to_string()
                } else {
                    "condition met".to_string()
                };
                out.push_str(&format!("{label} {verb}\n"));
            }
            _ => {
                return fail(format!(
                    "{out}error: timed out waiting for the condition on {}",
                    kind.info().plural.to_string() + "/" + name
                ));
            }
        }
    }
    ok(out)
}
