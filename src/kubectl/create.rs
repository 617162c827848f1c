//! `kubectl create` (-f and the generators: namespace, deployment, service, configmap,
//! secret generic), `kubectl run` and `kubectl expose`.

use super::apply::{decode_object, Admission};
use super::args::{b, bs, o, v, vs, Flag};
use super::create_service_ports as service_ports;
use super::resources::{get, kind_for, kind_slash_name, not_found};
use super::{fail, Ctx};
use crate::engine::model::{Kind, Labels, Object};
use crate::script::Output;
use serde_json::{json, Map, Value};

pub const FLAGS: &[Flag] = &[
    vs("filename", 'f'),
    v("image"),
    v("replicas"),
    v("port"),
    v("tcp"),
    v("from-literal"),
    v("from-file"),
    v("type"),
    o("dry-run", "client"),
    vs("output", 'o'),
    b("save-config"),
    o("validate", "strict"),
    v("clusterip"),
    v("node-port"),
    v("external-name"),
    bs("recursive", 'R'),
    vs("kustomize", 'k'),
];
pub const RUN_FLAGS: &[Flag] = &[
    v("image"),
    v("port"),
    v("labels"),
    v("env"),
    v("restart"),
    v("command"),
    o("dry-run", "client"),
    vs("output", 'o'),
    b("rm"),
    bs_i(),
    bs_t(),
    b("expose"),
];
pub const EXPOSE_FLAGS: &[Flag] = &[
    vs("labels", 'l'),
    v("port"),
    v("target-port"),
    v("type"),
    v("name"),
    v("protocol"),
    v("selector"),
    v("cluster-ip"),
    o("dry-run", "client"),
    vs("output", 'o'),
];

const fn bs_i() -> Flag {
    super::args::bs("stdin", 'i')
}
const fn bs_t() -> Flag {
    super::args::bs("tty", 't')
}

fn dry_suffix(ctx: &Ctx) -> &'static str {
    match ctx.args.value("dry-run") {
        None | Some("none") => "",
        Some("server") => " (server dry run)",
        Some(_) => " (dry run)",
    }
}

/// What `--dry-run=client -o yaml` prints for a generated object: kubectl's own object, before
/// any server defaults, with the zero values Go's encoder writes (`creationTimestamp: null`,
/// `resources: {}`, `status: {}`).
fn client_object(mut v: Value) -> Value {
    fn containers_resources(spec: &mut Value) {
        if let Some(cs) = spec.get_mut("containers").and_then(Value::as_array_mut) {
            for c in cs {
                if let Some(m) = c.as_object_mut() {
                    m.entry("resources").or_insert_with(|| json!({}));
                }
            }
        }
    }
    let kind = v
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("creationTimestamp".into(), Value::Null);
    }
    match kind.as_str() {
        "Deployment" => {
            if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
                spec.entry("strategy").or_insert_with(|| json!({}));
            }
            if let Some(t) = v
                .pointer_mut("/spec/template/metadata")
                .and_then(Value::as_object_mut)
            {
                t.insert("creationTimestamp".into(), Value::Null);
            }
            if let Some(ps) = v.pointer_mut("/spec/template/spec") {
                containers_resources(ps);
            }
            v["status"] = json!({});
        }
        "Pod" => {
            if let Some(spec) = v.get_mut("spec") {
                containers_resources(spec);
                if let Some(m) = spec.as_object_mut() {
                    m.entry("dnsPolicy")
                        .or_insert_with(|| json!("ClusterFirst"));
                }
            }
            v["status"] = json!({});
        }
        "Namespace" => {
            v["spec"] = json!({});
            v["status"] = json!({});
        }
        "Service" => v["status"] = json!({"loadBalancer": {}}),
        _ => {}
    }
    v
}

