//! Tab completion for the console: a command line and a cursor -> what the word under the cursor
//! could become. Pure: the live names come from a [`NameSource`] (the `Sim` is one), so the
//! browser asks only when Tab is pressed and nothing is copied per render.
//!
//! It completes what a learner types most: `kubectl` and `sim` verbs, resource kinds (plural,
//! singular or short name, whichever the typed prefix matches), object names in the namespace
//! given by `-n` (default otherwise), node names for the node verbs, `kind/name`, flags and the
//! values of `-n` and `-o`.

use super::args::{Flag, Takes, GLOBAL};
use crate::engine::model::Kind;
use crate::engine::Sim;

/// One thing the word could become.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The whole word, as it would be typed.
    pub value: String,
    /// A short note shown beside it (`StatefulSet` for `statefulsets`).
    pub hint: Option<String>,
}

impl Candidate {
    fn new(value: impl Into<String>) -> Candidate {
        Candidate {
            value: value.into(),
            hint: None,
        }
    }

    /// Whether the word is finished once inserted (a space may follow): `pod/` and
    /// `--namespace=` still wait for their second half.
    pub fn finished(&self) -> bool {
        !(self.value.ends_with('/') || self.value.ends_with('='))
    }
}

/// What Tab can do at a cursor position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Byte range of the line the chosen candidate replaces: the word before the cursor.
    pub start: usize,
    pub end: usize,
    /// Sorted, without duplicates; each starts with the typed word.
    pub candidates: Vec<Candidate>,
    /// The longest prefix every candidate shares (empty when there are none).
    pub common: String,
}

impl Completion {
    /// The word the user has typed so far.
    pub fn typed<'a>(&self, line: &'a str) -> &'a str {
        line.get(self.start..self.end).unwrap_or("")
    }

    /// The line with `value` in place of the typed word, and the cursor (a byte offset) just
    /// after it; `then_space` adds the space that ends a finished word unless one follows.
    pub fn replace(&self, line: &str, value: &str, then_space: bool) -> (String, usize) {
        let head = line.get(..self.start).unwrap_or(line);
        let tail = line.get(self.end..).unwrap_or("");
        let mut out = format!("{head}{value}");
        let cursor = match (then_space, tail.starts_with(' ')) {
            (true, true) => out.len() + 1,
            (true, false) => {
                out.push(' ');
                out.len()
            }
            (false, _) => out.len(),
        };
        out.push_str(tail);
        (out, cursor)
    }
}

/// Where completion finds the names of live objects.
pub trait NameSource {
    /// Names of the objects of `kind`, in `namespace` (`None`: every namespace); namespaces are
    /// ignored for cluster-scoped kinds.
    fn object_names(&self, kind: Kind, namespace: Option<&str>) -> Vec<String>;

    /// Names `sim set` accepts.
    fn timing_names(&self) -> Vec<String> {
        Vec::new()
    }
}

impl NameSource for Sim {
    fn object_names(&self, kind: Kind, namespace: Option<&str>) -> Vec<String> {
        super::resources::list(self, kind, namespace)
            .into_iter()
            .map(|o| o.meta().name.clone())
            .collect()
    }

    fn timing_names(&self) -> Vec<String> {
        let mut config = self.config().clone();
        config
            .settings()
            .iter()
            .map(|(name, _, _)| name.to_string())
            .collect()
    }
}

/// The kubectl verbs kubeplay runs, for the first word after `kubectl`.
pub const KUBECTL_VERBS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "cluster-info",
    "config",
    "cordon",
    "create",
    "delete",
    "describe",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "label",
    "logs",
    "patch",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// `sim` verbs, for the first word after `sim`.
pub const SIM_VERBS: &[&str] = &[
    "advance", "image", "node", "pod", "reset", "seed", "set", "settle", "time", "why",
];

