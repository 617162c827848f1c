//! `--help` texts: kubectl v1.32's own help output for each verb, kept verbatim in help/*.txt.

use super::Ctx;
use crate::script::Output;

fn text(name: &str) -> Option<&'static str> {
    Some(match name {
        "annotate" => include_str!("help/annotate.txt"),
        "api-resources" => include_str!("help/api-resources.txt"),
        "apply" => include_str!("help/apply.txt"),
        "cluster-info" => include_str!("help/cluster-info.txt"),
        "config" => include_str!("help/config.txt"),
        "config-view" => include_str!("help/config-view.txt"),
        "cordon" => include_str!("help/cordon.txt"),
        "create" => include_str!("help/create.txt"),
        "create-configmap" => include_str!("help/create-configmap.txt"),
        "create-deployment" => include_str!("help/create-deployment.txt"),
        "create-namespace" => include_str!("help/create-namespace.txt"),
        "create-secret" => include_str!("help/create-secret.txt"),
        "create-secret-generic" => include_str!("help/create-secret-generic.txt"),
        "create-service" => include_str!("help/create-service.txt"),
        "delete" => include_str!("help/delete.txt"),
        "describe" => include_str!("help/describe.txt"),
        "drain" => include_str!("help/drain.txt"),
        "edit" => include_str!("help/edit.txt"),
        "events" => include_str!("help/events.txt"),
        "exec" => include_str!("help/exec.txt"),
        "explain" => include_str!("help/explain.txt"),
        "expose" => include_str!("help/expose.txt"),
        "get" => include_str!("help/get.txt"),
        "kubectl" => include_str!("help/kubectl.txt"),
        "label" => include_str!("help/label.txt"),
        "logs" => include_str!("help/logs.txt"),
        "patch" => include_str!("help/patch.txt"),
        "replace" => include_str!("help/replace.txt"),
        "rollout" => include_str!("help/rollout.txt"),
        "rollout-history" => include_str!("help/rollout-history.txt"),
        "rollout-pause" => include_str!("help/rollout-pause.txt"),
        "rollout-restart" => include_str!("help/rollout-restart.txt"),
        "rollout-resume" => include_str!("help/rollout-resume.txt"),
        "rollout-status" => include_str!("help/rollout-status.txt"),
        "rollout-undo" => include_str!("help/rollout-undo.txt"),
        "run" => include_str!("help/run.txt"),
        "scale" => include_str!("help/scale.txt"),
        "set" => include_str!("help/set.txt"),
        "set-image" => include_str!("help/set-image.txt"),
        "set-resources" => include_str!("help/set-resources.txt"),
        "taint" => include_str!("help/taint.txt"),
        "top" => include_str!("help/top.txt"),
        "uncordon" => include_str!("help/uncordon.txt"),
        "version" => include_str!("help/version.txt"),
        "wait" => include_str!("help/wait.txt"),
        _ => return None,
    })
}

/// `kubectl` with no verb, or `kubectl --help`.
pub fn overview() -> String {
    text("kubectl").unwrap_or_default().to_string()
}

/// `kubectl <verb> --help` (`sub` picks `rollout status`, `create deployment`, `set image`...).
pub fn for_verb(verb: &str, sub: Option<&str>) -> String {
    if let Some(s) = sub {
        if let Some(t) = text(&format!("{verb}-{s}")) {
            return t.to_string();
        }
        if verb == "create" && s == "secret" {
            if let Some(t) = text("create-secret") {
                return t.to_string();
            }
        }
    }
    match text(verb) {
        Some(t) => t.to_string(),
        None => format!("kubectl {verb}: see https://kubernetes.io/docs/reference/kubectl/generated/kubectl_{}/\n", verb.replace('-', "_")),
    }
}

/// `kubectl help [verb]`.
pub fn run_help(ctx: &mut Ctx) -> Output {
    match ctx.args.positionals.first() {
        None => super::ok(overview()),
        Some(v) => super::ok(for_verb(v, ctx.args.positionals.get(1).map(String::as_str))),
    }
}
