//! `kubectl get` (tables, -o formats, selectors, -A, multiple kinds, -w) and `kubectl events`.

use super::args::{b, bs, v, vs, Flag};
use super::output::{custom_columns_table, render_objects, sort_by, table_for, Format, TableOpts};
use super::resources::{get, list, no_resources, not_found, parse_targets, Targets};
use super::selector::{FieldSel, LabelSel};
use super::table::TabWriter;
use super::wait::{timeout_arg, Ended, Waiting};
use super::{fail, ok, Ctx};
use crate::engine::model::{Kind, Object};
use crate::engine::store::{Change, ChangeType};
use crate::engine::Sim;
use crate::script::Output;

pub const FLAGS: &[Flag] = &[
    vs("output", 'o'),
    vs("selector", 'l'),
    v("field-selector"),
    bs("all-namespaces", 'A'),
    bs("watch", 'w'),
    b("watch-only"),
    b("output-watch-events"),
    b("show-labels"),
    vs("label-columns", 'L'),
    v("sort-by"),
    b("no-headers"),
    b("show-kind"),
    b("ignore-not-found"),
    v("chunk-size"),
    vs("filename", 'f'),
    v("raw"),
    v("subresource"),
    b("show-managed-fields"),
    v("template"),
    bs("recursive", 'R'),
    vs("kustomize", 'k'),
    b("allow-missing-template-keys"),
    b("server-print"),
];

pub const EVENTS_FLAGS: &[Flag] = &[
    vs("output", 'o'),
    bs("all-namespaces", 'A'),
    v("for"),
    v("types"),
    bs("watch", 'w'),
    b("no-headers"),
];

/// Objects chosen for one kind, in print order.
struct Group<'a> {
    kind: Kind,
    objs: Vec<&'a Object>,
}