/// Completes the word that ends at byte `cursor` of `line`.
pub fn complete(line: &str, cursor: usize, names: &dyn NameSource) -> Completion {
    let mut cursor = cursor.min(line.len());
    while !line.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &line[..cursor];
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[start..];
    let words: Vec<&str> = before[..start].split_whitespace().collect();
    let mut found = if words.is_empty() && word.is_empty() {
        // Nothing typed: Tab keeps its usual meaning (move focus).
        Vec::new()
    } else {
        // `a && b`, `a; b`, `a | grep x`: complete inside the last command.
        let cut = words
            .iter()
            .rposition(|w| matches!(*w, ";" | "&&" | "||" | "|"));
        let after_pipe = cut.is_some_and(|i| words[i] == "|");
        let command = &words[cut.map_or(0, |i| i + 1)..];
        match command.first().copied() {
            None if after_pipe => words_of(&["grep", "head", "sort", "tail", "wc"]),
            None => words_of(&["kubectl", "sim"]),
            Some("kubectl") | Some("k") => kubectl(&command[1..], word, names),
            Some("sim") => sim(&command[1..], word, names),
            Some(_) => Vec::new(),
        }
    };
    found.retain(|c| c.value.starts_with(word));
    found.sort_by(|a, b| a.value.cmp(&b.value));
    found.dedup_by(|a, b| a.value == b.value);
    Completion {
        start,
        end: cursor,
        common: common_prefix(&found),
        candidates: found,
    }
}

fn words_of(list: &[&str]) -> Vec<Candidate> {
    list.iter().map(|w| Candidate::new(*w)).collect()
}

fn common_prefix(candidates: &[Candidate]) -> String {
    let Some(first) = candidates.first() else {
        return String::new();
    };
    let mut len = first.value.len();
    for c in &candidates[1..] {
        len = first.value[..len]
            .char_indices()
            .zip(c.value.chars())
            .find(|((_, a), b)| a != b)
            .map_or(len.min(c.value.len()), |((i, _), _)| i);
    }
    while !first.value.is_char_boundary(len) {
        len -= 1;
    }
    first.value[..len].to_string()
}

/// The words of a kubectl command with its flags taken out.
struct Parsed<'a> {
    positionals: Vec<&'a str>,
    namespace: Option<&'a str>,
    all_namespaces: bool,
    /// The last word is a flag still waiting for its value.
    pending: Option<Flag>,
}

fn find_flag(flags: &[&'static [Flag]], name: &str) -> Option<Flag> {
    let short = name.strip_prefix('-').filter(|s| !s.starts_with('-'));
    flags
        .iter()
        .flat_map(|f| f.iter())
        .copied()
        .find(|f| match short {
            Some(s) => s.chars().count() == 1 && f.short == s.chars().next(),
            None => name.strip_prefix("--") == Some(f.long),
        })
}

fn parse<'a>(words: &[&'a str], verb_flags: impl Fn(&str) -> &'static [Flag]) -> Parsed<'a> {
    let mut p = Parsed {
        positionals: Vec::new(),
        namespace: None,
        all_namespaces: false,
        pending: None,
    };
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        i += 1;
        if w == "--" {
            break;
        }
        if !w.starts_with('-') || w == "-" {
            p.positionals.push(w);
            continue;
        }
        let verb = p.positionals.first().copied().unwrap_or("");
        let flags: [&'static [Flag]; 2] = [verb_flags(verb), GLOBAL];
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            // `-nkube-system`: a short flag with its value attached.
            None if !w.starts_with("--") && w.len() > 2 && w.is_char_boundary(2) => {
                (&w[..2], Some(&w[2..]))
            }
            None => (w, None),
        };
        let Some(flag) = find_flag(&flags, name) else {
            continue;
        };
        if flag.long == "all-namespaces" {
            p.all_namespaces = true;
        }
        if flag.takes != Takes::Value {
            continue;
        }
        let value = inline.or_else(|| words.get(i).copied());
        if inline.is_none() {
            if i == words.len() {
                p.pending = Some(flag);
            }
            i += 1;
        }
        if flag.long == "namespace" {
            p.namespace = value;
        }
    }
    p
}

fn verb_flags(verb: &str) -> &'static [Flag] {
    super::verb_table(verb).map_or(&[], |(flags, _)| flags)
}

/// Values for a flag: namespaces for `-n`, formats for `-o`.
fn flag_values(flag: &Flag, names: &dyn NameSource) -> Vec<Candidate> {
    match flag.long {
        "namespace" => names
            .object_names(Kind::Namespace, None)
            .into_iter()
            .map(Candidate::new)
            .collect(),
        "output" => words_of(&["json", "jsonpath=", "name", "wide", "yaml"]),
        _ => Vec::new(),
    }
}

