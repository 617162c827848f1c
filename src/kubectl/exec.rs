//! `kubectl exec POD -- CMD`: a tiny simulated shell (hostname, cat, echo, ls, pwd, env,
//! whoami, nslookup, getent hosts, `sh -c "a; b"`). Names resolve through the engine's DNS.
//! Files written with `>`/`>>` go to the engine's file store (src/engine/files.rs), on the
//! storage the path resolves to: a PersistentVolume outlives the pod, emptyDir does not.

use super::args::{bs, vs, Flag};
use super::logs::{pick_container, target_pod};
use super::{fail, ok, Ctx};
use crate::engine::files::{resolve, FileStore};
use crate::engine::model::{Pod, PodPhase};
use crate::script::Output;

pub const FLAGS: &[Flag] = &[
    vs("container", 'c'),
    bs("stdin", 'i'),
    bs("tty", 't'),
    bs("quiet", 'q'),
    vs("filename", 'f'),
];

struct Shell<'a> {
    pod: &'a Pod,
    container: String,
    store: &'a crate::engine::store::Store,
    /// A working copy of the cluster's files; written back when the command ends.
    files: FileStore,
    /// The simulated clock, for `date`.
    now: crate::engine::time::SimTime,
}

/// Largest single write kept (a learner's file, not a disk image).
const MAX_WRITE: usize = 64 * 1024;

/// Output of one command: text and exit code.
struct Run {
    out: String,
    code: i32,
}

fn done(out: impl Into<String>) -> Run {
    Run {
        out: out.into(),
        code: 0,
    }
}

