//! Commands that move time run in pieces (`Session::start` + `Job::poll`, what the browser
//! console does a few milliseconds per frame) print the same text and leave the same cluster
//! as run in one go (`Session::execute`, what the CLI and scripts do).

use kubeplay::script::{parse_script, Started};
use kubeplay::Session;

const WEB: &str = include_str!("../../static/examples/web.yaml");

/// A session with the StatefulSet example applied and `setup` run.
fn session_with(setup: &str) -> Session {
    let mut s = Session::new(7);
    let script = format!("kubectl apply -f - <<EOF\n{WEB}EOF\n{setup}");
    let t = s.run_script(&script, true);
    assert!(t.failures.is_empty(), "setup failed:\n{}", t.text);
    s
}

/// Everything a learner could look at afterwards: objects, events, the clock.
fn cluster_state(s: &mut Session) -> String {
    let mut out = String::new();
    for cmd in [
        "kubectl get all,pvc -A -o yaml",
        "kubectl get events -A",
        "sim time",
    ] {
        out.push_str(&s.execute_text(cmd).text);
    }
    out
}

/// Runs `command` both ways on two identical sessions and compares. Returns the pieces the
/// job took, to show it really was cut up.
fn same_both_ways(setup: &str, command: &str) -> usize {
    let mut whole = session_with(setup);
    let mut pieces = session_with(setup);
    let line = &parse_script(command).unwrap()[0];
    let expected = whole.execute(line);
    let (got, polls) = match pieces.start(line) {
        Started::Done(out) => (out, 0),
        Started::Running(mut job) => {
            let mut polls = 0;
            loop {
                polls += 1;
                // Stop at the first look at the clock: the smallest piece there is.
                if let Some(out) = job.poll(&mut pieces.sim, &mut || true) {
                    break (out, polls);
                }
            }
        }
    };
    assert_eq!(got, expected, "`{command}` printed differently in pieces");
    assert_eq!(
        cluster_state(&mut pieces),
        cluster_state(&mut whole),
        "`{command}` left a different cluster in pieces"
    );
    polls
}

#[test]
fn sim_advance_and_settle_in_pieces_match_one_go() {
    assert!(same_both_ways("", "sim advance 45s") > 10);
    assert!(same_both_ways("", "sim settle") > 10);
    // Nothing left to do: settle is over at the first look.
    assert!(same_both_ways("sim settle\n", "sim settle") <= 1);
}

#[test]
fn waiting_kubectl_commands_in_pieces_match_one_go() {
    assert!(same_both_ways("", "kubectl rollout status sts/web") > 10);
    assert!(same_both_ways("", "kubectl get pods -w") > 10);
    // web-0 exists after a second and is Ready a few seconds later.
    let web0 = "sim advance 1s\n";
    assert!(
        same_both_ways(
            web0,
            "kubectl wait --for=condition=Ready pod/web-0 --timeout=60s"
        ) > 5
    );
    assert!(same_both_ways("sim settle\n", "kubectl delete pod web-1") > 5);
    // A timeout is reached the same way.
    assert!(
        same_both_ways(
            web0,
            "kubectl wait --for=condition=Ready pod/web-0 --timeout=2s"
        ) > 1
    );
}

#[test]
fn commands_in_a_pipe_or_with_a_redirect_finish_at_once() {
    let mut s = session_with("");
    for command in [
        "kubectl rollout status sts/web | grep web",
        "kubectl rollout status sts/web >/dev/null",
        "kubectl get pods",
    ] {
        let line = &parse_script(command).unwrap()[0];
        assert!(
            matches!(s.start(line), Started::Done(_)),
            "`{command}` should not come back as a job"
        );
    }
}

