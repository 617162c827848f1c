//! `kubectl describe`: layouts from staging/src/k8s.io/kubectl/pkg/describe/describe.go,
//! written as tab-separated lines and aligned with describe's tabwriter (padding 2).

mod endpointslice;
mod kinds;
mod node;
mod pod;
mod storage;

use super::args::{bs, vs, Flag};
use super::duration::age;
use super::resources::{get, list, not_found, parse_targets};
use super::selector::LabelSel;
use super::table::TabWriter;
use super::{fail, Ctx};
use crate::engine::model::*;
use crate::engine::time::{SimTime, Timestamp};
use crate::engine::Sim;
use crate::script::Output;

pub use pod::pod_template_raw;

pub const FLAGS: &[Flag] = &[
    vs("selector", 'l'),
    bs("all-namespaces", 'A'),
    super::args::b("show-events"),
    super::args::v("chunk-size"),
    vs("filename", 'f'),
];

/// Lines being built for one object, indented by level like describe's PrefixWriter.
#[derive(Default)]
pub struct W {
    pub text: String,
}

impl W {
    pub fn line(&mut self, level: usize, s: &str) {
        self.text.push_str(&"  ".repeat(level));
        self.text.push_str(s);
        self.text.push('\n');
    }
    /// Aligned output (describe's tabwriter).
    pub fn render(&self) -> String {
        // Events tables are flushed separately in describe.go; a line without tabs ends a block
        // in the tabwriter anyway, so one pass gives the same result.
        TabWriter::describe().format(&self.text)
    }
}

/// `Sat, 21 Nov 2026 05:28:12 +0000` (Go's RFC1123Z).
pub fn rfc1123z(t: SimTime) -> String {
    let iso = t.rfc3339();
    let (date, time) = iso.split_once('T').unwrap_or((&iso, ""));
    let parts: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let (y, m, d) = (
        parts.first().copied().unwrap_or(1970),
        parts.get(1).copied().unwrap_or(1),
        parts.get(2).copied().unwrap_or(1),
    );
    let days = t.unix_secs().div_euclid(86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][((m - 1).clamp(0, 11)) as usize];
    format!(
        "{weekday}, {d:02} {month} {y} {} +0000",
        time.trim_end_matches('Z')
    )
}

/// describe's `<none>` for an empty value.
fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

pub fn ts(t: Option<Timestamp>) -> String {
    t.map(|t| rfc1123z(t.0)).unwrap_or_else(|| "<unset>".into())
}

/// printLabelsMultiline: sorted `k=v`, one per line, `<none>` when empty.
pub fn labels(w: &mut W, level: usize, title: &str, l: Option<&Labels>) {
    map_lines(w, level, title, l, "=", false);
}

/// printAnnotationsMultiline: `k: v`, skipping kubectl's last-applied-configuration.
pub fn annotations(w: &mut W, level: usize, title: &str, l: Option<&Labels>) {
    map_lines(w, level, title, l, ": ", true);
}

fn map_lines(w: &mut W, level: usize, title: &str, l: Option<&Labels>, sep: &str, skip: bool) {
    let entries: Vec<(&String, &String)> = l
        .into_iter()
        .flatten()
        .filter(|(k, _)| !(skip && k.as_str() == super::apply::LAST_APPLIED))
        .collect();
    if entries.is_empty() {
        w.line(level, &format!("{title}:\t<none>"));
        return;
    }
    for (i, (k, v)) in entries.iter().enumerate() {
        let mut value = (*v).clone();
        if skip && value.len() > 140 {
            value = format!(
                "{}...",
                &value[..value
                    .char_indices()
                    .nth(140)
                    .map(|(i, _)| i)
                    .unwrap_or(value.len())]
            );
        }
        // describe.go writes continuation lines at LEVEL_0 with no indent: only the tab
        // (visible in raw output such as `rollout history --revision`).
        if i == 0 {
            w.line(level, &format!("{title}:\t{k}{sep}{value}"));
        } else {
            w.line(0, &format!("\t{k}{sep}{value}"));
        }
    }
}