impl Shell<'_> {
    fn hostname(&self) -> String {
        self.pod
            .spec
            .hostname
            .clone()
            .unwrap_or_else(|| self.pod.metadata.name.clone())
    }

    fn fqdn(&self, name: &str) -> String {
        let ns = &self.pod.metadata.namespace;
        if name.ends_with(crate::engine::dns::CLUSTER_DOMAIN) || name.ends_with('.') {
            return name.trim_end_matches('.').to_string();
        }
        match name.matches('.').count() {
            0 => format!("{name}.{ns}.svc.cluster.local"),
            1 if !name.ends_with(".svc") => format!("{name}.{ns}.svc.cluster.local"),
            _ => format!("{name}.svc.cluster.local").replace(".svc.svc.", ".svc."),
        }
    }

    fn file(&self, path: &str) -> Option<String> {
        let r = resolve(self.store, self.pod, &self.container, path);
        if let Some(projected) = r.projected {
            return projected;
        }
        if let Some(text) = self.files.read(&r.backing, &r.relative) {
            return Some(text.clone());
        }
        let image = self
            .pod
            .spec
            .containers
            .iter()
            .find(|c| c.name == self.container)
            .map(|c| c.image.as_str())
            .unwrap_or("");
        match path {
            "/etc/hostname" => Some(format!("{}\n", self.hostname())),
            "/etc/resolv.conf" => Some(format!(
                "search {}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
                self.pod.metadata.namespace
            )),
            "/etc/hosts" => {
                let ip = self.pod.status.pod_ip.clone().unwrap_or_default();
                let sub = self.pod.spec.subdomain.as_ref().map(|s| {
                    format!("\t{}.{s}.{}.svc.cluster.local\t{}", self.hostname(), self.pod.metadata.namespace, self.hostname())
                });
                Some(format!(
                    "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{ip}{}\n",
                    sub.unwrap_or_else(|| format!("\t{}", self.hostname()))
                ))
            }
            "/usr/share/nginx/html/index.html" if image.contains("nginx") && !self.mounted(path) => Some(
                "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n".into(),
            ),
            _ => None,
        }
    }

    fn mounted(&self, path: &str) -> bool {
        self.pod
            .spec
            .containers
            .iter()
            .filter(|c| c.name == self.container)
            .flat_map(|c| c.volume_mounts.iter())
            .any(|m| path.starts_with(&m.mount_path))
    }

    fn run(&mut self, words: &[String]) -> Run {
        let Some(cmd) = words.first() else {
            return done("");
        };
        let args = &words[1..];
        match cmd.as_str() {
            "hostname" => done(format!("{}\n", self.hostname())),
            "whoami" => done("root\n"),
            "pwd" => done("/\n"),
            "true" => done(""),
            "false" => Run { out: String::new(), code: 1 },
            "echo" => done(format!("{}\n", args.join(" "))),
            "date" => {
                // `Thu, 01 Jan 2026 00:00:07 +0000` -> coreutils' `Thu Jan  1 00:00:07 UTC 2026`
                let r = super::describe::rfc1123z(self.now);
                let p: Vec<&str> = r.split_whitespace().collect();
                match p.as_slice() {
                    [wd, day, mon, year, time, _] => {
                        let day: u32 = day.parse().unwrap_or(1);
                        done(format!("{} {mon} {day:>2} {time} UTC {year}\n", wd.trim_end_matches(',')))
                    }
                    _ => done(format!("{r}\n")),
                }
            }
            "env" | "printenv" => {
                let mut s = format!(
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME={}\n",
                    self.hostname()
                );
                for (k, v) in self.environment() {
                    s.push_str(&format!("{k}={v}\n"));
                }
                s.push_str("KUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\nHOME=/root\n");
                if cmd == "printenv" {
                    if let Some(name) = args.first() {
                        let v = s.lines().find_map(|l| l.strip_prefix(&format!("{name}=")).map(str::to_string));
                        return match v {
                            Some(v) => done(format!("{v}\n")),
                            None => Run { out: String::new(), code: 1 },
                        };
                    }
                }
                done(s)
            }
            "cat" => {
                let mut out = String::new();
                for p in args {
                    match self.file(p) {
                        Some(t) => out.push_str(&t),
                        None => return Run { out: format!("{out}cat: {p}: No such file or directory\n"), code: 1 },
                    }
                }
                done(out)
            }
            "touch" => {
                for p in args {
                    if self.file(p).is_none() {
                        if let Err(e) = self.write(p, "", true) {
                            return Run { out: format!("touch: {p}: {e}\n"), code: 1 };
                        }
                    }
                }
                done("")
            }
            "mkdir" => done(""),
            "rm" => {
                for p in args.iter().filter(|a| !a.starts_with('-')) {
                    let r = resolve(self.store, self.pod, &self.container, p);
                    if !self.files.remove(&r.backing, &r.relative) {
                        return Run { out: format!("rm: cannot remove '{p}': No such file or directory\n"), code: 1 };
                    }
                }
                done("")
            }
            "ls" => {
                let dir = args.iter().find(|a| !a.starts_with('-')).map(String::as_str).unwrap_or("/");
                let r = resolve(self.store, self.pod, &self.container, dir);
                let stored = self.files.list(&r.backing, &r.relative);
                if !stored.is_empty() {
                    return done(stored.iter().map(|n| format!("{n}\n")).collect::<String>());
                }
                if self.files.read(&r.backing, &r.relative).is_some() {
                    return done(format!("{dir}\n"));
                }
                let listing = match dir.trim_end_matches('/') {
                    "" => "bin\nboot\ndev\netc\nhome\nlib\nmedia\nmnt\nopt\nproc\nroot\nrun\nsbin\nsrv\nsys\ntmp\nusr\nvar\n".to_string(),
                    "/etc" => "hostname\nhosts\nresolv.conf\n".to_string(),
                    d if self.mounted(d) => String::new(),
                    "/usr/share/nginx/html" => "50x.html\nindex.html\n".to_string(),
                    d => return Run { out: format!("ls: cannot access '{d}': No such file or directory\n"), code: 2 },
                };
                done(listing)
            }
            "nslookup" => {
                let Some(name) = args.first() else { return Run { out: "usage: nslookup NAME\n".into(), code: 1 } };
                let head = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n";
                match crate::engine::dns::resolve(self.store, &self.pod.metadata.namespace, name) {
                    Ok(ips) => {
                        let fqdn = self.fqdn(name);
                        let mut s = head.to_string();
                        for ip in ips {
                            s.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n"));
                        }
                        s.push('\n');
                        done(s)
                    }
                    Err(e) => Run { out: format!("{head}** {e}\n\n"), code: 1 },
                }
            }
            "getent" if args.first().map(String::as_str) == Some("hosts") => {
                let Some(name) = args.get(1) else { return Run { out: String::new(), code: 2 } };
                match crate::engine::dns::resolve(self.store, &self.pod.metadata.namespace, name) {
                    Ok(ips) => done(ips.iter().map(|ip| format!("{ip:<15} {}\n", self.fqdn(name))).collect::<String>()),
                    Err(_) => Run { out: String::new(), code: 2 },
                }
            }
            "sh" | "bash" | "/bin/sh" | "/bin/bash" => {
                if args.first().map(String::as_str) == Some("-c") {
                    let script = args.get(1).cloned().unwrap_or_default();
                    return self.script(&script);
                }
                Run { out: "kubeplay: interactive shells are not simulated; run one command, e.g. `kubectl exec web-0 -- hostname`\n".into(), code: 1 }
            }
            other => Run {
                out: format!("error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{other}\": executable file not found in $PATH: unknown\n"),
                code: 126,
            },
        }
    }

    /// The container's environment as the kubelet builds it: `envFrom` sources first, then
    /// `env` (later entries win), with Secret and ConfigMap references resolved.
    fn environment(&self) -> Vec<(String, String)> {
        use crate::engine::model::{ConfigMap, Secret};
        let ns = &self.pod.metadata.namespace;
        let secret = |name: &str, key: &str| -> Option<String> {
            let s = self.store.get::<Secret>(ns, name)?;
            s.data
                .as_ref()
                .and_then(|d| d.get(key))
                .map(|b| crate::engine::files::decode_secret_value(b).unwrap_or_else(|| b.clone()))
                .or_else(|| s.string_data.as_ref().and_then(|d| d.get(key)).cloned())
        };
        let config = |name: &str, key: &str| -> Option<String> {
            self.store
                .get::<ConfigMap>(ns, name)?
                .data
                .as_ref()?
                .get(key)
                .cloned()
        };
        let mut vars: Vec<(String, String)> = Vec::new();
        let set = |k: String, v: String, vars: &mut Vec<(String, String)>| match vars
            .iter_mut()
            .find(|(n, _)| *n == k)
        {
            Some(slot) => slot.1 = v,
            None => vars.push((k, v)),
        };
        for c in self
            .pod
            .spec
            .containers
            .iter()
            .filter(|c| c.name == self.container)
        {
            for from in &c.env_from {
                let prefix = from.prefix.clone().unwrap_or_default();
                if let Some(r) = &from.config_map_ref {
                    if let Some(cm) = self.store.get::<ConfigMap>(ns, &r.name) {
                        for (k, v) in cm.data.iter().flatten() {
                            set(format!("{prefix}{k}"), v.clone(), &mut vars);
                        }
                    }
                }
                if let Some(r) = &from.secret_ref {
                    if let Some(sec) = self.store.get::<Secret>(ns, &r.name) {
                        for (k, v) in sec.data.iter().flatten() {
                            set(
                                format!("{prefix}{k}"),
                                crate::engine::files::decode_secret_value(v)
                                    .unwrap_or_else(|| v.clone()),
                                &mut vars,
                            );
                        }
                    }
                }
            }
            for e in &c.env {
                let value = match (&e.value, &e.value_from) {
                    (Some(v), _) => Some(v.clone()),
                    (None, Some(src)) => {
                        if let Some(r) = &src.secret_key_ref {
                            secret(&r.name, &r.key)
                        } else if let Some(r) = &src.config_map_key_ref {
                            config(&r.name, &r.key)
                        } else if let Some(f) = &src.field_ref {
                            match f
                                .get("fieldPath")
                                .and_then(|p| p.as_str())
                                .unwrap_or_default()
                            {
                                "metadata.name" => Some(self.pod.metadata.name.clone()),
                                "metadata.namespace" => Some(ns.clone()),
                                "spec.nodeName" => self.pod.spec.node_name.clone(),
                                "status.podIP" => self.pod.status.pod_ip.clone(),
                                "status.hostIP" => self.pod.status.host_ip.clone(),
                                "spec.serviceAccountName" => Some(
                                    self.pod
                                        .spec
                                        .service_account_name
                                        .clone()
                                        .unwrap_or_else(|| "default".into()),
                                ),
                                _ => None,
                            }
                        } else {
                            None
                        }
                    }
                    (None, None) => Some(String::new()),
                };
                if let Some(v) = value {
                    set(e.name.clone(), v, &mut vars);
                }
            }
        }
        vars
    }

    /// `echo x > path`: writes through the file store, refusing read-only mounts.
    fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        let r = resolve(self.store, self.pod, &self.container, path);
        if r.read_only || r.projected.is_some() {
            return Err("Read-only file system".into());
        }
        let mut text = if append {
            self.files
                .read(&r.backing, &r.relative)
                .cloned()
                .unwrap_or_default()
        } else {
            String::new()
        };
        text.push_str(content);
        if text.len() > MAX_WRITE {
            return Err("File too large".into());
        }
        self.files.write(r.backing, r.relative, text);
        Ok(())
    }

    /// `sh -c "a; b && c"`, with `>` and `>>` redirections into the file store.
    fn script(&mut self, script: &str) -> Run {
        self.script_at_depth(script, 0)
    }

    /// The shell's expansions outside single quotes: `$(command)` (its output, trailing
    /// newlines removed) and `$NAME` / `${NAME}` from the container's environment. Nesting is
    /// bounded so a hostile line cannot recurse forever.
    fn expand(&mut self, text: &str, depth: usize) -> String {
        const MAX_DEPTH: usize = 4;
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut in_single = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                in_single = !in_single;
            }
            if c != '$' || in_single || i + 1 >= chars.len() {
                out.push(c);
                i += 1;
                continue;
            }
            let next = chars[i + 1];
            if next == '(' {
                let mut level = 0;
                let mut end = None;
                for (j, ch) in chars.iter().enumerate().skip(i + 1) {
                    match ch {
                        '(' => level += 1,
                        ')' => {
                            level -= 1;
                            if level == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    out.push(c);
                    i += 1;
                    continue;
                };
                let inner: String = chars[i + 2..end].iter().collect();
                if depth < MAX_DEPTH {
                    let r = self.script_at_depth(&inner, depth + 1);
                    out.push_str(r.out.trim_end_matches('\n'));
                }
                i = end + 1;
                continue;
            }
            let (name, consumed) = if next == '{' {
                let close = chars[i + 2..].iter().position(|ch| *ch == '}');
                match close {
                    Some(k) => (chars[i + 2..i + 2 + k].iter().collect::<String>(), k + 3),
                    None => (String::new(), 1),
                }
            } else {
                let len = chars[i + 1..]
                    .iter()
                    .take_while(|ch| ch.is_ascii_alphanumeric() || **ch == '_')
                    .count();
                (
                    chars[i + 1..i + 1 + len].iter().collect::<String>(),
                    len + 1,
                )
            };
            if name.is_empty() {
                out.push(c);
                i += 1;
                continue;
            }
            let value = if name == "HOSTNAME" {
                self.hostname()
            } else {
                self.environment()
                    .into_iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v)
                    .unwrap_or_default()
            };
            out.push_str(&value);
            i += consumed;
        }
        out
    }

    fn script_at_depth(&mut self, script: &str, depth: usize) -> Run {
        let mut out = String::new();
        let mut code = 0;
        for part in script.split([';', '\n']).flat_map(|p| p.split("&&")) {
            let expanded = self.expand(part, depth);
            let part = expanded.trim();
            if part.is_empty() {
                continue;
            }
            let (cmd, redirect) = match part.split_once(">>") {
                Some((c, t)) => (c, Some((t.trim(), true))),
                None => match part.split_once('>') {
                    Some((c, t)) => (c, Some((t.trim(), false))),
                    None => (part, None),
                },
            };
            let words = match crate::script::parse::split_words(cmd) {
                Ok(w) => w,
                Err(e) => {
                    return Run {
                        out: format!("{out}sh: syntax error: {e}\n"),
                        code: 2,
                    }
                }
            };
            let r = self.run(&words);
            code = r.code;
            match redirect {
                None => out.push_str(&r.out),
                Some((target, append)) => {
                    let target = crate::script::parse::split_words(target)
                        .ok()
                        .and_then(|w| w.into_iter().next())
                        .unwrap_or_default();
                    if let Err(e) = self.write(&target, &r.out, append) {
                        out.push_str(&format!("sh: can't create {target}: {e}\n"));
                        code = 1;
                    }
                }
            }
            if code != 0 {
                break;
            }
        }
        Run { out, code }
    }
}

