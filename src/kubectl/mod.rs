//! kubectl: tokens and flags -> a typed command -> execution against the engine -> the exact
//! text kubectl prints (client v1.32 against a v1.36.2 server, like the reference transcripts).
//!
//! One module per verb family; shared pieces: `args` (pflag parsing), `resources` (type and
//! name resolution), `printers` (table rows), `table` (Go's tabwriter), `output` (-o formats),
//! `duration` (ages), `yaml`/`jsonpath`, `selector` (-l / --field-selector), `wait` (stepping the
//! simulation while a command "waits").

pub mod allocated;
mod apply;
pub mod args;
pub mod complete;
mod create;
mod create_service_ports;
mod delete;
mod describe;
pub mod duration;
mod exec;
mod explain_fields;
mod get;
mod help;
mod info;
pub mod jsonpath;
mod label;
mod logs;
mod nodes;
pub mod output;
mod patch;
pub(crate) mod pipe;
pub mod printers;
pub mod resources;
mod rollout;
mod scale;
pub mod selector;
mod set_resources;
pub mod table;
pub mod wait;
pub mod yaml;

use crate::engine::Sim;
use crate::script::Output;
use args::{Args, Flag, GLOBAL};

/// One parsed invocation, handed to a verb.
pub struct Ctx<'a> {
    pub sim: &'a mut Sim,
    pub args: Args,
    pub stdin: Option<&'a str>,
    /// `get`, `rollout status`...: for `See 'kubectl <verb> -h'` lines.
    pub verb: String,
    /// Whether a waiting command may hand its wait to the caller (`wait`) instead of
    /// finishing it: only a command run on its own, not inside a pipe or a sequence.
    pub may_defer: bool,
    deferred: Option<wait::Deferred>,
}

impl Ctx<'_> {
    /// `-n` or `default`.
    pub fn namespace(&self) -> String {
        self.args
            .value("namespace")
            .filter(|n| !n.is_empty())
            .unwrap_or("default")
            .to_string()
    }
    pub fn explicit_namespace(&self) -> Option<String> {
        self.args.value("namespace").map(str::to_string)
    }
    pub fn all_namespaces(&self) -> bool {
        self.args.flag("all-namespaces")
    }

    /// A command that waits for the cluster: worked to its end now, or, when the caller can
    /// work on it in pieces (`may_defer`), handed over (`start`'s `Started::Waiting`).
    pub fn wait(&mut self, waiting: wait::Waiting<'static>, then: wait::Then) -> Output {
        self.defer_or_finish(wait::Deferred::Wait {
            waiting,
            then,
            wrote: false,
        })
    }

    /// Like `wait`, for a wait that follows the command's own writes (`delete`'s deletions):
    /// stopped part way, it is recorded as the command without its wait.
    pub fn wait_after_writes(
        &mut self,
        waiting: wait::Waiting<'static>,
        then: wait::Then,
    ) -> Output {
        self.defer_or_finish(wait::Deferred::Wait {
            waiting,
            then,
            wrote: true,
        })
    }

    /// A phased command (see `wait::Phased`): worked to its end now, or handed to the caller
    /// when it may work on it in pieces (`may_defer`).
    pub fn run_phased(&mut self, phased: Box<dyn wait::Phased>) -> Output {
        self.defer_or_finish(wait::Deferred::Phased(phased))
    }

    fn defer_or_finish(&mut self, deferred: wait::Deferred) -> Output {
        if self.may_defer {
            self.deferred = Some(deferred);
            return ok("");
        }
        deferred.finish(self.sim)
    }
}

/// How `start` left a command.
pub enum Started {
    Done(Output),
    /// The command waits for the cluster: work on it with `Deferred::poll`.
    Waiting(wait::Deferred),
}

/// Builds an error output; kubectl's error lines end with a newline.
pub fn fail(text: impl Into<String>) -> Output {
    let mut t: String = text.into();
    if !t.ends_with('\n') {
        t.push('\n');
    }
    Output::error(t)
}

