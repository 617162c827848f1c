//! Console tab completion (src/kubectl/complete.rs): a line and a cursor -> candidates and their
//! common prefix, against a live cluster (the StatefulSet example applied and settled).

use super::WEB;
use kubeplay::kubectl::complete::{
    byte_to_utf16, complete, utf16_to_byte, Completion, KUBECTL_VERBS,
};
use kubeplay::Session;
use proptest::prelude::*;

fn cluster() -> Session {
    let mut s = Session::new(1);
    let out = s.run_script(&format!("{WEB}\nsim settle\n"), false);
    assert!(out.failures.is_empty(), "{}", out.text);
    s
}

/// Completion at the end of the line.
fn at_end(s: &Session, line: &str) -> Completion {
    complete(line, line.len(), &s.sim)
}

fn values(c: &Completion) -> Vec<&str> {
    c.candidates.iter().map(|c| c.value.as_str()).collect()
}

/// What one Tab press leaves in the input when the word has one completion.
fn tab(s: &Session, line: &str) -> String {
    let c = at_end(s, line);
    assert_eq!(c.candidates.len(), 1, "{line:?} -> {:?}", values(&c));
    let only = &c.candidates[0];
    c.replace(line, &only.value, only.finished()).0
}

#[test]
fn kinds_complete_from_plural_singular_or_short_name() {
    let s = cluster();
    let c = at_end(&s, "kubectl get st");
    assert_eq!(values(&c), ["statefulsets", "storageclasses"]);
    assert_eq!(c.common, "st");
    assert_eq!(c.candidates[0].hint.as_deref(), Some("StatefulSet"));
    assert_eq!(tab(&s, "kubectl get stat"), "kubectl get statefulsets ");
    assert_eq!(tab(&s, "kubectl get sts"), "kubectl get sts ");
    assert_eq!(tab(&s, "kubectl get pvc"), "kubectl get pvc ");
    assert_eq!(
        values(&at_end(&s, "kubectl get po")),
        ["poddisruptionbudgets", "pods"]
    );
    assert_eq!(tab(&s, "kubectl get al"), "kubectl get all ");
    // Comma lists complete their last kind.
    assert_eq!(tab(&s, "kubectl get pods,sv"), "kubectl get pods,svc ");
    // scale offers only what scales.
    assert_eq!(values(&at_end(&s, "kubectl scale d")), ["deployments"]);
}

#[test]
fn object_names_come_from_the_live_store_in_the_commands_namespace() {
    let s = cluster();
    let c = at_end(&s, "kubectl describe pod web-");
    assert_eq!(values(&c), ["web-0", "web-1", "web-2"]);
    assert_eq!(c.common, "web-");
    assert_eq!(tab(&s, "kubectl get sts w"), "kubectl get sts web ");
    assert_eq!(
        tab(&s, "kubectl describe sts/w"),
        "kubectl describe sts/web "
    );
    assert_eq!(
        tab(&s, "kubectl delete pvc www-web-1"),
        "kubectl delete pvc www-web-1 "
    );
    // The default namespace has no coredns; -n, --namespace=, -nNS and -A reach kube-system.
    assert!(at_end(&s, "kubectl get pods core").candidates.is_empty());
    for line in [
        "kubectl get pods -n kube-system core",
        "kubectl -n kube-system get pods core",
        "kubectl get pods --namespace=kube-system core",
        "kubectl get pods --namespace kube-system core",
        "kubectl get pods -nkube-system core",
        "kubectl get pods -A core",
    ] {
        let c = at_end(&s, line);
        assert_eq!(c.candidates.len(), 2, "{line}: {:?}", values(&c));
        assert!(c.common.starts_with("coredns-"), "{line}: {}", c.common);
    }
    // Values of -n are namespaces.
    assert!(values(&at_end(&s, "kubectl get pods -n kube-")).contains(&"kube-system"));
    assert!(values(&at_end(&s, "kubectl get pods --namespace=kube-"))
        .contains(&"--namespace=kube-system"));
}

#[test]
fn node_verbs_complete_node_names() {
    let s = cluster();
    let workers = ["kind-worker", "kind-worker2", "kind-worker3"];
    assert_eq!(values(&at_end(&s, "kubectl cordon kind-w")), workers);
    assert_eq!(values(&at_end(&s, "kubectl uncordon kind-w")), workers);
    assert_eq!(
        values(&at_end(&s, "kubectl drain --ignore-daemonsets kind-w")),
        workers
    );
    assert_eq!(at_end(&s, "kubectl drain ").candidates.len(), 4);
    assert_eq!(tab(&s, "kubectl taint no"), "kubectl taint nodes ");
    assert_eq!(
        tab(&s, "kubectl taint nodes kind-c"),
        "kubectl taint nodes kind-control-plane "
    );
    assert_eq!(
        values(&at_end(&s, "kubectl label node kind-worker")),
        workers
    );
    assert_eq!(values(&at_end(&s, "sim node fail kind-w")), workers);
    assert!(
        at_end(&s, "sim node add kind-w").candidates.is_empty(),
        "a new node's name is the user's"
    );
}