/// Runs `command` for `polls` of the smallest pieces, stops it, and checks the history
/// replays to the same cluster. Returns what it printed and the exported history.
fn stopped_after(setup: &str, command: &str, polls: usize) -> (String, String) {
    let mut s = session_with(setup);
    let line = &parse_script(command).unwrap()[0];
    let Started::Running(mut job) = s.start(line) else {
        panic!("`{command}` should run as a job");
    };
    for _ in 0..polls {
        assert!(
            job.poll(&mut s.sim, &mut || true).is_none(),
            "`{command}` ended too soon"
        );
    }
    let stopped = job.stop(&mut s.sim, line);
    assert!(s.sim.is_at_rest(), "stopped between two instants");
    s.record_stopped(&stopped);
    let export = s.export_script();
    // The export replays to the same cluster.
    let mut replay = Session::new(0);
    let t = replay.run_script(&export, true);
    assert!(t.failures.is_empty(), "{}", t.text);
    let (got, want) = (cluster_state(&mut replay), cluster_state(&mut s));
    if got != want {
        let diff: Vec<String> = got
            .lines()
            .zip(want.lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("replay: {a}\n  live: {b}"))
            .collect();
        panic!(
            "`{command}` stopped replays differently:\n{export}\n{}",
            diff.join("\n")
        );
    }
    (stopped.printed, export)
}

#[test]
fn a_stopped_watch_records_the_time_it_moved() {
    let (printed, export) = stopped_after("", "kubectl get pods -w", 40);
    assert!(printed.contains("web-0"), "rows printed so far:\n{printed}");
    let last = export.lines().last().unwrap();
    assert!(
        last.starts_with("sim advance "),
        "export ends with {last:?}"
    );
    assert!(
        !export.contains("get pods -w"),
        "the watch left the history:\n{export}"
    );
}

#[test]
fn a_stopped_delete_keeps_its_deletions() {
    let (printed, export) = stopped_after("sim settle\n", "kubectl delete pod web-1", 3);
    assert!(printed.contains("pod \"web-1\" deleted"), "{printed}");
    assert!(
        export.contains("kubectl delete pod web-1 --wait=false\nsim advance "),
        "{export}"
    );
}

#[test]
fn a_trailing_separator_is_not_part_of_the_last_word() {
    let mut s = session_with("sim settle\n");
    for command in ["kubectl get sts web;", "kubectl get sts web ;"] {
        let out = s.execute_text(command);
        assert!(
            out.ok && out.text.contains(" 3/3 "),
            "`{command}`: {}",
            out.text
        );
    }
}

// `kubectl drain`: cordon, evictions (retried every 5 s while a PodDisruptionBudget refuses),
// then the wait for the evicted pods, all in pieces at the console.

const DEPLOY: &str = include_str!("../../static/examples/web-deployment.yaml");

/// The StatefulSet and the Deployment examples at rest, then `more`: each of kind-worker and
/// kind-worker2 runs a `web-N` and a `web-deploy-...` pod.
fn both_examples(more: &str) -> String {
    format!("kubectl apply -f - <<EOF\n{DEPLOY}EOF\nsim settle\n{more}")
}

/// A budget for the Deployment's pods, allowing `max_unavailable` of them down.
fn budget(max_unavailable: u32) -> String {
    format!(
        "kubectl apply -f - <<EOF
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-deploy
spec:
  maxUnavailable: {max_unavailable}
  selector:
    matchLabels:
      app: web-deploy
EOF
sim settle
"
    )
}

/// kind-worker drained just before: its web-deploy pod's replacement is starting, so the
/// budget (one down at a time) refuses to evict one from kind-worker2 until it is Ready.
fn budget_busy() -> String {
    let budget = budget(1);
    both_examples(&format!(
        "{budget}kubectl drain kind-worker --ignore-daemonsets\n"
    ))
}

const DRAIN_2: &str = "kubectl drain kind-worker2 --ignore-daemonsets";

/// What `command` prints in one go, on a session set up with `setup`.
fn output_of(setup: &str, command: &str) -> kubeplay::Output {
    let mut s = session_with(setup);
    s.execute(&parse_script(command).unwrap()[0])
}

