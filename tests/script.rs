//! The script language and the `kubeplay` CLI: parsing, transcripts, --strict, determinism,
//! and robustness against arbitrary input.

use kubeplay::Session;
use proptest::prelude::*;
use std::io::Write;
use std::process::{Command, Stdio};

#[path = "script/jobs.rs"]
mod jobs;
#[path = "script/playground_files.rs"]
mod playground_files;

fn example_scripts() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static/examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("static/examples exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "kubeplay"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("readable example"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_example_script_gives_the_same_transcript_twice() {
    let scripts = example_scripts();
    assert!(
        scripts.len() >= 3,
        "expected the example scripts in static/examples, found {}",
        scripts.len()
    );
    for (name, text) in scripts {
        let a = Session::new(42).run_script(&text, false);
        let b = Session::new(42).run_script(&text, false);
        assert_eq!(a, b, "{name} is not deterministic");
        assert!(
            a.text.lines().filter(|l| l.starts_with("$ ")).count() > 3,
            "{name} ran no commands"
        );
    }
}

#[test]
fn a_different_seed_changes_only_random_parts() {
    let mut a = Session::new(1);
    let mut b = Session::new(2);
    let script = "sim node add extra --label tier=edge\nsim settle\n";
    assert_eq!(
        a.run_script(script, false).text,
        b.run_script(script, false).text
    );
}