fn kubectl(words: &[&str], word: &str, names: &dyn NameSource) -> Vec<Candidate> {
    let parsed = parse(words, verb_flags);
    if let Some(flag) = parsed.pending {
        return flag_values(&flag, names);
    }
    let verb = parsed.positionals.first().copied();
    if word.starts_with('-') {
        return flags(verb.map_or(&[][..], verb_flags), word, names);
    }
    let Some(verb) = verb else {
        return words_of(KUBECTL_VERBS);
    };
    let scope = Scope {
        names,
        namespace: if parsed.all_namespaces {
            None
        } else {
            Some(parsed.namespace.unwrap_or("default"))
        },
    };
    let args = &parsed.positionals[1..];
    use Kind::*;
    const SCALABLE: &[Kind] = &[Deployment, ReplicaSet, StatefulSet];
    const ROLLABLE: &[Kind] = &[DaemonSet, Deployment, StatefulSet];
    match verb {
        "get" if args.is_empty() && !word.contains(['/', ',']) => {
            // `kubectl get all`: pods, services and the workloads in one table.
            let mut found = kinds(Kind::ALL, word);
            found.push(Candidate::new("all"));
            found
        }
        "get" | "describe" | "delete" | "label" | "annotate" | "patch" | "edit" | "wait" => {
            scope.resources(args, word, Kind::ALL, verb == "get" || verb == "delete")
        }
        "explain" if args.is_empty() => kinds(Kind::ALL, word),
        "scale" => scope.resources(args, word, SCALABLE, false),
        "rollout" if args.is_empty() => {
            words_of(&["history", "pause", "restart", "resume", "status", "undo"])
        }
        "rollout" => scope.resources(&args[1..], word, ROLLABLE, false),
        "set" if args.is_empty() => words_of(&["image", "resources"]),
        "set" => scope.resources(
            &args[1..],
            word,
            &[DaemonSet, Deployment, Pod, ReplicaSet, StatefulSet],
            false,
        ),
        "logs" | "exec" if args.is_empty() => scope.names(Pod, ""),
        "cordon" | "uncordon" | "drain" => scope.names(Node, ""),
        "taint" => scope.resources(args, word, &[Node], false),
        "expose" => scope.resources(
            args,
            word,
            &[Deployment, Pod, ReplicaSet, Service, StatefulSet],
            false,
        ),
        "top" if args.is_empty() => words_of(&["node", "pod"]),
        "create" if args.is_empty() => {
            words_of(&["configmap", "deployment", "namespace", "secret", "service"])
        }
        "create" if args.len() == 1 && args[0] == "secret" => words_of(&["generic"]),
        "config" if args.is_empty() => {
            words_of(&["current-context", "get-clusters", "get-contexts", "view"])
        }
        "help" if args.is_empty() => words_of(KUBECTL_VERBS),
        _ => Vec::new(),
    }
}

/// `--flag` words of a verb (with `=` for flags that take a value), `--namespace=` values, and
/// the one global flag worth offering.
fn flags(verb_flags: &'static [Flag], word: &str, names: &dyn NameSource) -> Vec<Candidate> {
    if let Some((name, _)) = word.split_once('=') {
        let Some(flag) = find_flag(&[verb_flags, GLOBAL], name) else {
            return Vec::new();
        };
        return flag_values(&flag, names)
            .into_iter()
            .map(|c| Candidate::new(format!("{name}={}", c.value)))
            .collect();
    }
    let global = GLOBAL
        .iter()
        .filter(|f| f.long == "namespace" || f.long == "help");
    verb_flags
        .iter()
        .chain(global)
        .map(|f| match f.takes {
            Takes::Value => Candidate::new(format!("--{}=", f.long)),
            _ => Candidate::new(format!("--{}", f.long)),
        })
        .collect()
}

/// Kind words for a typed prefix: the plural when it matches, else the singular, else a short
/// name (`st` -> `statefulsets`, `storageclasses`; `sts` -> `sts`).
fn kinds(list: &[Kind], word: &str) -> Vec<Candidate> {
    let lower = word.to_ascii_lowercase();
    list.iter()
        .filter_map(|k| {
            let info = k.info();
            let value = [info.plural, info.singular]
                .into_iter()
                .chain(info.short_names.iter().copied())
                .find(|n| n.starts_with(lower.as_str()))?;
            // Keep what the user typed when only the case differs (`Po` -> `Pods` is not
            // offered; `po` -> `pods` is).
            if !value.starts_with(word) {
                return None;
            }
            Some(Candidate {
                value: value.to_string(),
                hint: Some(info.name.to_string()),
            })
        })
        .collect()
}