#[test]
fn a_drain_in_pieces_matches_one_go() {
    let setup = both_examples("");
    let command = "kubectl drain kind-worker --ignore-daemonsets";
    assert!(same_both_ways(&setup, command) > 5);
    let out = output_of(&setup, command);
    assert!(out.ok, "{}", out.text);
    for line in [
        "node/kind-worker cordoned\n",
        "evicting pod default/web-2\n",
        "pod/web-2 evicted\n",
        "node/kind-worker drained\n",
    ] {
        assert!(out.text.contains(line), "{line:?} in:\n{}", out.text);
    }
}

#[test]
fn a_drain_a_budget_holds_up_retries_in_pieces_as_in_one_go() {
    let setup = budget_busy();
    assert!(same_both_ways(&setup, DRAIN_2) > 5);
    let out = output_of(&setup, DRAIN_2);
    assert!(out.ok, "{}", out.text);
    let retry = "\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n";
    assert!(out.text.contains(retry), "{}", out.text);
    assert!(
        out.text.ends_with("node/kind-worker2 drained\n"),
        "{}",
        out.text
    );
}

#[test]
fn a_drain_prints_as_it_goes() {
    let mut s = session_with(&budget_busy());
    let line = &parse_script(DRAIN_2).unwrap()[0];
    let Started::Running(mut job) = s.start(line) else {
        panic!("a held-up drain should run as a job");
    };
    // The cordon and the first refusal happen as the command is typed.
    assert!(job.printed().starts_with("node/kind-worker2 cordoned\n"));
    assert!(job.printed().contains("(will retry after 5s)"));
    let mut seen = Vec::new();
    let out = loop {
        if let Some(out) = job.poll(&mut s.sim, &mut || true) {
            break out;
        }
        seen.push(job.printed().to_string());
    };
    for printed in &seen {
        assert!(out.text.starts_with(printed.as_str()), "{printed}");
    }
    // The evicted pods show as they go, one by one.
    let evicted = |t: &str| t.matches(" evicted\n").count();
    assert_eq!(evicted(&out.text), 3, "{}", out.text);
    assert!(
        seen.iter().any(|p| (1..3).contains(&evicted(p))),
        "some evicted lines before the last"
    );
    assert!(seen.iter().all(|p| !p.contains("drained")));
}

#[test]
fn a_drain_that_times_out_does_so_in_pieces_as_in_one_go() {
    // While evicting: a budget that allows nothing.
    let refusing = both_examples(&budget(0));
    let command = "kubectl drain kind-worker --ignore-daemonsets --timeout=30s";
    assert!(same_both_ways(&refusing, command) > 5);
    let out = output_of(&refusing, command);
    assert!(!out.ok);
    assert!(
        out.text.contains("global timeout reached: 30s\n"),
        "{}",
        out.text
    );
    // While waiting for the evicted pods to go (a 10 s grace period).
    let command = "kubectl drain kind-worker --ignore-daemonsets --timeout=300ms";
    assert!(same_both_ways(&both_examples(""), command) > 1);
    let out = output_of(&both_examples(""), command);
    assert!(!out.ok);
    // Each evicted pod's wait gives up on its own (drain.go `evictPods`): the node's error
    // is their aggregate, the command's error one line per pod.
    let web_2 = "error when waiting for pod \"web-2\" in namespace \"default\" to terminate: global timeout reached: 300ms";
    for part in [
        format!(
            "There are pending pods in node \"kind-worker\" when an error occurred: [{web_2}, "
        ),
        "\npod/web-2\n".to_string(),
        "error: unable to drain node \"kind-worker\" due to error: [".to_string(),
        format!("There are pending nodes to be drained:\n kind-worker\n{web_2}\n"),
    ] {
        assert!(out.text.contains(&part), "{part:?} in:\n{}", out.text);
    }
}