pub fn ok(text: impl Into<String>) -> Output {
    Output::ok(text)
}

type Runner = fn(&mut Ctx) -> Output;

/// Verb name, its flags, and what runs it.
fn verb_table(verb: &str) -> Option<(&'static [Flag], Runner)> {
    Some(match verb {
        "get" => (get::FLAGS, get::run),
        "describe" => (describe::FLAGS, describe::run),
        "apply" => (apply::APPLY_FLAGS, apply::run_apply),
        "create" => (create::FLAGS, create::run),
        "replace" => (apply::APPLY_FLAGS, apply::run_replace),
        "delete" => (delete::FLAGS, delete::run),
        "scale" => (scale::FLAGS, scale::run),
        "rollout" => (rollout::FLAGS, rollout::run),
        "set" => (scale::SET_FLAGS, scale::run_set),
        "label" => (label::FLAGS, label::run_label),
        "annotate" => (label::FLAGS, label::run_annotate),
        "taint" => (nodes::TAINT_FLAGS, nodes::run_taint),
        "cordon" => (nodes::CORDON_FLAGS, nodes::run_cordon),
        "uncordon" => (nodes::CORDON_FLAGS, nodes::run_uncordon),
        "drain" => (nodes::DRAIN_FLAGS, nodes::run_drain),
        "logs" => (logs::FLAGS, logs::run),
        "exec" => (exec::FLAGS, exec::run),
        "events" => (get::EVENTS_FLAGS, get::run_events),
        "api-resources" => (info::API_RESOURCES_FLAGS, info::run_api_resources),
        "api-versions" => (info::NO_FLAGS, info::run_api_versions),
        "explain" => (info::EXPLAIN_FLAGS, info::run_explain),
        "version" => (info::VERSION_FLAGS, info::run_version),
        "cluster-info" => (info::NO_FLAGS, info::run_cluster_info),
        "config" => (info::CONFIG_FLAGS, info::run_config),
        "run" => (create::RUN_FLAGS, create::run_run),
        "expose" => (create::EXPOSE_FLAGS, create::run_expose),
        "patch" => (patch::FLAGS, patch::run),
        "edit" => (info::NO_FLAGS, info::run_edit),
        "top" => (info::NO_FLAGS, info::run_top),
        "wait" => (wait::FLAGS, wait::run_wait),
        "help" => (info::NO_FLAGS, help::run_help),
        _ => return None,
    })
}

/// Runs one kubectl invocation. `args` excludes the leading `kubectl`; `stdin` carries `-f -`
/// input (heredocs).
pub fn run(sim: &mut Sim, args: &[String], stdin: Option<&str>) -> Output {
    match start(sim, args, stdin) {
        Started::Done(out) => out,
        Started::Waiting(deferred) => deferred.finish(sim),
    }
}

/// Like `run`, but a command that waits for the cluster (`rollout status`, `kubectl wait`,
/// `get -w`, `delete`'s wait) run on its own comes back unfinished, for the caller to work on
/// in pieces. Worked to its end it prints exactly what `run` prints.
pub fn start(sim: &mut Sim, args: &[String], stdin: Option<&str>) -> Started {
    // A plain command is its own one-element sequence: a trailing `;` makes it a sequence
    // (whose runner strips the separator).
    let sequence = pipe::split_sequence(args);
    let plain = matches!(sequence.as_slice(), [(words, pipe::Cond::Always)] if words.as_slice() == args)
        && !args.iter().any(|a| a == "|" || a.starts_with("$("))
        && pipe::strip_redirects(args).0.len() == args.len();
    if plain {
        return start_one(sim, args, stdin, true);
    }
    Started::Done(run_sequence(sim, args, stdin))
}

