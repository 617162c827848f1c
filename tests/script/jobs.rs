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
fn commands_in_a_pipe_or_sequence_finish_at_once() {
    let mut s = session_with("");
    for command in [
        "kubectl rollout status sts/web | grep web",
        "kubectl get pods; kubectl rollout status sts/web",
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

#[test]
fn an_interrupted_watch_records_the_time_it_moved() {
    let mut s = session_with("");
    let line = &parse_script("kubectl get pods -w").unwrap()[0];
    let Started::Running(mut job) = s.start(line) else {
        panic!("get -w should run as a job");
    };
    let before = job.started();
    for _ in 0..40 {
        assert!(job.poll(&mut s.sim, &mut || true).is_none());
    }
    let printed = job.interrupt(&mut s.sim);
    assert!(printed.contains("web-0"), "rows printed so far:\n{printed}");
    assert!(s.sim.is_at_rest(), "interrupted between two instants");
    s.record_interrupted(before);
    let export = s.export_script();
    let last = export.lines().last().unwrap();
    assert!(
        last.starts_with("sim advance "),
        "export ends with {last:?}"
    );
    assert!(
        !export.contains("get pods -w"),
        "the watch left the history:\n{export}"
    );
    // The export replays to the same cluster.
    let mut replay = Session::new(0);
    let t = replay.run_script(&export, true);
    assert!(t.failures.is_empty(), "{}", t.text);
    assert_eq!(cluster_state(&mut replay), cluster_state(&mut s));
}