/// Creates a generated object through the same API-server path as `apply`.
fn create_value(ctx: &mut Ctx, value: Value, verb: &str) -> Output {
    let output = ctx.args.value("output").map(str::to_string);
    if ctx
        .args
        .value("dry-run")
        .is_some_and(|d| d == "client" || d == "true")
    {
        let v = client_object(value.clone());
        match output.as_deref() {
            Some("yaml") => return Output::ok(super::yaml::to_yaml(&v)),
            Some("json") => return Output::ok(super::yaml::to_json_pretty(&v)),
            _ => {}
        }
    }
    let Some(mut obj) = decode_object(value) else {
        return fail("error: kubeplay could not build that object");
    };
    if obj.kind().info().namespaced && obj.meta().namespace.is_empty() {
        obj.meta_mut().namespace = ctx.namespace();
    }
    let kind = obj.kind();
    let name = obj.meta().name.clone();
    let ns = obj.meta().namespace.clone();
    if get(ctx.sim, kind, &ns, &name).is_some() {
        return fail(format!(
            "Error from server (AlreadyExists): {} \"{name}\" already exists",
            kind.info().resource_group()
        ));
    }
    if !ns.is_empty()
        && ctx
            .sim
            .store()
            .get::<crate::engine::model::Namespace>("", &ns)
            .is_none()
    {
        return fail(format!(
            "Error from server (NotFound): namespaces \"{ns}\" not found"
        ));
    }
    Admission::default(&mut obj);
    if let Err(e) = Admission::check_create(ctx.sim, None, &obj) {
        return fail(e.kubectl_text(None));
    }
    let suffix = dry_suffix(ctx);
    if let Some(o) = ctx
        .args
        .value("output")
        .filter(|o| *o == "yaml" || *o == "json")
    {
        let v = obj.to_json();
        let text = if o == "yaml" {
            super::yaml::to_yaml(&v)
        } else {
            super::yaml::to_json_pretty(&v)
        };
        if suffix.is_empty() {
            ctx.sim.create_object(obj);
        }
        return Output::ok(text);
    }
    if suffix.is_empty() {
        ctx.sim.create_object(obj);
    }
    Output::ok(format!("{} {verb}{suffix}\n", kind_slash_name(kind, &name)))
}

fn literals(ctx: &Ctx) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    for l in ctx.args.values("from-literal") {
        let Some((k, v)) = l.split_once('=') else {
            return Err(format!(
                "error: invalid literal source {l}, expected key=value"
            ));
        };
        m.insert(k.to_string(), Value::String(v.to_string()));
    }
    Ok(m)
}

/// Secret `data` values are standard base64 with padding.
fn base64(input: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(input.as_bytes())
}