fn run_sequence(sim: &mut Sim, args: &[String], stdin: Option<&str>) -> Output {
    let args = &substitute_commands(sim, args);
    let sequence = pipe::split_sequence(args);
    if sequence.is_empty() {
        return run_piped(sim, args, stdin);
    }
    let mut total = Output::ok("");
    for (i, (words, cond)) in sequence.into_iter().enumerate() {
        let runs = match cond {
            pipe::Cond::Always => true,
            pipe::Cond::IfOk => total.ok,
            pipe::Cond::IfFailed => !total.ok,
        };
        if !runs {
            continue;
        }
        let out = if i == 0 {
            run_piped(sim, &words, stdin)
        } else {
            match words.first().map(String::as_str) {
                Some("kubectl") | Some("k") => run_piped(sim, &words[1..], None),
                Some("echo") => ok(format!("{}\n", words[1..].join(" "))),
                Some(other) => fail(format!(
                    "kubeplay: only `kubectl` or `echo` may follow `;` or `&&`, not `{other}`"
                )),
                None => ok(""),
            }
        };
        total.text.push_str(&out.text);
        total.ok = out.ok;
    }
    total
}

/// `$(kubectl ...)` command substitution: the inner command's output, split into words.
fn substitute_commands(sim: &mut Sim, args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let Some(first) = args[i].strip_prefix("$(") else {
            out.push(args[i].clone());
            i += 1;
            continue;
        };
        let mut inner = vec![first.to_string()];
        let mut j = i;
        while !inner.last().is_some_and(|w| w.ends_with(')')) && j + 1 < args.len() {
            j += 1;
            inner.push(args[j].clone());
        }
        if let Some(last) = inner.last_mut() {
            if let Some(t) = last.strip_suffix(')') {
                *last = t.to_string();
            }
        }
        inner.retain(|w| !w.is_empty());
        let text = match inner.first().map(String::as_str) {
            Some("kubectl") | Some("k") => run_piped(sim, &inner[1..], None).text,
            Some("echo") => inner[1..].join(" "),
            _ => String::new(),
        };
        out.extend(text.split_whitespace().map(str::to_string));
        i = j + 1;
    }
    out
}

/// One command with its `| filters` and `>/dev/null`-style redirections.
fn run_piped(sim: &mut Sim, args: &[String], stdin: Option<&str>) -> Output {
    let (args, redirect) = pipe::strip_redirects(args);
    let args = args.as_slice();
    // `kubectl get pods | grep web`: the shell's pipe, applied to what kubectl printed.
    let mut out = if let Some(at) = args.iter().position(|a| a == "|") {
        let mut out = run_one(sim, &args[..at], stdin);
        for stage in args[at + 1..].split(|a| a == "|") {
            match pipe::apply(stage, &out.text) {
                Ok(t) => {
                    // A pipeline's status is its last stage's: grep fails when nothing matched.
                    out.ok = !(stage.first().is_some_and(|c| c == "grep" || c == "egrep")
                        && t.is_empty());
                    out.text = t;
                }
                Err(e) => return fail(e),
            }
        }
        out
    } else {
        run_one(sim, args, stdin)
    };
    // kubeplay prints stdout and stderr together: a redirect drops the text of the stream a
    // command of that outcome mostly writes to.
    if (redirect.stdout && out.ok) || (redirect.stderr && !out.ok) {
        out.text.clear();
    }
    out
}

fn run_one(sim: &mut Sim, args: &[String], stdin: Option<&str>) -> Output {
    match start_one(sim, args, stdin, false) {
        Started::Done(out) => out,
        Started::Waiting(deferred) => deferred.finish(sim),
    }
}

fn start_one(sim: &mut Sim, args: &[String], stdin: Option<&str>, may_defer: bool) -> Started {
    Started::Done(match start_verb(sim, args, stdin, may_defer) {
        Ok(started) => return started,
        Err(out) => out,
    })
}