#[test]
fn a_drain_evicts_every_pod_at_once_while_a_budget_holds_one_back() {
    // The budget allows no web-deploy pod down: that one is retried every 5 s on its own,
    // the node's other pods are evicted and gone meanwhile.
    let refusing = both_examples(&budget(0));
    let command = "kubectl drain kind-worker --ignore-daemonsets --timeout=30s";
    assert!(same_both_ways(&refusing, command) > 5);
    let out = output_of(&refusing, command);
    assert!(!out.ok, "{}", out.text);
    let refused = out
        .text
        .lines()
        .find_map(|l| l.strip_prefix("error when evicting pods/\""))
        .and_then(|l| l.split('"').next())
        .expect("a refused pod")
        .to_string();
    assert!(refused.starts_with("web-deploy-"), "{}", out.text);
    let retry = format!("error when evicting pods/\"{refused}\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n");
    // Tried at 0, 5, ... 30 s; the next try would come after the timeout: it gives up,
    // printing its `evicting pod` line once more as kubectl's goroutine does.
    assert_eq!(out.text.matches(&retry).count(), 7, "{}", out.text);
    let tries = format!("evicting pod default/{refused}\n");
    assert_eq!(out.text.matches(&tries).count(), 8, "{}", out.text);
    // web-2 went long before: evicted in the first round, not held back by the refusal.
    let first_retry = out.text.find(&retry).unwrap();
    let web_2_evicting = out.text.find("evicting pod default/web-2\n").unwrap();
    let web_2_gone = out.text.find("pod/web-2 evicted\n").expect("web-2 gone");
    assert!(
        web_2_evicting < first_retry + retry.len() + 40,
        "{}",
        out.text
    );
    assert!(web_2_gone < out.text.rfind(&retry).unwrap(), "{}", out.text);
    let error = format!(
        "error when evicting pods/\"{refused}\" -n \"default\": global timeout reached: 30s"
    );
    assert!(
        out.text.ends_with(&format!("There are pending pods in node \"kind-worker\" when an error occurred: {error}\npod/{refused}\nerror: unable to drain node \"kind-worker\" due to error: {error}, continuing command...\nThere are pending nodes to be drained:\n kind-worker\n{error}\n")),
        "{}",
        out.text
    );
}

#[test]
fn a_drain_with_eviction_disabled_deletes_past_a_budget_the_same_in_pieces() {
    // `--disable-eviction` (drain.go `deletePods`): plain DELETEs, which a budget allowing
    // nothing does not hold up, then one wait for the pods, printing `deleted`.
    let refusing = both_examples(&budget(0));
    let command = "kubectl drain kind-worker --ignore-daemonsets --disable-eviction";
    assert!(same_both_ways(&refusing, command) > 1);
    let out = output_of(&refusing, command);
    assert!(out.ok, "{}", out.text);
    assert!(!out.text.contains("evict"), "{}", out.text);
    assert!(out.text.contains("pod/web-2 deleted\n"), "{}", out.text);
    assert!(out.text.contains("\npod/web-deploy-"), "{}", out.text);
    assert!(
        out.text.ends_with(" deleted\nnode/kind-worker drained\n"),
        "{}",
        out.text
    );
    // Stopped part way, it is recorded with the flag and the time it ran.
    let printed = stopped_along_the_way(
        &refusing,
        command,
        "kubectl drain kind-worker --ignore-daemonsets --disable-eviction --timeout=",
    );
    assert!(printed.iter().all(|p| !p.contains("drained")));
}