/// The container name kubectl derives from an image (`registry.k8s.io/nginx-slim:0.24` -> `nginx-slim`).
fn name_from_image(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let base = last.split([':', '@']).next().unwrap_or(last);
    base.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

pub fn run(ctx: &mut Ctx) -> Output {
    if ctx.args.has("filename") {
        return super::apply::run_create_files(ctx);
    }
    let pos = ctx.args.positionals.clone();
    let Some(what) = pos.first().map(String::as_str) else {
        return fail("error: must specify one of -f and -k");
    };
    let name = pos.get(1).cloned();
    let need_name = |n: &Option<String>| -> Result<String, Output> {
        n.clone().ok_or_else(|| fail(format!("error: exactly one NAME is required, got 0\nSee 'kubectl create {what} -h' for help and examples")))
    };
    match what {
        "namespace" | "ns" => match need_name(&name) {
            Ok(n) => create_value(ctx, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}), "created"),
            Err(o) => o,
        },
        "deployment" | "deploy" => {
            let n = match need_name(&name) {
                Ok(n) => n,
                Err(o) => return o,
            };
            let Some(image) = ctx.args.value("image").map(str::to_string) else {
                return fail("error: required flag(s) \"image\" not set");
            };
            let replicas: i64 = ctx.args.value("replicas").and_then(|r| r.parse().ok()).unwrap_or(1);
            let mut container = json!({"name": name_from_image(&image), "image": image});
            if let Some(p) = ctx.args.value("port").and_then(|p| p.parse::<i64>().ok()) {
                container["ports"] = json!([{"containerPort": p}]);
            }
            create_value(
                ctx,
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": n, "labels": {"app": n}},
                    "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": n}},
                        "template": {"metadata": {"labels": {"app": n}}, "spec": {"containers": [container]}}}}),
                "created",
            )
        }
        "service" | "svc" => {
            let Some(ty) = pos.get(1).cloned() else {
                return fail("error: Required resource not specified.\nSee 'kubectl create service -h' for help and examples");
            };
            let svc_type = match ty.as_str() {
                "clusterip" => "ClusterIP",
                "nodeport" => "NodePort",
                "loadbalancer" => "LoadBalancer",
                "externalname" => "ExternalName",
                // DefaultSubCommandRun → RequireNoArguments quotes every argument it got.
                _ => return fail(format!("error: unknown command \"{}\"\nSee 'kubectl create service -h' for help and examples", pos[1..].join(" "))),
            };
            // Each `create service` subcommand has its own flags (create_service.go); cobra
            // refuses a foreign one while parsing, before anything else is looked at.
            for (flag, only) in [("clusterip", "clusterip"), ("node-port", "nodeport"), ("external-name", "externalname")] {
                if ctx.args.has(flag) && ty != only {
                    return fail(format!("Error: unknown flag: --{flag}\nSee 'kubectl create service {ty} --help' for usage."));
                }
            }
            // `cmd.MarkFlagRequired("external-name")`: cobra checks it before Run (so before NAME).
            if svc_type == "ExternalName" && !ctx.args.has("external-name") {
                return fail("error: required flag(s) \"external-name\" not set");
            }
            // NameFromCommandArgs: the usage hint names the subcommand's own path.
            let names = &pos[2..];
            if names.len() != 1 {
                return fail(format!(
                    "error: exactly one NAME is required, got {}\nSee 'kubectl create service {ty} -h' for help and examples",
                    names.len()
                ));
            }
            let n = names[0].clone();
            let tcp = service_ports::tcp_specs(&ctx.args.values("tcp"));
            // ServiceOptions.Validate: a headless ClusterIP Service may have no ports.
            if ctx.args.value("clusterip") != Some("None") && tcp.is_empty() && svc_type != "ExternalName" {
                return fail("error: at least one tcp port specifier must be provided");
            }
            let external_name = ctx.args.value("external-name").unwrap_or_default().to_string();
            if svc_type == "ExternalName" {
                if let Err(e) = service_ports::validate_external_name(&external_name) {
                    return fail(e);
                }
            }
            let node_port = match ctx.args.value("node-port") {
                None => 0,
                Some(text) => match text.parse::<i64>() {
                    Ok(n) => n,
                    Err(_) => {
                        return fail(format!(
                            "Error: invalid argument \"{text}\" for \"--node-port\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax\nSee 'kubectl create service nodeport --help' for usage."
                        ))
                    }
                },
            };
            let mut ports = Vec::new();
            for t in &tcp {
                let mut port = match service_ports::service_port(t) {
                    Ok(p) => p,
                    Err(e) => return fail(format!("error: {e}")),
                };
                // `NodePort: int32(o.NodePort)` on every port; 0 is omitted (allocate one).
                if node_port != 0 {
                    port["nodePort"] = json!(node_port);
                }
                ports.push(port);
            }
            let mut spec = json!({"type": svc_type, "selector": {"app": n}, "ports": ports});
            // `ExternalName: o.ExternalName`; the empty string is omitted (omitempty).
            if !external_name.is_empty() {
                spec["externalName"] = json!(external_name);
            }
            // `if len(o.ClusterIP) > 0 { service.Spec.ClusterIP = o.ClusterIP }`: the server
            // allocates that address or refuses it.
            if let Some(ip) = ctx.args.value("clusterip").filter(|ip| !ip.is_empty()) {
                spec["clusterIP"] = json!(ip);
            }
            create_value(ctx, json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": n, "labels": {"app": n}}, "spec": spec}), "created")
        }
        "configmap" | "cm" => {
            let n = match need_name(&name) {
                Ok(n) => n,
                Err(o) => return o,
            };
            let data = match literals(ctx) {
                Ok(d) => d,
                Err(e) => return fail(e),
            };
            create_value(ctx, json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": n}, "data": data}), "created")
        }
        "secret" => {
            if pos.get(1).map(String::as_str) != Some("generic") {
                return fail("error: kubeplay supports `kubectl create secret generic NAME --from-literal=key=value`");
            }
            let n = match need_name(&pos.get(2).cloned()) {
                Ok(n) => n,
                Err(o) => return o,
            };
            let data: Map<String, Value> = match literals(ctx) {
                Ok(d) => d.into_iter().map(|(k, v)| (k, Value::String(base64(v.as_str().unwrap_or_default())))).collect(),
                Err(e) => return fail(e),
            };
            create_value(ctx, json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": n}, "data": data}), "created")
        }
        other => match kind_for(other) {
            Ok(_) => fail(format!("error: kubeplay cannot generate a {other} from flags; write a manifest and use `kubectl apply -f - <<EOF`")),
            Err(_) => fail(format!("error: unknown command \"{other}\"\nSee 'kubectl create -h' for help and examples")),
        },
    }
}

pub fn run_run(ctx: &mut Ctx) -> Output {
    let Some(name) = ctx.args.positionals.first().cloned() else {
        return fail("error: NAME is required for run\nSee 'kubectl run -h' for help and examples");
    };
    let Some(image) = ctx.args.value("image").map(str::to_string) else {
        return fail("error: required flag(s) \"image\" not set");
    };
    let mut labels = Map::new();
    match ctx.args.value("labels") {
        Some(l) => {
            for pair in l.split(',') {
                if let Some((k, v)) = pair.split_once('=') {
                    labels.insert(k.into(), Value::String(v.into()));
                }
            }
        }
        None => {
            labels.insert("run".into(), Value::String(name.clone()));
        }
    }
    let mut container = json!({"name": name, "image": image});
    if let Some(p) = ctx.args.value("port").and_then(|p| p.parse::<i64>().ok()) {
        container["ports"] = json!([{"containerPort": p}]);
    }
    let env: Vec<Value> = ctx
        .args
        .values("env")
        .iter()
        .filter_map(|e| {
            e.split_once('=')
                .map(|(k, v)| json!({"name": k, "value": v}))
        })
        .collect();
    if !env.is_empty() {
        container["env"] = Value::Array(env);
    }
    let mut cmd: Vec<Value> = ctx
        .args
        .after_dash
        .iter()
        .map(|s| Value::String(s.clone()))
        .collect();
    if !cmd.is_empty() {
        let key = if ctx.args.flag("command") {
            "command"
        } else {
            "args"
        };
        container[key] = Value::Array(std::mem::take(&mut cmd));
    }
    let restart = ctx.args.value("restart").unwrap_or("Always").to_string();
    create_value(
        ctx,
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [container], "restartPolicy": restart}}),
        "created",
    )
}

