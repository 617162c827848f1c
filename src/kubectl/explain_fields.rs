//! Field documentation for `kubectl explain KIND.FIELD`: the API reference's text for the fields
//! a learner meets with StatefulSets, DaemonSets and pods (from the k8s.io/api type comments).

use crate::engine::model::Kind;

/// (kind, path below the kind, type, description).
const FIELDS: &[(Kind, &str, &str, &str)] = &[
    (Kind::StatefulSet, "spec", "StatefulSetSpec", "Spec defines the desired identities of pods in this set."),
    (Kind::StatefulSet, "spec.replicas", "integer", "replicas is the desired number of replicas of the given Template. These are replicas in the sense that they are instantiations of the same Template, but individual replicas also have a consistent identity. If unspecified, defaults to 1."),
    (Kind::StatefulSet, "spec.serviceName", "string", "serviceName is the name of the service that governs this StatefulSet. This service must exist before the StatefulSet, and is responsible for the network identity of the set. Pods get DNS/hostnames that follow the pattern: pod-specific-string.serviceName.default.svc.cluster.local where \"pod-specific-string\" is managed by the StatefulSet controller."),
    (Kind::StatefulSet, "spec.selector", "LabelSelector", "selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
    (Kind::StatefulSet, "spec.template", "PodTemplateSpec", "template is the object that describes the pod that will be created if insufficient replicas are detected. Each pod stamped out by the StatefulSet will fulfill this Template, but have a unique identity from the rest of the StatefulSet. Each pod will be named with the format <statefulsetname>-<podindex>. For example, a pod in a StatefulSet named \"web\" with index number \"3\" would be named \"web-3\". The only allowed template.spec.restartPolicy value is \"Always\"."),
    (Kind::StatefulSet, "spec.podManagementPolicy", "string", "podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. The default policy is `OrderedReady`, where pods are created in increasing order (pod-0, then pod-1, etc) and the controller will wait until each pod is ready before continuing. When scaling down, the pods are removed in the opposite order. The alternative policy is `Parallel` which will create pods in parallel to match the desired scale without waiting, and on scale down will delete all pods at once."),
    (Kind::StatefulSet, "spec.updateStrategy", "StatefulSetUpdateStrategy", "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template."),
    (Kind::StatefulSet, "spec.updateStrategy.rollingUpdate.partition", "integer", "Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. During a rolling update, all pods from ordinal Replicas-1 to Partition are updated. All pods from ordinal Partition-1 to 0 remain untouched. This is helpful in being able to do a canary based deployment. The default value is 0."),
    (Kind::StatefulSet, "spec.volumeClaimTemplates", "[]PersistentVolumeClaim", "volumeClaimTemplates is a list of claims that pods are allowed to reference. The StatefulSet controller is responsible for mapping network identities to claims in a way that maintains the identity of a pod. Every claim in this list must have at least one matching (by name) volumeMount in one container in the template. A claim in this list takes precedence over any volumes in the template, with the same name."),
    (Kind::StatefulSet, "spec.persistentVolumeClaimRetentionPolicy", "StatefulSetPersistentVolumeClaimRetentionPolicy", "persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are created as needed and retained until manually deleted. This policy allows the lifecycle to be altered, for example by deleting persistent volume claims when their stateful set is deleted, or when their pod is scaled down."),
    (Kind::StatefulSet, "spec.minReadySeconds", "integer", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)"),
    (Kind::StatefulSet, "spec.revisionHistoryLimit", "integer", "revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history. The revision history consists of all revisions not represented by a currently applied StatefulSetSpec version. The default value is 10."),
    (Kind::DaemonSet, "spec", "DaemonSetSpec", "The desired behavior of this daemon set. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"),
    (Kind::DaemonSet, "spec.template", "PodTemplateSpec", "An object that describes the pod that will be created. The DaemonSet will create exactly one copy of this pod on every node that matches the template's node selector (or on every node if no node selector is specified). The only allowed template.spec.restartPolicy value is \"Always\"."),
    (Kind::DaemonSet, "spec.updateStrategy", "DaemonSetUpdateStrategy", "An update strategy to replace existing DaemonSet pods with new pods."),
    (Kind::DaemonSet, "spec.minReadySeconds", "integer", "The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)."),
    (Kind::DaemonSet, "spec.revisionHistoryLimit", "integer", "The number of old history to retain to allow rollback. This is a pointer to distinguish between explicit zero and not specified. Defaults to 10."),
    (Kind::Deployment, "spec.replicas", "integer", "Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1."),
    (Kind::Pod, "spec.nodeSelector", "map[string]string", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
    (Kind::Pod, "spec.tolerations", "[]Toleration", "If specified, the pod's tolerations."),
    (Kind::Pod, "spec.terminationGracePeriodSeconds", "integer", "Optional duration in seconds the pod needs to terminate gracefully. May be decreased in delete request. Value must be non-negative integer. The value zero indicates stop immediately via the kill signal (no opportunity to shut down). If this value is nil, the default grace period will be used instead. The grace period is the duration in seconds after the processes running in the pod are sent a termination signal and the time when the processes are forcibly halted with a kill signal. Set this value longer than the expected cleanup time for your process. Defaults to 30 seconds."),
    (Kind::Node, "spec.taints", "[]Taint", "If specified, the node's taints."),
    (Kind::Node, "spec.unschedulable", "boolean", "Unschedulable controls node schedulability of new pods. By default, node is schedulable. More info: https://kubernetes.io/docs/concepts/nodes/node/#manual-node-administration"),
];

/// Wraps at 80 columns with the 4-space indent explain uses.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("    ");
    for word in text.split_whitespace() {
        if line.len() > 4 && line.len() + 1 + word.len() > 80 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from("    ");
        }
        if line.len() > 4 {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// `FIELD:` and `DESCRIPTION:` for a known field.
pub fn field_text(kind: Kind, path: &str) -> Option<String> {
    let (_, _, ty, doc) = FIELDS
        .iter()
        .find(|(k, p, _, _)| *k == kind && p.eq_ignore_ascii_case(path))?;
    let name = path.rsplit('.').next().unwrap_or(path);
    Some(format!(
        "FIELD: {name} <{ty}>\n\nDESCRIPTION:\n{}    \n",
        wrap(doc)
    ))
}