pub fn run(ctx: &mut Ctx) -> Output {
    if let Some(raw) = ctx.args.value("raw") {
        return raw_get(raw);
    }
    let format = match Format::parse(ctx.args.value("output")) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let targets = match parse_targets(&ctx.args.positionals) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    if targets.is_empty() {
        return fail("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
    }
    let label_sel = match ctx.args.value("selector").map(LabelSel::parse).transpose() {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    let field_sel = match ctx
        .args
        .value("field-selector")
        .map(FieldSel::parse)
        .transpose()
    {
        Ok(s) => s,
        Err(e) => return fail(format!("Error from server (BadRequest): {e}")),
    };
    let all_ns = ctx.all_namespaces();
    let ns = ctx.namespace();
    let scope = if all_ns { None } else { Some(ns.as_str()) };
    let (groups, errors) = match select(ctx, &targets, scope, &label_sel, &field_sel) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let mut groups = groups;
    if let Some(field) = ctx.args.value("sort-by") {
        for g in &mut groups {
            if let Err(e) = sort_by(&mut g.objs, field) {
                return fail(e);
            }
        }
    }
    let ignore_nf = ctx.args.flag("ignore-not-found");
    let mut text = String::new();
    let total: usize = groups.iter().map(|g| g.objs.len()).sum();
    let now = ctx.sim.now();
    let no_headers = ctx.args.flag("no-headers");
    let watching = ctx.args.flag("watch") || ctx.args.flag("watch-only");
    if format.is_table() || (watching && matches!(format, Format::CustomColumns(_))) {
        let mut first = true;
        let show_kind = targets.multi_kind || ctx.args.flag("show-kind");
        let mut writer = TabWriter::table();
        for g in groups.iter().filter(|g| !g.objs.is_empty()) {
            if !first {
                text.push('\n');
            }
            first = false;
            let opts = TableOpts {
                wide: format == Format::Wide,
                with_kind: show_kind,
                with_namespace: all_ns && g.kind.info().namespaced,
                show_labels: ctx.args.flag("show-labels"),
                label_columns: ctx
                    .args
                    .values("label-columns")
                    .iter()
                    .flat_map(|l| l.split(',').map(str::to_string))
                    .collect(),
                no_headers,
            };
            let t = match &format {
                Format::CustomColumns(cols) => match custom_columns_table(cols, &g.objs) {
                    Ok(t) => t,
                    Err(e) => return fail(e),
                },
                _ => table_for(g.kind, &g.objs, now, &opts),
            };
            // Each kind's table is its own flush; RememberWidths only matters for -w.
            writer = TabWriter::table();
            let mut tsv = t.to_tsv(no_headers);
            if ctx.args.flag("output-watch-events") && ctx.args.flag("watch") {
                // The initial listing arrives as ADDED events, under an EVENT column.
                tsv = with_event_column(&tsv, !no_headers, "ADDED");
            }
            text.push_str(&writer.format(&tsv));
        }
        if ctx.args.flag("watch") || ctx.args.flag("watch-only") {
            if ctx.args.flag("watch-only") {
                text.clear();
            }
            let kinds: Vec<Kind> = groups.iter().map(|g| g.kind).collect();
            let listed: Vec<Kind> = if ctx.args.flag("watch-only") {
                Vec::new()
            } else {
                groups
                    .iter()
                    .filter(|g| !g.objs.is_empty())
                    .map(|g| g.kind)
                    .collect()
            };
            let names: Vec<(Kind, String)> = if targets.names.is_empty() {
                Vec::new()
            } else {
                groups
                    .iter()
                    .flat_map(|g| g.objs.iter().map(move |o| (g.kind, o.meta().name.clone())))
                    .collect()
            };
            let scope = scope.map(str::to_string);
            drop(groups);
            let spec = WatchSpec {
                listed,
                kinds,
                names,
                with_kind: targets.multi_kind,
                all_ns,
                scope,
                label_sel,
                format,
            };
            return watch(ctx, spec, writer, text);
        }
    } else {
        let objs: Vec<&Object> = groups.iter().flat_map(|g| g.objs.iter().copied()).collect();
        let single = targets.names.len() == 1 && !targets.multi_kind;
        if !(objs.is_empty()
            && (single || matches!(format, Format::Name | Format::CustomColumns(_))))
        {
            match render_objects(&format, &objs, single, no_headers) {
                Ok(t) => text.push_str(&t),
                Err(e) => return fail(e),
            }
        }
    }
    let mut ok_status = true;
    for e in &errors {
        if !ignore_nf {
            text.push_str(e);
            text.push('\n');
            ok_status = false;
        }
    }
    if total == 0 && errors.is_empty() && format.is_table() && targets.names.is_empty() {
        let any_namespaced = groups.iter().any(|g| g.kind.info().namespaced);
        text.push_str(&no_resources(scope, any_namespaced));
    }
    Output {
        text,
        ok: ok_status,
    }
}

/// Chooses the objects: by name (NotFound errors collected) or by listing with selectors.
fn select<'a>(
    ctx: &'a Ctx,
    targets: &Targets,
    scope: Option<&str>,
    label_sel: &Option<LabelSel>,
    field_sel: &Option<FieldSel>,
) -> Result<(Vec<Group<'a>>, Vec<String>), String> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    let mut errors = Vec::new();
    let ns = ctx.namespace();
    let matches = |o: &Object| {
        label_sel
            .as_ref()
            .is_none_or(|s| s.matches(o.meta().labels()))
            && field_sel.as_ref().is_none_or(|f| f.matches(o))
    };
    if !targets.names.is_empty() {
        for (kind, name) in &targets.names {
            match get(ctx.sim, *kind, &ns, name) {
                Some(o) if matches(o) => group_for(&mut groups, *kind).objs.push(o),
                Some(_) => {}
                None => errors.push(not_found(*kind, name)),
            }
        }
        return Ok((groups, errors));
    }
    for kind in &targets.kinds {
        if let Some(f) = field_sel {
            let labels = ctx.args.value("selector").unwrap_or_default();
            f.check_supported(kind.info().name, kind.info().plural, labels)?;
        }
        let objs: Vec<&Object> = list(ctx.sim, *kind, scope)
            .into_iter()
            .filter(|o| matches(o))
            .collect();
        group_for(&mut groups, *kind).objs.extend(objs);
    }
    Ok((groups, errors))
}

fn group_for<'a, 'b>(groups: &'b mut Vec<Group<'a>>, kind: Kind) -> &'b mut Group<'a> {
    if let Some(i) = groups.iter().position(|g| g.kind == kind) {
        return &mut groups[i];
    }
    groups.push(Group {
        kind,
        objs: Vec::new(),
    });
    let last = groups.len() - 1;
    &mut groups[last]
}

/// `--output-watch-events`: each row of a tab-separated table prefixed with its watch event
/// type, and the header (when there is one) with `EVENT`.
fn with_event_column(tsv: &str, has_header: bool, event: &str) -> String {
    tsv.lines()
        .enumerate()
        .map(|(i, l)| {
            if has_header && i == 0 {
                format!("EVENT\t{l}\n")
            } else {
                format!("{event}\t{l}\n")
            }
        })
        .collect()
}

/// Most rows `get -w` prints before it stops (a bound on output, whatever the cluster does).
const WATCH_ROW_CAP: usize = 400;

/// What `get -w` keeps watching.
struct WatchSpec {
    /// Kinds whose table (with its header) was already printed.
    listed: Vec<Kind>,
    kinds: Vec<Kind>,
    names: Vec<(Kind, String)>,
    with_kind: bool,
    all_ns: bool,
    scope: Option<String>,
    label_sel: Option<LabelSel>,
    format: Format,
}

/// `get -w` in a script: after the listing, run the cluster until it settles and print one row
/// per change of a watched object, as each watch event arrives.
fn watch(ctx: &mut Ctx, spec: WatchSpec, mut writer: TabWriter, text: String) -> Output {
    let WatchSpec {
        listed,
        kinds,
        names,
        with_kind,
        all_ns,
        scope,
        label_sel,
        format,
    } = spec;
    let timeout = match timeout_arg(ctx.args.value("timeout"), ctx.sim.config().settle_limit) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let wide = format == Format::Wide;
    let show_labels = ctx.args.flag("show-labels");
    let with_events = ctx.args.flag("output-watch-events");
    let mut rows = 0usize;
    let now_of = |sim: &crate::engine::Sim| sim.now();
    // Kinds whose header is not printed yet (nothing was listed before the watch began).
    let mut need_header: Vec<Kind> = kinds
        .iter()
        .copied()
        .filter(|k| !listed.contains(k))
        .collect();
    // Events stay out of the store's change log; watch them by comparing snapshots.
    let watch_events = kinds.contains(&Kind::Event);
    let event_state =
        |sim: &crate::engine::Sim| -> std::collections::BTreeMap<(String, String), (i32, String)> {
            sim.store()
                .list::<crate::engine::model::Event>()
                .map(|e| {
                    let last = e.last_timestamp.map(|t| t.0.rfc3339()).unwrap_or_default();
                    (
                        (e.metadata.namespace.clone(), e.metadata.name.clone()),
                        (e.count, last),
                    )
                })
                .collect()
        };
    let mut seen_events = if watch_events {
        event_state(ctx.sim)
    } else {
        Default::default()
    };
    let check = Box::new(
        move |sim: &Sim, changes: Option<&[Change]>, printed: &mut String| {
            let Some(changes) = changes else { return false };
            let mut synthetic: Vec<crate::engine::store::Change> = Vec::new();
            if watch_events {
                let now_state = event_state(sim);
                for (key, state) in &now_state {
                    if seen_events.get(key) != Some(state) {
                        if let Some(e) = sim
                            .store()
                            .get::<crate::engine::model::Event>(&key.0, &key.1)
                        {
                            synthetic.push(crate::engine::store::Change {
                                resource_version: 0,
                                time: sim.now(),
                                change: if seen_events.contains_key(key) {
                                    ChangeType::Modified
                                } else {
                                    ChangeType::Added
                                },
                                object: Object::Event(e.clone()),
                            });
                        }
                    }
                }
                seen_events = now_state;
            }
            for ch in changes.iter().chain(synthetic.iter()) {
                let o = &ch.object;
                if !kinds.contains(&o.kind()) {
                    continue;
                }
                if let Some(ns) = &scope {
                    if o.kind().info().namespaced && &o.meta().namespace != ns {
                        continue;
                    }
                }
                if !names.is_empty()
                    && !names
                        .iter()
                        .any(|(k, n)| *k == o.kind() && n == &o.meta().name)
                {
                    continue;
                }
                if label_sel
                    .as_ref()
                    .is_some_and(|s| !s.matches(o.meta().labels()))
                {
                    continue;
                }
                let opts = TableOpts {
                    wide,
                    with_kind,
                    with_namespace: all_ns && o.kind().info().namespaced,
                    show_labels,
                    ..Default::default()
                };
                let t = match &format {
                    Format::CustomColumns(cols) => match custom_columns_table(cols, &[o]) {
                        Ok(t) => t,
                        Err(_) => continue,
                    },
                    _ => table_for(o.kind(), &[o], now_of(sim), &opts),
                };
                let mut line = t.to_tsv(!need_header.contains(&o.kind()));
                need_header.retain(|k| *k != o.kind());
                if with_events {
                    let ev = match ch.change {
                        ChangeType::Added => "ADDED",
                        ChangeType::Modified => "MODIFIED",
                        ChangeType::Deleted => "DELETED",
                    };
                    let with_header = line.lines().count() > 1;
                    line = with_event_column(&line, with_header, ev);
                }
                printed.push_str(&writer.format(&line));
                rows += 1;
                // The only way the check ends the wait: `then` reads a `Done` as the cap.
                if rows >= WATCH_ROW_CAP {
                    return true;
                }
            }
            false
        },
    );
    // The listing comes first, as kubectl prints it before watching.
    let waiting = Waiting::start(ctx.sim, timeout, check).after(text);
    let then = Box::new(move |_: &Sim, ended: Ended, mut text: String| {
        if ended == Ended::Done {
            text.push_str(&format!(
                "(kubeplay: stopped watching after {WATCH_ROW_CAP} rows)\n"
            ));
        }
        ok(text)
    });
    ctx.wait(waiting, then)
}

/// `kubectl get --raw /version` and friends.
fn raw_get(path: &str) -> Output {
    match path {
        "/version" => ok(super::info::server_version_json()),
        "/healthz" | "/readyz" | "/livez" => ok("ok"),
        _ => fail(
            "Error from server (NotFound): the server could not find the requested resource"
                .to_string(),
        ),
    }
}

/// `kubectl events`: events sorted by time, with the kubectl-events columns.
pub fn run_events(ctx: &mut Ctx) -> Output {
    let all_ns = ctx.all_namespaces();
    let ns = ctx.namespace();
    let now = ctx.sim.now();
    let mut evs: Vec<&crate::engine::model::Event> = ctx
        .sim
        .store()
        .list::<crate::engine::model::Event>()
        .filter(|e| all_ns || e.metadata.namespace == ns)
        .collect();
    if let Some(target) = ctx.args.value("for") {
        let (k, n) = target.split_once('/').unwrap_or(("", target));
        let kind = if k.is_empty() { None } else { Kind::lookup(k) };
        evs.retain(|e| {
            e.involved_object.name == n
                && kind.is_none_or(|k| k.info().name == e.involved_object.kind)
        });
    }
    if let Some(types) = ctx.args.value("types") {
        let types: Vec<&str> = types.split(',').collect();
        evs.retain(|e| types.iter().any(|t| t.eq_ignore_ascii_case(&e.type_)));
    }
    crate::engine::stable_sort::sort_by_key(&mut evs, |e| {
        (
            e.last_timestamp.or(e.first_timestamp),
            e.metadata.creation_timestamp,
        )
    });
    if evs.is_empty() {
        return ok(if all_ns {
            "No events found.\n".to_string()
        } else {
            format!("No events found in {ns} namespace.\n")
        });
    }
    let mut t = String::new();
    if all_ns {
        t.push_str("NAMESPACE\t");
    }
    t.push_str("LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n");
    for e in evs {
        if all_ns {
            t.push_str(&e.metadata.namespace);
            t.push('\t');
        }
        t.push_str(&format!(
            "{}\t{}\t{}\t{}/{}\t{}\n",
            super::printers::event_last_seen(e, now),
            e.type_,
            e.reason,
            e.involved_object.kind,
            e.involved_object.name,
            e.message.trim()
        ));
    }
    ok(TabWriter::table().format(&t))
}