/// Events about an object, oldest last-seen first, as the Events: section.
pub fn events(w: &mut W, sim: &Sim, obj: &Object) {
    let uid = &obj.meta().uid;
    let mut evs: Vec<&Event> = sim
        .store()
        .list::<Event>()
        .filter(|e| {
            &e.involved_object.uid == uid
                || (e.involved_object.name == obj.meta().name
                    && e.involved_object.kind == obj.kind().info().name
                    && e.involved_object.uid.is_empty())
        })
        .collect();
    if evs.is_empty() {
        w.line(0, "Events:\t<none>");
        return;
    }
    crate::engine::stable_sort::sort_by_key(&mut evs, |e| e.last_timestamp.or(e.first_timestamp));
    let now = sim.now();
    w.line(0, "Events:");
    w.line(1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    for e in evs {
        let first = age(e.first_timestamp.or(e.metadata.creation_timestamp), now);
        let interval = if e.count > 1 {
            format!("{} (x{} over {first})", age(e.last_timestamp, now), e.count)
        } else {
            first
        };
        let source = if e.source.component.is_empty() {
            e.reporting_component.clone()
        } else {
            e.source.component.clone()
        };
        w.line(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}",
                e.type_,
                e.reason,
                e.message.trim()
            ),
        );
    }
}

pub fn describe_object(sim: &Sim, obj: &Object) -> String {
    let mut w = W::default();
    match obj {
        Object::Pod(p) => pod::describe_pod(&mut w, sim, p),
        Object::EndpointSlice(s) => endpointslice::describe(&mut w, s),
        other => kinds::describe(&mut w, sim, other),
    }
    if !matches!(
        obj,
        Object::Event(_) | Object::ControllerRevision(_) | Object::ConfigMap(_) | Object::Secret(_)
    ) {
        events(&mut w, sim, obj);
    }
    w.render()
}

pub fn run(ctx: &mut Ctx) -> Output {
    let targets = match parse_targets(&ctx.args.positionals) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    if targets.is_empty() {
        return fail("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
    }
    let ns = ctx.namespace();
    let mut blocks: Vec<String> = Vec::new();
    let mut errors = String::new();
    if targets.names.is_empty() {
        let sel = match ctx.args.value("selector").map(LabelSel::parse).transpose() {
            Ok(s) => s,
            Err(e) => return fail(format!("error: {e}")),
        };
        let scope = if ctx.all_namespaces() {
            None
        } else {
            Some(ns.as_str())
        };
        for kind in &targets.kinds {
            for o in list(ctx.sim, *kind, scope) {
                if sel.as_ref().is_none_or(|s| s.matches(o.meta().labels())) {
                    blocks.push(describe_object(ctx.sim, o));
                }
            }
        }
        if blocks.is_empty() {
            return Output::ok(super::resources::no_resources(
                scope,
                targets.kinds.iter().any(|k| k.info().namespaced),
            ));
        }
    } else {
        for (kind, name) in &targets.names {
            match get(ctx.sim, *kind, &ns, name) {
                Some(o) => blocks.push(describe_object(ctx.sim, o)),
                None => {
                    // kubectl describe also accepts a name prefix.
                    let prefixed: Vec<String> = list(ctx.sim, *kind, Some(&ns))
                        .into_iter()
                        .filter(|o| o.meta().name.starts_with(name.as_str()))
                        .map(|o| describe_object(ctx.sim, o))
                        .collect();
                    if prefixed.is_empty() {
                        errors.push_str(&not_found(*kind, name));
                        errors.push('\n');
                    }
                    blocks.extend(prefixed);
                }
            }
        }
    }
    let mut text = blocks.join("\n\n");
    if !text.is_empty() && !errors.is_empty() {
        text.push('\n');
    }
    let ok = errors.is_empty();
    text.push_str(&errors);
    Output { text, ok }
}

/// `Pods Status:  R Running / W Waiting / S Succeeded / F Failed` over the given pods.
pub fn pods_status<'a>(pods: impl Iterator<Item = &'a Pod>) -> String {
    let (mut r, mut wt, mut s, mut f) = (0, 0, 0, 0);
    for p in pods {
        match p.status.phase {
            PodPhase::Running => r += 1,
            PodPhase::Pending => wt += 1,
            PodPhase::Succeeded => s += 1,
            PodPhase::Failed => f += 1,
            PodPhase::Unknown | PodPhase::Other(_) => {}
        }
    }
    format!("{r} Running / {wt} Waiting / {s} Succeeded / {f} Failed")
}

/// Pods controlled by `owner` (by uid).
pub fn controlled_pods<'a>(
    sim: &'a Sim,
    owner: &'a ObjectMeta,
) -> impl Iterator<Item = &'a Pod> + 'a {
    sim.store()
        .list_in::<Pod>(&owner.namespace)
        .filter(move |p| {
            p.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == owner.uid)
        })
}

pub fn selector_text(s: Option<&LabelSelector>) -> String {
    match s {
        Some(sel) if !sel.is_empty() => sel.to_selector_string(),
        _ => "<none>".into(),
    }
}