/// Where names are looked up: the namespace of the command (`None` for `-A`).
struct Scope<'a> {
    names: &'a dyn NameSource,
    namespace: Option<&'a str>,
}

impl Scope<'_> {
    fn names(&self, kind: Kind, prefix: &str) -> Vec<Candidate> {
        self.names
            .object_names(kind, self.namespace)
            .into_iter()
            .map(|n| Candidate::new(format!("{prefix}{n}")))
            .collect()
    }

    /// `KIND NAME...`, `KIND/NAME...` or (for get) `KIND,KIND`.
    fn resources(
        &self,
        args: &[&str],
        word: &str,
        allowed: &[Kind],
        lists: bool,
    ) -> Vec<Candidate> {
        if let Some((kind, _)) = word.split_once('/') {
            return match Kind::lookup(kind) {
                Some(k) if allowed.contains(&k) => self.names(k, &format!("{kind}/")),
                _ => Vec::new(),
            };
        }
        match args.first() {
            None if lists && word.contains(',') => {
                let (done, _) = word.rsplit_once(',').unwrap_or(("", word));
                let last = &word[done.len() + 1..];
                kinds(allowed, last)
                    .into_iter()
                    .map(|c| Candidate {
                        value: format!("{done},{}", c.value),
                        ..c
                    })
                    .collect()
            }
            None => kinds(allowed, word),
            Some(first) if first.contains('/') || first.contains(',') => Vec::new(),
            Some(first) => match Kind::lookup(first) {
                Some(k) if allowed.contains(&k) => self.names(k, ""),
                _ => Vec::new(),
            },
        }
    }
}

fn sim(words: &[&str], word: &str, names: &dyn NameSource) -> Vec<Candidate> {
    let parsed = parse(words, |_| &[]);
    if parsed.pending.is_some() {
        return flag_values(&GLOBAL[0], names);
    }
    let args = &parsed.positionals;
    let scope = Scope {
        names,
        namespace: Some(parsed.namespace.unwrap_or("default")),
    };
    match (args.first().copied(), args.len()) {
        (None, _) => words_of(SIM_VERBS),
        (Some("node"), 1) => words_of(&["add", "fail", "recover", "remove"]),
        (Some("node"), 2) if args[1] != "add" => scope.names(Kind::Node, ""),
        (Some("node"), _) if args.get(1) == Some(&"add") && word.starts_with('-') => words_of(&[
            "--control-plane",
            "--cpu",
            "--label",
            "--memory",
            "--pods",
            "--taint",
        ]),
        (Some("pod"), 1) => words_of(&["crash", "fail", "ready", "unready"]),
        (Some("pod"), 2) => scope.names(Kind::Pod, ""),
        (Some("image"), 1) => words_of(&["broken", "fixed", "slow"]),
        (Some("advance"), 1) => words_of(&["1s", "10s", "30s", "1m", "5m"]),
        (Some("reset"), _) => words_of(&["--empty", "--workers"]),
        (Some("set"), 1) => names
            .timing_names()
            .into_iter()
            .map(Candidate::new)
            .collect(),
        (Some("why"), 1) => match word.split_once('/') {
            Some((kind, _)) => match Kind::lookup(kind) {
                Some(k) => scope.names(k, &format!("{kind}/")),
                None => Vec::new(),
            },
            None => kinds(Kind::ALL, word)
                .into_iter()
                .map(|c| Candidate {
                    value: format!("{}/", c.value),
                    ..c
                })
                .collect(),
        },
        _ => Vec::new(),
    }
}

/// A UTF-16 offset (what the browser's `selectionStart` counts) as a byte offset of `s`.
pub fn utf16_to_byte(s: &str, units: usize) -> usize {
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16();
    }
    s.len()
}

/// A byte offset of `s` as a UTF-16 offset.
pub fn byte_to_utf16(s: &str, byte: usize) -> usize {
    s.char_indices()
        .take_while(|(i, _)| *i < byte)
        .map(|(_, c)| c.len_utf16())
        .sum()
}
