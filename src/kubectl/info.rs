//! Cluster-information verbs: `version`, `api-resources`, `api-versions`, `explain`,
//! `cluster-info`, `config`, and honest refusals for `edit` and `top`.

use super::args::{b, v, vs, Flag};
use super::table::Table;
use super::{fail, ok, Ctx};
use crate::engine::model::Kind;
use crate::script::Output;

pub const NO_FLAGS: &[Flag] = &[];
pub const API_RESOURCES_FLAGS: &[Flag] = &[
    v("api-group"),
    v("namespaced"),
    vs("output", 'o'),
    b("no-headers"),
    v("verbs"),
    b("cached"),
    v("sort-by"),
];
pub const EXPLAIN_FLAGS: &[Flag] = &[b("recursive"), v("api-version"), v("output")];
pub const VERSION_FLAGS: &[Flag] = &[b("client"), vs("output", 'o'), b("short")];
pub const CONFIG_FLAGS: &[Flag] = &[b("minify"), b("raw"), b("flatten"), vs("output", 'o')];

pub const SERVER_VERSION: &str = "v1.36.2";
/// The reference transcripts were made with a v1.32 kubectl against the v1.36.2 server, and
/// every client-side message here follows that client, so `version` says so too.
pub const CLIENT_VERSION: &str = "v1.32.4";

pub fn server_version_json() -> String {
    format!(
        "{{\n  \"major\": \"1\",\n  \"minor\": \"36\",\n  \"emulationMajor\": \"1\",\n  \"emulationMinor\": \"36\",\n  \"minCompatibilityMajor\": \"1\",\n  \"minCompatibilityMinor\": \"35\",\n  \"gitVersion\": \"{SERVER_VERSION}\",\n  \"gitTreeState\": \"clean\",\n  \"goVersion\": \"go1.26.4\",\n  \"compiler\": \"gc\",\n  \"platform\": \"linux/amd64\"\n}}"
    )
}

pub fn run_version(ctx: &mut Ctx) -> Output {
    let client = ctx.args.flag("client");
    match ctx.args.value("output") {
        Some("json") | Some("yaml") => {
            let v = serde_json::json!({
                "clientVersion": {"major": "1", "minor": "32", "gitVersion": CLIENT_VERSION, "platform": "linux/amd64"},
                "kustomizeVersion": "v5.5.0",
                "serverVersion": {"major": "1", "minor": "36", "gitVersion": SERVER_VERSION, "platform": "linux/amd64"},
            });
            let text = if ctx.args.value("output") == Some("json") {
                super::yaml::to_json_pretty(&v).replace("    ", "  ")
            } else {
                super::yaml::to_yaml(&v)
            };
            ok(text)
        }
        Some(o) => fail(format!(
            "error: --output must be 'yaml' or 'json', got '{o}'"
        )),
        None => {
            let mut t = format!("Client Version: {CLIENT_VERSION}\nKustomize Version: v5.5.0\n");
            if !client {
                t.push_str(&format!("Server Version: {SERVER_VERSION}\nWARNING: version difference between client (1.32) and server (1.36) exceeds the supported minor version skew of +/-1\n"));
            }
            ok(t)
        }
    }
}

/// Group order as discovery lists them.
fn group_rank(g: &str) -> usize {
    match g {
        "" => 0,
        "apps" => 1,
        "policy" => 2,
        "storage.k8s.io" => 3,
        _ => 4,
    }
}