/// `kubectl expose`, as kubectl v1.32 builds the Service (expose.go `createService`): the
/// exposed object's selector and labels, every port its containers declare (named `port-N`
/// when there are several), each targeting the same port unless `--target-port` says.
pub fn run_expose(ctx: &mut Ctx) -> Output {
    let targets = match super::resources::parse_targets(&ctx.args.positionals) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let Some((kind, name)) = targets.names.first().cloned() else {
        return fail(super::scale::NO_RESOURCE_ARGS);
    };
    let ns = ctx.namespace();
    let Some(obj) = get(ctx.sim, kind, &ns, &name).cloned() else {
        return fail(not_found(kind, &name));
    };
    // CanBeExposed: what kubectl's polymorphic helpers know how to read a selector from.
    if !matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::Pod | Kind::Service
    ) {
        let info = kind.info();
        let group_kind = match info.group {
            "" => info.name.to_string(),
            group => format!("{}.{group}", info.name),
        };
        return fail(format!("error: cannot expose a {group_kind}"));
    }
    let usage = |why: &str| {
        fail(format!(
            "error: {why}\nSee 'kubectl expose -h' for help and examples"
        ))
    };
    let selector = match ctx.args.value("selector") {
        Some(text) => match parse_pairs(text) {
            Some(pairs) => pairs,
            None => return usage(&format!("couldn't parse the selector \"{text}\"")),
        },
        None => match exposed_selector(&obj) {
            Ok(pairs) => pairs,
            Err(why) => {
                return usage(&format!(
                    "couldn't retrieve selectors via --selector flag or introspection: {why}"
                ))
            }
        },
    };
    let labels = match ctx.args.value("labels") {
        Some(text) => match parse_pairs(text) {
            Some(pairs) => pairs,
            None => return usage(&format!("couldn't parse the labels \"{text}\"")),
        },
        None => obj.meta().labels().clone(),
    };
    let ports: Vec<(i64, String)> = match ctx.args.value("port") {
        Some(p) => match p.parse() {
            Ok(port) => vec![(port, String::new())],
            Err(_) => return fail(format!("error: invalid port: {p}")),
        },
        None => exposed_ports(&obj),
    };
    if ports.is_empty() {
        return usage("couldn't find port via --port flag or introspection");
    }
    let protocol_flag = ctx.args.value("protocol").map(str::to_string);
    let target_port: Option<Value> = ctx.args.value("target-port").map(|t| {
        t.parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(t.to_string()))
    });
    let several = ports.len() > 1;
    let service_ports: Vec<Value> = ports
        .iter()
        .enumerate()
        .map(|(i, (port, protocol))| {
            let protocol = protocol_flag
                .clone()
                .or_else(|| Some(protocol.clone()).filter(|p| !p.is_empty()))
                .unwrap_or_else(|| "TCP".into());
            let mut p = json!({
                "port": port,
                "protocol": protocol,
                "targetPort": target_port.clone().unwrap_or(Value::from(*port)),
            });
            if several {
                p["name"] = Value::String(format!("port-{}", i + 1));
            }
            p
        })
        .collect();
    let svc_name = ctx.args.value("name").unwrap_or(&name).to_string();
    let mut metadata = json!({"name": svc_name});
    if !labels.is_empty() {
        metadata["labels"] = json!(labels);
    }
    let mut spec = json!({"selector": selector, "ports": service_ports});
    if let Some(ty) = ctx.args.value("type") {
        spec["type"] = Value::String(ty.to_string());
    }
    // expose.go: `if len(o.ClusterIP) != 0 { service.Spec.ClusterIP = o.ClusterIP }`.
    if let Some(ip) = ctx.args.value("cluster-ip").filter(|ip| !ip.is_empty()) {
        spec["clusterIP"] = Value::String(ip.to_string());
    }
    create_value(
        ctx,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}),
        "exposed",
    )
}