#[test]
fn a_drain_of_a_pod_under_two_budgets_gives_it_up_at_once_the_same_in_pieces() {
    // The eviction API answers 500 (not 429): no retry; the node fails once its other pods
    // are gone.
    let second = budget(1).replace("name: web-deploy\n", "name: web-deploy-2\n");
    let setup = both_examples(&format!("{}{second}", budget(1)));
    let command = "kubectl drain kind-worker --ignore-daemonsets --timeout=30s";
    assert!(same_both_ways(&setup, command) > 1);
    let out = output_of(&setup, command);
    assert!(!out.ok, "{}", out.text);
    assert!(!out.text.contains("will retry"), "{}", out.text);
    assert!(out.text.contains("pod/web-2 evicted\n"), "{}", out.text);
    let error = "\" -n \"default\": This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.\n";
    assert!(
        out.text.contains("There are pending pods in node \"kind-worker\" when an error occurred: error when evicting pods/\"web-deploy-"),
        "{}",
        out.text
    );
    assert!(out.text.ends_with(error), "{}", out.text);
    let printed = stopped_along_the_way(
        &setup,
        command,
        "kubectl drain kind-worker --ignore-daemonsets --timeout=",
    );
    assert!(printed.iter().all(|p| !p.contains("There are pending")));
}

#[test]
fn a_drain_of_several_nodes_goes_on_past_a_failed_one_the_same_both_ways() {
    // Both nodes are cordoned first; each fails on its refused web-deploy pod, the other
    // pods are evicted; the failed nodes are listed once, then one error line per node.
    let command = "kubectl drain kind-worker kind-worker2 --ignore-daemonsets --timeout=6s";
    let setup = both_examples(&budget(0));
    assert_eq!(same_both_ways(&setup, command), 0);
    let out = output_of(&setup, command);
    assert!(!out.ok, "{}", out.text);
    assert!(
        out.text
            .starts_with("node/kind-worker cordoned\nnode/kind-worker2 cordoned\n"),
        "{}",
        out.text
    );
    for line in [
        "pod/web-0 evicted\n",
        "error: unable to drain node \"kind-worker\" due to error: error when evicting pods/\"web-deploy-",
        "error: unable to drain node \"kind-worker2\" due to error: error when evicting pods/\"web-deploy-",
        "\nThere are pending nodes to be drained:\n kind-worker\n kind-worker2\nerror when evicting pods/\"web-deploy-",
    ] {
        assert!(out.text.contains(line), "{line:?} in:\n{}", out.text);
    }
    assert_eq!(out.text.matches("There are pending nodes").count(), 1);
    let last: Vec<&str> = out.text.lines().rev().take(2).collect();
    assert!(
        last.iter()
            .all(|l| l.ends_with("-n \"default\": global timeout reached: 6s")),
        "{}",
        out.text
    );
}

#[test]
fn a_drain_of_several_nodes_finishes_at_once_the_same_both_ways() {
    // `--timeout` counts per node, so a stopped multi-node drain could not be recorded as
    // itself: it is worked in one go, as in a script.
    let command = "kubectl drain kind-worker kind-worker2 --ignore-daemonsets";
    let setup = both_examples(&budget(1));
    assert_eq!(same_both_ways(&setup, command), 0);
    let out = output_of(&setup, command);
    assert!(out.ok, "{}", out.text);
    // kubectl cordons every node before it drains any: kind-worker's evicted web-deploy
    // pod is replaced on kind-worker3, not on kind-worker2 to be evicted again.
    assert!(
        out.text
            .starts_with("node/kind-worker cordoned\nnode/kind-worker2 cordoned\n"),
        "{}",
        out.text
    );
    assert!(
        out.text.ends_with("node/kind-worker2 drained\n"),
        "{}",
        out.text
    );
}

/// Starts `command`, polls it `polls` times (the smallest pieces), stops it as Ctrl+C does and
/// records it; the export must replay to the same cluster. Returns what it printed and the
/// export.
fn stop_and_replay(setup: &str, command: &str, polls: usize) -> (String, String) {
    let mut s = session_with(setup);
    let line = &parse_script(command).unwrap()[0];
    let Started::Running(mut job) = s.start(line) else {
        panic!("`{command}` should run as a job");
    };
    for _ in 0..polls {
        if job.poll(&mut s.sim, &mut || true).is_some() {
            panic!("`{command}` ended after {polls} polls: stop earlier");
        }
    }
    let stopped = job.stop(&mut s.sim, line);
    assert!(s.sim.is_at_rest(), "stopped between two instants");
    s.record_stopped(&stopped);
    let export = s.export_script();
    let mut replay = Session::new(0);
    let t = replay.run_script(&export, false);
    assert_eq!(
        cluster_state(&mut replay),
        cluster_state(&mut s),
        "stopped after {polls} polls, the export does not replay to the same cluster:\n{export}\n{}",
        t.text
    );
    (stopped.printed, export)
}