pub fn run(ctx: &mut Ctx) -> Output {
    let Some(arg) = ctx.args.positionals.first().cloned() else {
        return fail("error: pod, type/name or --filename must be specified");
    };
    if ctx.args.after_dash.is_empty() {
        if ctx.args.positionals.len() > 1 {
            return fail("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
        }
        return fail("error: you must specify at least one command for the container");
    }
    let pod = match target_pod(ctx, &arg) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let mut note = String::new();
    let container = match pick_container(ctx, &pod, &mut note) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let running = pod.status.phase == PodPhase::Running
        && pod.status.container_statuses.iter().any(|s| {
            s.name == container && s.state.as_ref().is_some_and(|st| st.running.is_some())
        });
    if pod.status.phase == PodPhase::Succeeded || pod.status.phase == PodPhase::Failed {
        return fail(format!(
            "{note}error: cannot exec into a container in a completed pod; current phase is {}",
            pod.status.phase.as_str()
        ));
    }
    if !running {
        return fail(format!(
            "{note}error: unable to upgrade connection: container not found (\"{container}\")"
        ));
    }
    let files = ctx.sim.files().clone();
    let now = ctx.sim.now();
    let mut shell = Shell {
        now,
        pod: &pod,
        container,
        store: ctx.sim.store(),
        files,
    };
    let r = shell.run(&ctx.args.after_dash);
    let files = shell.files;
    *ctx.sim.files_mut() = files;
    if r.code == 0 {
        ok(note + &r.out)
    } else if r.code == 126 {
        fail(note + &r.out)
    } else {
        fail(format!(
            "{note}{}command terminated with exit code {}",
            r.out, r.code
        ))
    }
}