/// Runs the verb; `Err` is an output printed before any verb ran (usage errors, help).
fn start_verb(
    sim: &mut Sim,
    args: &[String],
    stdin: Option<&str>,
    may_defer: bool,
) -> Result<Started, Output> {
    let Some(at) = args::find_verb(args) else {
        if args.iter().any(|a| a == "-h" || a == "--help") || args.is_empty() {
            return Err(ok(help::overview()));
        }
        return Err(match args::parse(args, &[GLOBAL]) {
            Err(e) => fail(format!("Error: {}\nSee 'kubectl --help' for usage.", e.0)),
            Ok(_) => ok(help::overview()),
        });
    };
    let verb = args[at].as_str();
    const NOT_SIMULATED: &[&str] = &[
        "port-forward",
        "proxy",
        "attach",
        "cp",
        "debug",
        "auth",
        "certificate",
        "completion",
        "plugin",
        "kustomize",
        "diff",
        "autoscale",
        "alpha",
        "options",
    ];
    if NOT_SIMULATED.contains(&verb) {
        return Err(fail(format!(
            "error: kubeplay does not simulate `kubectl {verb}` (it is a real kubectl command; this playground has no network or files to reach)"
        )));
    }
    let Some((flags, runner)) = verb_table(verb) else {
        return Err(fail(format!(
            "Error: unknown command \"{verb}\" for \"kubectl\"{}",
            suggestion(verb)
        )));
    };
    let mut words: Vec<String> = args[..at].to_vec();
    words.extend_from_slice(&args[at + 1..]);
    let parsed = match args::parse(&words, &[flags, GLOBAL]) {
        Ok(p) => p,
        Err(e) => {
            return Err(fail(format!(
                "Error: {}\nSee 'kubectl {verb} --help' for usage.",
                e.0
            )))
        }
    };
    if parsed.flag("help") {
        return Err(ok(help::for_verb(
            verb,
            parsed.positionals.first().map(String::as_str),
        )));
    }
    let mut ctx = Ctx {
        sim,
        args: parsed,
        stdin,
        verb: verb.to_string(),
        may_defer,
        deferred: None,
    };
    let out = runner(&mut ctx);
    Ok(match ctx.deferred.take() {
        Some(deferred) => Started::Waiting(deferred),
        None => Started::Done(out),
    })
}

/// Cobra's "Did you mean this?": commands within edit distance 2 or starting with the typed
/// word, in kubectl's command-group order.
fn suggestion(verb: &str) -> String {
    const VERBS: &[&str] = &[
        "create",
        "expose",
        "run",
        "set",
        "explain",
        "get",
        "edit",
        "delete",
        "rollout",
        "scale",
        "autoscale",
        "certificate",
        "cluster-info",
        "top",
        "cordon",
        "uncordon",
        "drain",
        "taint",
        "describe",
        "logs",
        "attach",
        "exec",
        "port-forward",
        "proxy",
        "cp",
        "auth",
        "debug",
        "events",
        "diff",
        "apply",
        "patch",
        "replace",
        "wait",
        "kustomize",
        "label",
        "annotate",
        "completion",
        "alpha",
        "api-resources",
        "api-versions",
        "config",
        "plugin",
        "version",
    ];
    let typed = verb.to_ascii_lowercase();
    let close: Vec<&str> = VERBS
        .iter()
        .copied()
        .filter(|v| levenshtein(v, &typed) <= 2 || v.starts_with(typed.as_str()))
        .collect();
    if close.is_empty() || verb.is_empty() {
        return String::new();
    }
    let mut s = String::from("\n\nDid you mean this?\n");
    for c in close {
        s.push_str(&format!("\t{c}\n"));
    }
    s + "\n"
}

fn levenshtein(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The STATUS column of `kubectl get pods` (printers.go printPod).
pub fn pod_status_text(pod: &crate::engine::model::Pod) -> String {
    printers::pod::summarize(pod).status
}