fn kubeplay(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubeplay binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("kubeplay finishes");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_prints_each_command_then_its_output_and_goes_on_after_a_failure() {
    let (code, out, _) = kubeplay(
        &["run", "-"],
        "sim node add n9\nsim node remove nope\nsim time\n",
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with("$ sim node add n9\nnode/n9 added\n$ sim node remove nope\n"),
        "{out}"
    );
    assert!(
        out.contains("Error from server (NotFound): nodes \"nope\" not found"),
        "{out}"
    );
    assert!(out.contains("$ sim time\nt="), "{out}");
}

#[test]
fn cli_strict_stops_at_the_first_failure_with_a_nonzero_exit() {
    let (code, out, _) = kubeplay(
        &["run", "--strict", "-"],
        "sim node remove nope\nsim time\n",
    );
    assert_eq!(code, 1);
    assert!(!out.contains("$ sim time"), "{out}");
}

#[test]
fn cli_rejects_bad_arguments_with_usage() {
    let (code, _, err) = kubeplay(&["run", "--seed", "abc", "-"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--seed needs a whole number"), "{err}");
    let (code, _, err) = kubeplay(&["run", "/no/such/file.kubeplay"], "");
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /no/such/file.kubeplay"), "{err}");
}

#[test]
fn cli_seed_flag_fixes_generated_names() {
    let script = "kubectl run probe --image=busybox\nsim settle\nkubectl get events -o name\n";
    let a = kubeplay(&["run", "--seed", "5", "-"], script).1;
    let b = kubeplay(&["run", "--seed=5", "-"], script).1;
    assert_eq!(a, b);
}

#[test]
fn sim_verbs_explain_their_mistakes() {
    let mut s = Session::new(1);
    let out = s.execute_text("sim advance soon");
    assert!(!out.ok);
    assert!(
        out.text.contains("invalid duration \"soon\""),
        "{}",
        out.text
    );
    let out = s.execute_text("sim node add bad_name");
    assert!(!out.ok && out.text.contains("RFC 1123"), "{}", out.text);
    let out = s.execute_text("sim node add x --taint foo=bar:Sometimes");
    assert!(
        !out.ok && out.text.contains("invalid taint effect: Sometimes"),
        "{}",
        out.text
    );
    let out = s.execute_text("sim pod unready web-9");
    assert!(
        !out.ok && out.text.contains("pods \"web-9\" not found"),
        "{}",
        out.text
    );
    let out = s.execute_text("helm install x");
    assert!(
        !out.ok && out.text.contains("starts with `kubectl` or `sim`"),
        "{}",
        out.text
    );
}

#[test]
fn sim_reset_builds_the_cluster_asked_for() {
    let mut s = Session::new(1);
    assert!(s.execute_text("sim reset --workers 5").ok);
    let nodes = s
        .sim
        .store()
        .list::<kubeplay::engine::model::Node>()
        .count();
    assert_eq!(nodes, 6);
    assert!(s.execute_text("sim reset --empty").ok);
    assert_eq!(
        s.sim
            .store()
            .list::<kubeplay::engine::model::Node>()
            .count(),
        0
    );
}

#[test]
fn export_replays_to_the_same_state() {
    let mut s = Session::new(9);
    s.execute_text("sim node add extra --label disk=ssd");
    s.execute_text("sim advance 30s");
    let script = s.export_script();
    let mut replay = Session::new(9);
    replay.run_script(&script, false);
    assert_eq!(replay.sim.now(), s.sim.now());
    assert_eq!(
        replay
            .sim
            .store()
            .list::<kubeplay::engine::model::Node>()
            .count(),
        s.sim
            .store()
            .list::<kubeplay::engine::model::Node>()
            .count()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// No script text makes the engine panic.
    #[test]
    fn arbitrary_scripts_never_panic(text in "(sim|kubectl|#|<<|EOF|node|pod|add|fail|recover|advance|settle|why|reset|--[a-z]+|[a-z0-9=:./-]{1,12}| |\n|'|\"){0,40}") {
        let mut s = Session::new(3);
        let _ = s.run_script(&text, false);
    }

    /// Any sequence of real sim verbs leaves a cluster whose nodes are all listed.
    #[test]
    fn sequences_of_node_verbs_keep_the_cluster_consistent(ops in proptest::collection::vec((0u8..4, 0u8..3), 1..12)) {
        let mut s = Session::new(4);
        for (op, n) in ops {
            let name = format!("extra-{n}");
            let line = match op {
                0 => format!("sim node add {name}"),
                1 => format!("sim node fail {name}"),
                2 => format!("sim node recover {name}"),
                _ => format!("sim node remove {name}"),
            };
            let _ = s.execute_text(&line);
            let _ = s.execute_text("sim advance 20s");
        }
        prop_assert!(s.sim.store().list::<kubeplay::engine::model::Node>().count() >= 4);
    }
}

#[test]
fn huge_replica_counts_get_a_clear_error_instead_of_a_frozen_page() {
    let mut s = Session::new(1);
    let out = s.execute_text("kubectl create deployment big --image=nginx --replicas=100000000");
    assert!(!out.ok);
    assert!(
        out.text
            .contains("kubeplay simulates at most 5000 replicas per workload"),
        "{}",
        out.text
    );
    let out = s.run_script(
        "kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: 2000000000\n  serviceName: web\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: nginx\nEOF\n",
        false,
    );
    assert!(
        out.text
            .contains("spec.replicas: Invalid value: 2000000000"),
        "{}",
        out.text
    );
    assert_eq!(
        s.sim
            .store()
            .list::<kubeplay::engine::model::StatefulSet>()
            .count(),
        0
    );
}

#[test]
fn a_failed_statefulset_pod_comes_back_once_with_the_same_name() {
    let mut s = Session::new(1);
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/static/examples/seeds/my-statefulset.yaml"
    ))
    .unwrap();
    s.run_script(
        &format!("kubectl apply -f - <<EOF\n{manifest}EOF\nsim settle\n"),
        false,
    );
    let before = s
        .sim
        .store()
        .get::<kubeplay::engine::model::Pod>("default", "my-statefulset-1")
        .unwrap()
        .metadata
        .uid
        .clone();
    let out = s.run_script(
        "sim pod fail my-statefulset-1\nsim advance 1s\nsim settle\n",
        false,
    );
    assert!(out.text.contains("settled after"), "{}", out.text);
    let after = s
        .sim
        .store()
        .get::<kubeplay::engine::model::Pod>("default", "my-statefulset-1")
        .unwrap();
    assert_ne!(
        after.metadata.uid, before,
        "the failed pod is replaced by a new one"
    );
    assert!(
        after.is_running_and_ready(),
        "the replacement runs: {:?}",
        after.status.phase
    );
}

#[test]
fn sim_set_changes_a_timing_the_kubelet_uses() {
    let mut s = Session::new(1);
    assert!(s.execute_text("sim set image-pull 20s").ok);
    s.execute_text("kubectl run x --image=busybox:9");
    s.execute_text("sim advance 10s");
    let pod = s
        .sim
        .store()
        .get::<kubeplay::engine::model::Pod>("default", "x")
        .unwrap();
    assert!(!pod.is_ready(), "a 20s pull is still running after 10s");
    s.execute_text("sim advance 15s");
    let pod = s
        .sim
        .store()
        .get::<kubeplay::engine::model::Pod>("default", "x")
        .unwrap();
    assert!(pod.is_running_and_ready());
    let listing = s.execute_text("sim set").text;
    assert!(listing.contains("image-pull           20s"), "{listing}");
    let err = s.execute_text("sim set image-pull soon");
    assert!(
        !err.ok && err.text.contains("invalid duration"),
        "{}",
        err.text
    );
}

#[test]
fn the_tutorials_hostname_file_survives_pod_deletion() {
    // The Kubernetes StatefulSet tutorial writes each pod's hostname into its volume, deletes
    // the pods and reads the files back from the new pods.
    let mut s = Session::new(1);
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/static/examples/seeds/my-statefulset.yaml"
    ))
    .unwrap();
    s.run_script(
        &format!("kubectl apply -f - <<EOF\n{manifest}EOF\nsim settle\n"),
        false,
    );
    for i in 0..2 {
        let out = s.execute_text(&format!(
            "kubectl exec my-statefulset-{i} -- sh -c 'echo \"$(hostname)\" > /data/index.html'"
        ));
        assert!(out.ok, "{}", out.text);
    }
    s.execute_text("kubectl delete pod -l app=myapp");
    s.execute_text("sim settle");
    for i in 0..2 {
        let out = s.execute_text(&format!(
            "kubectl exec my-statefulset-{i} -- cat /data/index.html"
        ));
        assert_eq!(out.text, format!("my-statefulset-{i}\n"));
    }
    // The container's own layer does not survive.
    s.execute_text("kubectl exec my-statefulset-0 -- sh -c 'echo scratch > /tmp/note'");
    s.execute_text("kubectl delete pod my-statefulset-0");
    s.execute_text("sim settle");
    let out = s.execute_text("kubectl exec my-statefulset-0 -- cat /tmp/note");
    assert!(
        !out.ok && out.text.contains("No such file or directory"),
        "{}",
        out.text
    );
}

