//! `kubectl set resources`: requests and limits on the containers of a pod or pod template, as
//! the v1.32.4 client does it (staging/src/k8s.io/kubectl/pkg/cmd/set/set_resources.go).
//!
//! Order of checks as in kubectl: the resources are looked up first (a missing one fails the
//! whole command before anything changes), then the flags are validated, then each object is
//! patched. An object whose containers do not match `-c` is left alone with an error; one that
//! does not change prints nothing (kubectl skips an empty patch).

use super::apply::Admission;
use super::output::{render_objects, Format};
use super::resources::kind_slash_name;
use super::scale::{resolve_keys, template_mut};
use super::{fail, Ctx};
use crate::engine::model::{parse_quantity_milli, Container, Object, PodSpec, Quantity};
use crate::engine::store::ObjectKey;
use crate::script::Output;
use std::collections::BTreeMap;

/// `--limits` / `--requests` parsed: resource name -> quantity, in the order given.
type ResourceList = Vec<(String, Quantity)>;

pub fn run(ctx: &mut Ctx) -> Output {
    if ctx.args.flag("local") || ctx.args.has("filename") {
        return fail(
            "error: kubeplay's `kubectl set resources` changes objects in the cluster (TYPE NAME, -l or --all); -f and --local are not simulated",
        );
    }
    let (keys, not_found) = match resolve_keys(ctx, "set resources") {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    // The builder's lookup errors end the command before anything is patched.
    if !not_found.is_empty() {
        return fail(not_found.trim_end().to_string());
    }
    let (limits, requests) = match validate(ctx) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let format = match Format::parse(ctx.args.value("output")) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let dry_run = ctx.args.has("dry-run") && ctx.args.value("dry-run") != Some("none");
    let selector = ctx.args.value("containers").unwrap_or("*").to_string();
    let change = Change {
        selector,
        limits,
        requests,
    };
    let mut text = String::new();
    let mut errors = String::new();
    for key in keys {
        match patch_one(ctx, &key, &change, dry_run) {
            Ok(None) => {}
            Ok(Some(updated)) => text.push_str(&printed(&updated, &format, dry_run)),
            Err(e) => {
                errors.push_str(&e);
                errors.push('\n');
            }
        }
    }
    let ok = errors.is_empty();
    text.push_str(&errors);
    Output { text, ok }
}

/// `Validate`: flag combinations, then the two resource lists.
fn validate(ctx: &Ctx) -> Result<(ResourceList, ResourceList), String> {
    if ctx.args.flag("all") && ctx.args.has("selector") {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    let limits = ctx.args.value("limits").unwrap_or("");
    let requests = ctx.args.value("requests").unwrap_or("");
    if limits.is_empty() && requests.is_empty() {
        return Err(
            "error: you must specify an update to requests or limits (in the form of --requests/--limits)"
                .into(),
        );
    }
    Ok((resource_list(limits)?, resource_list(requests)?))
}

/// `populateResourceListV1`: `cpu=100m,memory=256Mi`.
fn resource_list(spec: &str) -> Result<ResourceList, String> {
    if spec.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: ResourceList = Vec::new();
    for statement in spec.split(',') {
        let parts: Vec<&str> = statement.split('=').collect();
        if parts.len() != 2 {
            return Err(format!(
                "error: Invalid argument syntax {statement}, expected <resource>=<value>"
            ));
        }
        parse_quantity_milli(parts[1]).map_err(|e| format!("error: {e}"))?;
        // A repeated name keeps the last value, as a Go map assignment does.
        out.retain(|(name, _)| name != parts[0]);
        // kubectl parses the value (`ParseQuantity`) and sends its canonical form: `cpu=0.5` is
        // `500m`, so setting the same amount again changes nothing.
        let canonical = crate::engine::model::quantity::canonical(parts[1]);
        out.push((
            parts[0].to_string(),
            Quantity(canonical.unwrap_or_else(|| parts[1].to_string())),
        ));
    }
    Ok(out)
}

struct Change {
    selector: String,
    limits: ResourceList,
    requests: ResourceList,
}

impl Change {
    /// Sets the given requests and limits on every selected container; false if none matched.
    fn apply_to(&self, spec: &mut PodSpec) -> bool {
        let mut matched = false;
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut())
            .filter(|c| select_string(&c.name, &self.selector))
        {
            set_requirements(c, &self.limits, &self.requests);
            matched = true;
        }
        matched
    }
}

fn set_requirements(c: &mut Container, limits: &ResourceList, requests: &ResourceList) {
    let resources = c.resources.get_or_insert_with(Default::default);
    let merge = |list: &mut Option<BTreeMap<String, Quantity>>, values: &ResourceList| {
        if values.is_empty() {
            return;
        }
        let map = list.get_or_insert_with(BTreeMap::new);
        for (name, q) in values {
            map.insert(name.clone(), q.clone());
        }
    };
    merge(&mut resources.limits, limits);
    merge(&mut resources.requests, requests);
}

/// Patches one object. Ok(None) when nothing changed (kubectl prints nothing then).
fn patch_one(
    ctx: &mut Ctx,
    key: &ObjectKey,
    change: &Change,
    dry_run: bool,
) -> Result<Option<Object>, String> {
    let Some(live) = ctx.sim.store().get_obj(key).cloned() else {
        return Ok(None);
    };
    let mut new = live.clone();
    let spec = match &mut new {
        Object::Pod(p) => Some(&mut p.spec),
        other => template_mut(other).map(|t| &mut t.spec),
    };
    let Some(spec) = spec else {
        return Err(format!(
            "error: {}/{} the object is not a pod or does not have a pod template: *v1.{}",
            key.kind.info().plural,
            key.name,
            key.kind.info().name
        ));
    };
    if !change.apply_to(spec) {
        return Err(format!(
            "error: unable to find container named {}",
            change.selector
        ));
    }
    if new == live {
        return Ok(None);
    }
    if dry_run {
        return Ok(Some(new));
    }
    Admission::validate_update(&live, &new).map_err(|e| {
        format!(
            "error: failed to patch resources update to pod template {}",
            e.message
        )
    })?;
    ctx.sim.update_object(new.clone());
    Ok(Some(new))
}

/// What kubectl prints for an updated object: the name printer's
/// `deployment.apps/nginx resource requirements updated`, or the object in the `-o` format.
fn printed(obj: &Object, format: &Format, dry_run: bool) -> String {
    if format.is_table() {
        let label = kind_slash_name(obj.kind(), &obj.meta().name);
        let dry = if dry_run { " (dry run)" } else { "" };
        return format!("{label} resource requirements updated{dry}\n");
    }
    render_objects(format, &[obj], true, false).unwrap_or_else(|e| e + "\n")
}

/// kubectl's `selectString` (set/helper.go): `*` alone matches everything, a name without `*`
/// matches itself, otherwise the parts between `*`s are looked for left to right — with the
/// helper's own quirks (it compares an index relative to `pos` with `pos`), kept on purpose so
/// `-c` selects exactly the containers kubectl would.
fn select_string(s: &str, spec: &str) -> bool {
    if spec == "*" {
        return true;
    }
    if !spec.contains('*') {
        return s == spec;
    }
    let parts: Vec<&str> = spec.split('*').collect();
    let mut pos: usize = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        let next = s.get(pos..).and_then(|rest| rest.find(part));
        let Some(next) = next.filter(|n| *n >= pos) else {
            return false;
        };
        if i == 0 && pos != 0 {
            return false;
        }
        if i == parts.len() - 1 && s.len() != part.len() + next {
            return false;
        }
        pos = next;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_wildcards_match_like_kubectl() {
        assert!(select_string("nginx", "*"));
        assert!(select_string("nginx", "nginx"));
        assert!(!select_string("nginx", "ngin"));
        assert!(select_string("nginx", "ngi*"));
        assert!(select_string("nginx", "*nx"));
        assert!(!select_string("sidecar", "ngi*"));
    }

    #[test]
    fn resource_lists_parse_with_kubectls_errors() {
        assert_eq!(
            resource_list("cpu=200m,memory=512Mi").unwrap(),
            vec![
                ("cpu".to_string(), Quantity("200m".into())),
                ("memory".to_string(), Quantity("512Mi".into()))
            ]
        );
        assert_eq!(
            resource_list("cpu").unwrap_err(),
            "error: Invalid argument syntax cpu, expected <resource>=<value>"
        );
        assert!(resource_list("cpu=lots")
            .unwrap_err()
            .starts_with("error: quantities must match the regular expression"));
    }
}
