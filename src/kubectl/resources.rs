//! Resource arguments -> kinds and names: plurals, singulars, short names, `kind/name`,
//! `kind.group`, comma lists and `all`, with kubectl's errors.

use crate::engine::model::{Kind, Object};
use crate::engine::store::ObjectKey;
use crate::engine::Sim;

/// Kinds `kubectl get all` lists, in its order.
pub const ALL_KINDS: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
];

/// Real resources kubeplay does not simulate: named so the error says so instead of claiming
/// the API server lacks them.
const NOT_SIMULATED: &[&str] = &[
    "jobs",
    "job",
    "cronjobs",
    "cronjob",
    "cj",
    "ingresses",
    "ingress",
    "ing",
    "serviceaccounts",
    "serviceaccount",
    "sa",
    "leases",
    "lease",
    "roles",
    "role",
    "rolebindings",
    "clusterroles",
    "clusterrolebindings",
    "networkpolicies",
    "netpol",
    "horizontalpodautoscalers",
    "hpa",
    "limitranges",
    "resourcequotas",
    "quota",
    "priorityclasses",
    "pc",
    "customresourcedefinitions",
    "crd",
    "crds",
    "replicationcontrollers",
    "rc",
    "podtemplates",
    "csinodes",
    "csidrivers",
    "volumeattachments",
    "ingressclasses",
];

pub fn kind_for(name: &str) -> Result<Kind, String> {
    if let Some(k) = Kind::lookup(name) {
        return Ok(k);
    }
    let base = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    if NOT_SIMULATED.contains(&base.as_str()) {
        return Err(format!(
            "error: kubeplay does not simulate \"{name}\" (a real Kubernetes resource; see `kubectl api-resources` for what this cluster has)"
        ));
    }
    Err(format!(
        "error: the server doesn't have a resource type \"{name}\""
    ))
}

/// Expands `sts,pods` or `all`.
pub fn kinds_for(list: &str) -> Result<Vec<Kind>, String> {
    let mut out = Vec::new();
    for part in list.split(',').filter(|p| !p.is_empty()) {
        if part == "all" {
            out.extend_from_slice(ALL_KINDS);
        } else {
            out.push(kind_for(part)?);
        }
    }
    Ok(out)
}

/// What a command's positional arguments name.
#[derive(Clone, Debug, Default)]
pub struct Targets {
    /// Kinds to list (when no names were given).
    pub kinds: Vec<Kind>,
    /// (kind, name) pairs, in the order given.
    pub names: Vec<(Kind, String)>,
    /// More than one kind was asked for (tables then show `kind/name`).
    pub multi_kind: bool,
}

impl Targets {
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && self.names.is_empty()
    }
}

pub fn parse_targets(args: &[String]) -> Result<Targets, String> {
    let mut t = Targets::default();
    let Some(first) = args.first() else {
        return Ok(t);
    };
    if first.contains('/') {
        let mut kinds_seen: Vec<Kind> = Vec::new();
        for a in args {
            let Some((k, n)) = a.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let kind = kind_for(k)?;
            if n.is_empty() {
                return Err(
                    "error: arguments in resource/name form must have a single resource and name"
                        .to_string(),
                );
            }
            if !kinds_seen.contains(&kind) {
                kinds_seen.push(kind);
            }
            t.names.push((kind, n.to_string()));
        }
        t.multi_kind = kinds_seen.len() > 1;
        return Ok(t);
    }
    let kinds = kinds_for(first)?;
    t.multi_kind = kinds.len() > 1 || first.split(',').any(|p| p == "all");
    if args.len() > 1 {
        for kind in &kinds {
            for n in &args[1..] {
                if n.contains('/') {
                    return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
                }
                t.names.push((*kind, n.clone()));
            }
        }
    } else {
        t.kinds = kinds;
    }
    Ok(t)
}

/// `Error from server (NotFound): statefulsets.apps "web" not found`
pub fn not_found(kind: Kind, name: &str) -> String {
    format!(
        "Error from server (NotFound): {} \"{name}\" not found",
        kind.info().resource_group()
    )
}

/// `statefulset.apps/web`
pub fn kind_slash_name(kind: Kind, name: &str) -> String {
    format!("{}/{name}", kind.info().singular_group())
}

pub fn key(kind: Kind, namespace: &str, name: &str) -> ObjectKey {
    ObjectKey::new(kind, namespace, name)
}

pub fn get<'a>(sim: &'a Sim, kind: Kind, namespace: &str, name: &str) -> Option<&'a Object> {
    sim.store().get_obj(&key(kind, namespace, name))
}

/// Objects of `kind` in `namespace` (or everywhere when `None`), in (namespace, name) order.
pub fn list<'a>(sim: &'a Sim, kind: Kind, namespace: Option<&str>) -> Vec<&'a Object> {
    let ns = namespace.map(str::to_string);
    sim.store()
        .list_kind(kind)
        .filter(|o| !kind.info().namespaced || ns.as_ref().is_none_or(|n| &o.meta().namespace == n))
        .collect()
}

/// `No resources found in default namespace.` / `No resources found`
pub fn no_resources(namespace: Option<&str>, any_namespaced: bool) -> String {
    match namespace {
        Some(ns) if any_namespaced => format!("No resources found in {ns} namespace.\n"),
        _ => "No resources found\n".into(),
    }
}