/// `k=v,k2=v2` (kubectl's selector and label flags for expose).
fn parse_pairs(text: &str) -> Option<Labels> {
    text.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// The selector kubectl reads from an exposed object (polymorphichelpers
/// MapBasedSelectorForObject), or why it cannot.
fn exposed_selector(obj: &Object) -> Result<Labels, String> {
    let (labels, why) = match obj {
        Object::Pod(p) => (
            p.metadata.labels.clone(),
            "the pod has no labels and cannot be exposed",
        ),
        Object::Service(s) => (
            s.spec.selector.clone(),
            "the service has no pod selector set",
        ),
        Object::Deployment(d) => (
            d.spec
                .selector
                .as_ref()
                .and_then(|s| s.match_labels.clone()),
            "the deployment has no labels or selectors and cannot be exposed",
        ),
        Object::ReplicaSet(r) => (
            r.spec
                .selector
                .as_ref()
                .and_then(|s| s.match_labels.clone()),
            "the replica set has no labels or selectors and cannot be exposed",
        ),
        _ => (None, "cannot be exposed"),
    };
    labels
        .filter(|l| !l.is_empty())
        .ok_or_else(|| why.to_string())
}

/// Every port the exposed object's containers declare (or a Service's ports), with its
/// protocol (polymorphichelpers PortsForObject / ProtocolsForObject).
fn exposed_ports(obj: &Object) -> Vec<(i64, String)> {
    let containers = match obj {
        Object::Pod(p) => &p.spec.containers,
        Object::Deployment(d) => &d.spec.template.spec.containers,
        Object::ReplicaSet(r) => &r.spec.template.spec.containers,
        Object::Service(s) => {
            return s
                .spec
                .ports
                .iter()
                .map(|p| (p.port, p.protocol.clone().unwrap_or_default()))
                .collect()
        }
        _ => return Vec::new(),
    };
    containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .map(|p| (p.container_port, p.protocol.clone().unwrap_or_default()))
        .collect()
}
