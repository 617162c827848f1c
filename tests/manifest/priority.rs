//! The Priority admission plugin on pod create (plugin/pkg/admission/priority): the class a
//! pod names sets its priority and preemptionPolicy; a class that does not exist, or a
//! priority/preemptionPolicy written in the pod that differs from the class's, is Forbidden
//! before validation runs. Pod templates are not admitted, only validated.

use super::{create_text, object};
use kubeplay::engine::model::Object;
use kubeplay::Session;

fn pod(extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: kube-system\nspec:\n  containers:\n  - name: c\n    image: nginx\n{extra}"
    )
}

fn priority_of(text: &str) -> (Option<i32>, Option<String>) {
    let Object::Pod(p) = object(text) else {
        panic!("a pod")
    };
    (p.spec.priority, p.spec.preemption_policy)
}

#[test]
fn the_system_classes_resolve_to_their_values() {
    assert_eq!(
        priority_of(&pod("  priorityClassName: system-cluster-critical\n")),
        (Some(2_000_000_000), Some("PreemptLowerPriority".into()))
    );
    assert_eq!(
        priority_of(&pod("  priorityClassName: system-node-critical\n")),
        (Some(2_000_001_000), Some("PreemptLowerPriority".into()))
    );
    assert_eq!(
        priority_of(&pod("")),
        (Some(0), Some("PreemptLowerPriority".into()))
    );
}

#[test]
fn an_unknown_class_or_a_written_priority_is_forbidden() {
    assert_eq!(
        create_text(&pod("  priorityClassName: high\n")),
        "Error from server (Forbidden): error when creating \"STDIN\": pods \"p\" is forbidden: no PriorityClass with name high was found"
    );
    assert_eq!(
        create_text(&pod("  priority: 5\n")),
        "Error from server (Forbidden): error when creating \"STDIN\": pods \"p\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name"
    );
    assert_eq!(
        create_text(&pod("  preemptionPolicy: Never\n")),
        "Error from server (Forbidden): error when creating \"STDIN\": pods \"p\" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name"
    );
}

#[test]
fn a_template_preemption_policy_is_only_validated() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      preemptionPolicy: Sometimes\n      containers:\n      - name: c\n        image: nginx\n";
    assert_eq!(
        create_text(deploy),
        "The Deployment \"d\" is invalid: spec.template.spec.preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\""
    );
}

#[test]
fn kube_system_pods_show_their_class_priority() {
    let mut s = Session::new(1);
    s.execute_text("sim settle");
    for (selector, class, want) in [
        ("k8s-app=kube-dns", "system-cluster-critical", "2000000000"),
        ("k8s-app=kube-proxy", "system-node-critical", "2000001000"),
    ] {
        let o = s.execute_text(&format!(
            "kubectl get pods -n kube-system -l {selector} -o jsonpath={{.items[*].spec.priority}}"
        ));
        let values: Vec<&str> = o.text.split_whitespace().collect();
        assert!(!values.is_empty(), "{}", o.text);
        assert!(values.iter().all(|v| *v == want), "{selector}: {}", o.text);
        let name = s
            .execute_text(&format!(
                "kubectl get pods -n kube-system -l {selector} -o name"
            ))
            .text;
        let first = name.lines().next().unwrap_or_default().to_string();
        let d = s
            .execute_text(&format!("kubectl describe -n kube-system {first}"))
            .text;
        assert!(
            d.contains(&format!("\nPriority:             {want}\n")),
            "{d}"
        );
        assert!(
            d.contains(&format!("\nPriority Class Name:  {class}\n")),
            "{d}"
        );
    }
}