pub fn run_api_resources(ctx: &mut Ctx) -> Output {
    let mut kinds: Vec<Kind> = Kind::ALL.to_vec();
    crate::engine::stable_sort::sort_by_key(&mut kinds, |k| {
        (group_rank(k.info().group), k.info().plural)
    });
    if let Some(g) = ctx.args.value("api-group") {
        kinds.retain(|k| k.info().group == g);
    }
    if let Some(n) = ctx.args.value("namespaced") {
        let want = n != "false";
        kinds.retain(|k| k.info().namespaced == want);
    }
    if ctx.args.value("output") == Some("name") {
        return ok(kinds
            .iter()
            .map(|k| {
                let i = k.info();
                if i.group.is_empty() {
                    format!("{}\n", i.plural)
                } else {
                    format!("{}.{}\n", i.plural, i.group)
                }
            })
            .collect::<String>());
    }
    let wide = ctx.args.value("output") == Some("wide");
    let mut headers = vec!["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
    if wide {
        headers.extend(["VERBS", "CATEGORIES"]);
    }
    let mut t = Table::new(&headers);
    for k in kinds {
        let i = k.info();
        let mut row = vec![
            i.plural.to_string(),
            i.short_names.join(","),
            i.api_version(),
            i.namespaced.to_string(),
            i.name.to_string(),
        ];
        if wide {
            row.push("create,delete,deletecollection,get,list,patch,update,watch".into());
            row.push(
                if matches!(
                    k,
                    Kind::Pod
                        | Kind::Service
                        | Kind::DaemonSet
                        | Kind::Deployment
                        | Kind::ReplicaSet
                        | Kind::StatefulSet
                ) {
                    "all".into()
                } else {
                    String::new()
                },
            );
        }
        t.push(row);
    }
    ok(t.render(ctx.args.flag("no-headers")))
}

pub fn run_api_versions(_ctx: &mut Ctx) -> Output {
    ok("apps/v1\ndiscovery.k8s.io/v1\npolicy/v1\nstorage.k8s.io/v1\nv1\n")
}

fn description(k: Kind) -> &'static str {
    match k {
        Kind::Pod => "Pod is a collection of containers that can run on a host. This resource is\n    created by clients and scheduled onto hosts.",
        Kind::StatefulSet => "StatefulSet represents a set of pods with consistent identities. Identities\n    are defined as:\n      - Network: A single stable DNS and hostname.\n      - Storage: As many VolumeClaims as requested.\n    \n    The StatefulSet guarantees that a given network identity will always map to\n    the same storage identity.",
        Kind::DaemonSet => "DaemonSet represents the configuration of a daemon set.",
        Kind::Deployment => "Deployment enables declarative updates for Pods and ReplicaSets.",
        Kind::ReplicaSet => "ReplicaSet ensures that a specified number of pod replicas are running at any\n    given time.",
        Kind::Node => "Node is a worker node in Kubernetes. Each node will have a unique identifier\n    in the cache (i.e. in etcd).",
        Kind::Service => "Service is a named abstraction of software service (for example, mysql)\n    consisting of local port (for example 3306) that the proxy listens on, and\n    the selector that determines which pods will answer requests sent through\n    the proxy.",
        Kind::PersistentVolumeClaim => "PersistentVolumeClaim is a user's request for and claim to a persistent\n    volume",
        Kind::PersistentVolume => "PersistentVolume (PV) is a storage resource provisioned by an\n    administrator. It is analogous to a node. More info:\n    https://kubernetes.io/docs/concepts/storage/persistent-volumes",
        Kind::StorageClass => "StorageClass describes the parameters for a class of storage for which\n    PersistentVolumes can be dynamically provisioned.\n    \n    StorageClasses are non-namespaced; the name of the storage class according\n    to etcd is in ObjectMeta.Name.",
        Kind::ControllerRevision => "ControllerRevision implements an immutable snapshot of state data. Clients\n    are responsible for serializing and deserializing the objects that contain\n    their internal state. Once a ControllerRevision has been successfully\n    created, it can not be updated.",
        Kind::PodDisruptionBudget => "PodDisruptionBudget is an object to define the max disruption that can be\n    caused to a collection of pods",
        Kind::Namespace => "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
        Kind::ConfigMap => "ConfigMap holds configuration data for pods to consume.",
        Kind::Secret => "Secret holds secret data of a certain type. The total bytes of the values in\n    the Data field must be less than MaxSecretSize bytes.",
        Kind::Event => "Event is a report of an event somewhere in the cluster.",
        Kind::Endpoints => "Endpoints is a collection of endpoints that implement the actual service.",
        Kind::EndpointSlice => "EndpointSlice represents a set of service endpoints. Most EndpointSlices are\n    created by the EndpointSlice controller to represent the Pods selected by\n    Service objects. For a given service there may be multiple EndpointSlice\n    objects which must be joined to produce the full set of endpoints; you can\n    find all of the slices for a given service by listing EndpointSlices in the\n    service's namespace whose `kubernetes.io/service-name` label contains the\n    service's name.",
    }
}