#[test]
fn verbs_of_kubectl_and_sim() {
    let s = cluster();
    assert_eq!(values(&at_end(&s, "kubectl de")), ["delete", "describe"]);
    assert_eq!(at_end(&s, "kubectl ").candidates.len(), KUBECTL_VERBS.len());
    assert_eq!(tab(&s, "kub"), "kubectl ");
    assert_eq!(tab(&s, "kubectl rollout st"), "kubectl rollout status ");
    assert_eq!(
        tab(&s, "kubectl rollout status sta"),
        "kubectl rollout status statefulsets "
    );
    assert_eq!(tab(&s, "k get no"), "k get nodes ");
    assert_eq!(tab(&s, "sim n"), "sim node ");
    assert_eq!(tab(&s, "sim node rec"), "sim node recover ");
    assert_eq!(tab(&s, "sim pod un"), "sim pod unready ");
    assert_eq!(
        values(&at_end(&s, "sim pod crash web-")),
        ["web-0", "web-1", "web-2"]
    );
    assert_eq!(tab(&s, "sim why sts/"), "sim why sts/web ");
    assert_eq!(values(&at_end(&s, "kubectl set ")), ["image", "resources"]);
    assert_eq!(tab(&s, "kubectl set r"), "kubectl set resources ");
    // `statefulsets/` waits for its name: no space after it.
    assert_eq!(tab(&s, "sim why stat"), "sim why statefulsets/");
    assert!(
        values(&at_end(&s, "sim set ")).contains(&"image-pull"),
        "{:?}",
        values(&at_end(&s, "sim set "))
    );
}

#[test]
fn every_offered_verb_is_one_kubeplay_runs() {
    let mut s = Session::new(1);
    for verb in KUBECTL_VERBS {
        let out = s.execute_text(&format!("kubectl {verb} --help"));
        assert!(
            !out.text.contains("unknown command"),
            "{verb}: {}",
            out.text
        );
    }
}

#[test]
fn flags_and_their_values() {
    let s = cluster();
    assert_eq!(
        tab(&s, "kubectl get pods --all-n"),
        "kubectl get pods --all-namespaces "
    );
    // A flag that takes a value ends in `=` and is not finished.
    assert_eq!(
        tab(&s, "kubectl scale sts web --rep"),
        "kubectl scale sts web --replicas="
    );
    assert_eq!(
        values(&at_end(&s, "kubectl get pods -o ")),
        ["json", "jsonpath=", "name", "wide", "yaml"]
    );
    assert_eq!(
        tab(&s, "kubectl get pods -o w"),
        "kubectl get pods -o wide "
    );
    assert_eq!(
        tab(&s, "kubectl get pods --output=y"),
        "kubectl get pods --output=yaml "
    );
    // Flags do not count as positional words: the name after `-o wide` is still a pod.
    assert_eq!(
        tab(&s, "kubectl get -o wide pods web-0"),
        "kubectl get -o wide pods web-0 "
    );
}

#[test]
fn only_the_word_before_the_cursor_is_replaced() {
    let s = cluster();
    let line = "kubectl get stat -o wide";
    let c = complete(line, "kubectl get stat".len(), &s.sim);
    assert_eq!((c.start, c.end), (12, 16));
    assert_eq!(c.typed(line), "stat");
    let (text, cursor) = c.replace(line, "statefulsets", true);
    assert_eq!(text, "kubectl get statefulsets -o wide");
    assert_eq!(&text[..cursor], "kubectl get statefulsets ");
    // Chained commands complete inside the last one.
    assert_eq!(
        tab(&s, "kubectl get pods && kubectl desc"),
        "kubectl get pods && kubectl describe "
    );
    assert_eq!(tab(&s, "kubectl get pods | gr"), "kubectl get pods | grep ");
}

#[test]
fn nothing_to_complete_gives_no_candidates() {
    let s = cluster();
    for line in [
        "",
        "   ",
        "kubectl get pods zzz",
        "echo hi",
        "kubectl version ",
        "sim advance 10s ",
    ] {
        assert!(
            at_end(&s, line).candidates.is_empty(),
            "{line:?}: {:?}",
            values(&at_end(&s, line))
        );
    }
    // Cursor positions past the end or inside a character are clamped, never a panic.
    let c = complete("kubectl get é", 999, &s.sim);
    assert!(c.candidates.is_empty());
    let _ = complete("é", 1, &s.sim);
    // A short flag followed by a multi-byte character (`-é`) is not split inside the char.
    assert!(at_end(&s, "kubectl get -éx po").candidates.len() == 2);
}

#[test]
fn browser_offsets_convert_between_utf16_and_bytes() {
    let s = "é✓𝄞x";
    assert_eq!(utf16_to_byte(s, 0), 0);
    assert_eq!(utf16_to_byte(s, 1), 2);
    assert_eq!(utf16_to_byte(s, 2), 5);
    assert_eq!(utf16_to_byte(s, 4), 9);
    assert_eq!(utf16_to_byte(s, 99), s.len());
    for byte in [0, 2, 5, 9, 10] {
        assert_eq!(utf16_to_byte(s, byte_to_utf16(s, byte)), byte);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whatever is typed and wherever the caret is, completion answers without panicking, and
    /// every candidate fits the range it replaces.
    #[test]
    fn any_line_and_cursor_complete_without_panic(
        line in "(kubectl |sim |k )?([a-z/=,é✓ -]|-n |-A |--namespace=|pods |sts/|node ){0,12}",
        cursor in 0usize..80,
    ) {
        let s = Session::new(1);
        let c = complete(&line, cursor, &s.sim);
        prop_assert!(c.start <= c.end && c.end <= line.len());
        prop_assert!(line.is_char_boundary(c.start) && line.is_char_boundary(c.end));
        for cand in &c.candidates {
            prop_assert!(cand.value.starts_with(c.typed(&line)));
            prop_assert!(cand.value.starts_with(&c.common));
        }
    }
}