#[test]
fn an_exported_session_replays_to_the_same_names_even_with_tricky_heredocs() {
    let mut s = Session::new(11);
    s.execute_text("kubectl create deployment web --image=nginx --replicas=2");
    // A manifest whose text contains a line "EOF" (in a ConfigMap value), applied as the UI does.
    // (The second document is the bare word EOF: kubectl rejects it, the first still applies.)
    let body =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tricky\ndata:\n  k: v\n---\nEOF\n";
    let line = kubeplay::script::ScriptLine {
        line: 1,
        command: "kubectl apply -f - <<EOF".into(),
        words: vec!["kubectl".into(), "apply".into(), "-f".into(), "-".into()],
        stdin: Some(body.into()),
    };
    let original = s.execute(&line);
    s.execute_text("sim settle");
    let script = s.export_script();
    let mut replay = Session::new(999); // the export carries its own seed
    let t = replay.run_script(&script, false);
    assert!(
        t.text.contains(&original.text),
        "the apply answers as it did the first time:\n{}",
        t.text
    );
    let names = |s: &Session| -> Vec<String> {
        s.sim
            .store()
            .list::<kubeplay::engine::model::Pod>()
            .map(|p| p.metadata.name.clone())
            .collect()
    };
    assert_eq!(names(&replay), names(&s));
    assert!(replay
        .sim
        .store()
        .get::<kubeplay::engine::model::ConfigMap>("default", "tricky")
        .is_some());
}

/// `;`, `&&` and `||` join any commands on one line, `sim` verbs included, as a shell does.
#[test]
fn sequences_mix_sim_and_kubectl_commands() {
    let mut s = Session::new(1);
    let out = s.execute_text(
        "kubectl create deployment web --image=nginx:1.27; sim settle ; kubectl get deploy web",
    );
    assert!(out.ok, "{}", out.text);
    assert!(
        out.text
            .contains("deployment.apps/web created\nsettled after"),
        "{}",
        out.text
    );
    assert!(out.text.contains("web    1/1"), "{}", out.text);
    let out = s.execute_text("sim advance 1s;");
    assert!(
        out.ok && out.text.starts_with("advanced 1s"),
        "{}",
        out.text
    );
    let out = s.execute_text("kubectl get pod nope && sim advance 5s || echo missing");
    assert!(!out.text.contains("advanced"), "{}", out.text);
    assert!(out.text.ends_with("missing\n"), "{}", out.text);
}