pub fn run_explain(ctx: &mut Ctx) -> Output {
    let Some(target) = ctx.args.positionals.first().cloned() else {
        return fail("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.");
    };
    let (res, path) = target
        .split_once('.')
        .map(|(a, b)| (a.to_string(), Some(b.to_string())))
        .unwrap_or((target.clone(), None));
    let kind = match super::resources::kind_for(&res) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let i = kind.info();
    let group = if i.group.is_empty() {
        String::new()
    } else {
        format!("GROUP:      {}\n", i.group)
    };
    let mut text = format!(
        "{group}KIND:       {}\nVERSION:    {}\n\n",
        i.name, i.version
    );
    match path {
        None => {
            text.push_str(&format!("DESCRIPTION:\n    {}\n    \nFIELDS:\n", description(kind)));
            text.push_str("  apiVersion\t<string>\n    APIVersion defines the versioned schema of this representation of an\n    object.\n\n");
            text.push_str("  kind\t<string>\n    Kind is a string value representing the REST resource this object\n    represents.\n\n");
            text.push_str("  metadata\t<ObjectMeta>\n    Standard object's metadata.\n\n");
            if !matches!(kind, Kind::ConfigMap | Kind::Secret | Kind::Event | Kind::ControllerRevision | Kind::StorageClass | Kind::Endpoints | Kind::EndpointSlice) {
                text.push_str(&format!("  spec\t<{}Spec>\n    Specification of the desired behavior of the {}.\n\n", i.name, i.name));
                text.push_str(&format!("  status\t<{}Status>\n    Most recently observed status of the {}. Populated by the system.\n    Read-only.\n\n", i.name, i.name));
            }
            ok(text)
        }
        Some(p) => match super::explain_fields::field_text(kind, &p) {
            Some(field) => ok(format!("{text}{field}")),
            None => ok(format!(
                "{text}FIELD: {}\n\nDESCRIPTION:\n    kubeplay has no offline schema text for `{}.{p}`; see\n    https://kubernetes.io/docs/reference/kubernetes-api/ for the field's documentation.\n",
                p.rsplit('.').next().unwrap_or(&p),
                i.plural
            )),
        },
    }
}

pub fn run_cluster_info(_ctx: &mut Ctx) -> Output {
    ok("Kubernetes control plane is running at https://127.0.0.1:6443\nCoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
}

pub fn run_config(ctx: &mut Ctx) -> Output {
    match ctx.args.positionals.first().map(String::as_str) {
        Some("view") => ok("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: kind-kind\ncontexts:\n- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\ncurrent-context: kind-kind\nkind: Config\npreferences: {}\nusers:\n- name: kind-kind\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"),
        Some("current-context") => ok("kind-kind\n"),
        Some("get-contexts") => ok("CURRENT   NAME        CLUSTER     AUTHINFO    NAMESPACE\n*         kind-kind   kind-kind   kind-kind   \n"),
        Some("get-clusters") => ok("NAME\nkind-kind\n"),
        Some("set-context") | Some("use-context") => fail("error: kubeplay has a single context (kind-kind); use -n NAMESPACE on each command instead"),
        Some(other) => fail(format!("error: unknown command \"{other}\"\nSee 'kubectl config -h' for help and examples")),
        None => ok(super::help::for_verb("config", None)),
    }
}

pub fn run_edit(_ctx: &mut Ctx) -> Output {
    fail("error: kubectl edit opens an editor, which a script cannot drive; use `kubectl patch`, `kubectl set image` or `kubectl apply -f - <<EOF` instead")
}

pub fn run_top(_ctx: &mut Ctx) -> Output {
    fail("error: Metrics API not available")
}