/// Stops `command` at several points of its run; returns what each stop had printed.
fn stopped_along_the_way(setup: &str, command: &str, recorded_as: &str) -> Vec<String> {
    let total = same_both_ways(setup, command);
    let mut printed = Vec::new();
    for polls in [
        0,
        1,
        2,
        total / 8,
        total / 4,
        total / 2,
        total * 3 / 4,
        total - 1,
    ] {
        let (text, export) = stop_and_replay(setup, command, polls);
        let drain = export
            .lines()
            .rfind(|l| l.starts_with("kubectl drain"))
            .filter(|l| l.starts_with(recorded_as) && l.ends_with("ms"));
        assert!(
            drain.is_some(),
            "the drain is recorded cut short:\n{export}"
        );
        printed.push(text);
    }
    printed
}

#[test]
fn a_stopped_drain_is_recorded_with_the_time_it_ran_and_replays_the_same_cluster() {
    // Stopped while a budget holds it up (the retries), and later while it waits.
    let printed = stopped_along_the_way(
        &budget_busy(),
        DRAIN_2,
        "kubectl drain kind-worker2 --ignore-daemonsets --timeout=",
    );
    assert!(printed
        .iter()
        .any(|p| p.contains("(will retry after 5s)") && !p.contains("evicted")));
    assert!(printed.iter().any(|p| p.contains(" evicted\n")));
    // A --timeout of its own is replaced.
    let printed = stopped_along_the_way(
        &both_examples(""),
        "kubectl drain --timeout 2m kind-worker --ignore-daemonsets",
        "kubectl drain kind-worker --ignore-daemonsets --timeout=",
    );
    // All stopped in the wait, the evictions done.
    assert!(printed
        .iter()
        .all(|p| p.contains("evicting pod default/web-2\n") && !p.contains("drained")));
}

#[test]
fn a_drain_stopped_while_one_pod_is_refused_and_the_others_go_replays_the_same_cluster() {
    // Each stop falls between two rounds of tries, evicted pods terminating meanwhile.
    let printed = stopped_along_the_way(
        &both_examples(&budget(0)),
        "kubectl drain kind-worker --ignore-daemonsets --timeout=30s",
        "kubectl drain kind-worker --ignore-daemonsets --timeout=",
    );
    assert!(printed.iter().all(|p| p.contains("(will retry after 5s)")));
    assert!(printed.iter().any(|p| p.contains("pod/web-2 evicted\n")));
    assert!(printed.iter().any(|p| !p.contains(" evicted\n")));
}

#[test]
fn a_sequence_runs_its_slow_command_in_pieces_and_the_rest_after_it() {
    assert!(same_both_ways("", "sim advance 30s; kubectl get pods") > 10);
    assert!(same_both_ways("", "kubectl get pod nope && sim settle || sim advance 20s") > 5);
    assert!(
        same_both_ways(
            "",
            "kubectl scale sts web --replicas=1 && kubectl rollout status sts/web; echo done"
        ) > 0
    );
}

#[test]
fn a_stopped_sequence_records_the_commands_that_ran_and_the_time_of_the_one_stopped() {
    let (printed, export) = stopped_after(
        "",
        "kubectl create deployment w --image=nginx:1.27 && sim settle; kubectl get pods",
        5,
    );
    assert!(
        printed.starts_with("deployment.apps/w created\n"),
        "{printed}"
    );
    assert!(
        export.contains("kubectl create deployment w --image=nginx:1.27\nsim advance "),
        "{export}"
    );
    assert!(!export.contains("kubectl get pods"), "{export}");
}
