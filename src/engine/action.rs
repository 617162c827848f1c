//! What controllers, the scheduler and the kubelet want done, and why they are waiting.
//! They return these values; only `apply` turns them into store changes and events.

use super::model::Object;
use super::store::ObjectKey;
use super::time::SimDuration;
use std::fmt;

/// Every actor that reconciles. Order is the order work is drained when several are due at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ControllerId {
    NodeLifecycle,
    TaintEviction,
    Volume,
    /// The external volume provisioner (kind's rancher.io/local-path); its events name it.
    Provisioner,
    /// The attach/detach controller (only its Multi-Attach report is simulated).
    AttachDetach,
    StatefulSet,
    DaemonSet,
    Deployment,
    ReplicaSet,
    GarbageCollector,
    PodGc,
    Endpoints,
    EndpointSlice,
    Disruption,
    Scheduler,
    Kubelet,
}

impl ControllerId {
    pub fn component(self) -> &'static str {
        match self {
            ControllerId::NodeLifecycle => "node-controller",
            ControllerId::TaintEviction => "taint-eviction-controller",
            ControllerId::Volume => "persistentvolume-controller",
            ControllerId::AttachDetach => "attachdetach-controller",
            ControllerId::Provisioner => "rancher.io/local-path_local-path-provisioner-7577fdbbfb-ptd4f_3e2bd5f4-0c6e-4e5f-9d1f-5a8a0c7b2e11",
            ControllerId::StatefulSet => "statefulset-controller",
            ControllerId::DaemonSet => "daemonset-controller",
            ControllerId::Deployment => "deployment-controller",
            ControllerId::ReplicaSet => "replicaset-controller",
            ControllerId::GarbageCollector => "garbage-collector-controller",
            ControllerId::PodGc => "pod-garbage-collector",
            ControllerId::Endpoints => "endpoint-controller",
            ControllerId::EndpointSlice => "endpointslice-controller",
            ControllerId::Disruption => "controllermanager",
            ControllerId::Scheduler => "default-scheduler",
            ControllerId::Kubelet => "kubelet",
        }
    }
}

/// How dependents are handled when an owner is deleted (`--cascade`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    /// The object the event is about.
    pub regarding: ObjectKey,
    pub warning: bool,
    pub reason: String,
    pub message: String,
    pub source: ControllerId,
    /// Node name for kubelet events (`source.host`).
    pub host: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Create a new object. `metadata.generateName` is expanded with the seeded RNG; uid,
    /// resourceVersion and creationTimestamp are filled in by apply.
    Create(Object),
    /// Create an object whose name the API server generates from `metadata.generateName`, then
    /// record `event`; `{name}` in its message becomes the generated name, as the controllers'
    /// pod control does after the create call returns (`Created pod: {name}` ->
    /// `Created pod: fluentd-x7k2p`).
    CreateAndRecord {
        object: Object,
        event: EventRecord,
    },
    /// Replace an existing object's spec/status as given (controllers write status this way).
    Update(Object),
    /// Ask for deletion as the API server would: graceful for bound pods, finalizers honoured.
    Delete {
        key: ObjectKey,
        grace_seconds: Option<i64>,
        propagation: Propagation,
    },
    /// Remove the object from the store now (kubelet after termination, GC, force delete).
    Remove(ObjectKey),
    /// Set `spec.nodeName` and the PodScheduled condition.
    Bind {
        pod: ObjectKey,
        node: String,
    },
    Event(EventRecord),
}

/// Why an actor did not do (all of) what the user might expect. Shown by `sim why` and the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhyReason {
    /// OrderedReady: `pod` waits until `blocker` is Running and Ready.
    WaitingForReady { blocker: String },
    /// A pod is terminating and the controller waits for it to go.
    WaitingForTermination { pod: String },
    /// minReadySeconds has not elapsed for `pod`.
    WaitingForAvailable { pod: String, seconds_left: u64 },
    /// Rolling update partition keeps ordinals below `partition` on the old revision.
    PartitionHolds { partition: i32, held: Vec<String> },
    /// The scheduler could not place the pod; `message` is kube-scheduler's text.
    Unschedulable { message: String },
    /// A DaemonSet does not run on `node` for `reason`.
    NodeNotEligible { node: String, reason: String },
    /// StatefulSet OrderedReady: `pod` is not at the update revision and not Running and Ready,
    /// so the replica pass stops there and the rolling update never replaces it.
    StuckRollout { pod: String },
    /// A rolling update waits for the pod it just replaced before replacing the next one.
    RollingUpdateWaits { pod: String },
    /// A pod is not created because its claim is being deleted (`pvc X is being deleted`).
    ClaimBeingDeleted { claim: String },
    /// `whenScaled: Delete`: the claim still belongs to an earlier pod of the same name.
    StaleClaim { claim: String },
    /// OnDelete update strategy: these pods keep their revision until someone deletes them.
    OnDeleteHolds { pods: Vec<String> },
    /// Anything else, already worded for a learner.
    Other(String),
}

impl fmt::Display for WhyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WhyReason::WaitingForReady { blocker } => {
                write!(f, "waiting for {blocker} to be Running and Ready (OrderedReady)")
            }
            WhyReason::WaitingForTermination { pod } => write!(f, "waiting for {pod} to finish terminating"),
            WhyReason::WaitingForAvailable { pod, seconds_left } => {
                write!(f, "waiting {seconds_left}s more for {pod} to be available (minReadySeconds)")
            }
            WhyReason::PartitionHolds { partition, held } => write!(
                f,
                "partition {partition} holds {} on the current revision",
                held.join(", ")
            ),
            WhyReason::Unschedulable { message } => write!(f, "unschedulable: {message}"),
            WhyReason::NodeNotEligible { node, reason } => write!(f, "no pod on {node}: {reason}"),
            WhyReason::StuckRollout { pod } => write!(
                f,
                "{pod} is not Running and Ready and not at the update revision; under OrderedReady the \
                 controller never replaces it, so the rollout is stuck while it stays unready: delete it \
                 (kubectl delete pod {pod}) to recreate it at the update revision"
            ),
            WhyReason::RollingUpdateWaits { pod } => {
                write!(f, "the rolling update waits for {pod} to be Running and Ready before replacing the next pod")
            }
            WhyReason::ClaimBeingDeleted { claim } => {
                write!(f, "claim {claim} is being deleted; the pod is created once the claim is gone")
            }
            WhyReason::StaleClaim { claim } => write!(
                f,
                "claim {claim} still belongs to an earlier pod (whenScaled: Delete); the pod is created at the \
                 first sync after the garbage collector deleted the claim (the controller does not watch \
                 claims, so a change to the set or its pods must trigger that sync)"
            ),
            WhyReason::OnDeleteHolds { pods } => {
                write!(f, "OnDelete: {} keep their revision until you delete them", pods.join(", "))
            }
            WhyReason::Other(text) => write!(f, "{text}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    /// The object that is waiting or blocked (a pod, a workload, a node).
    pub subject: ObjectKey,
    pub reason: WhyReason,
}

/// The result of one reconcile: what to do, why not more, and when to look again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reconcile {
    pub actions: Vec<Action>,
    pub why: Vec<Why>,
    pub requeue_after: Option<SimDuration>,
    /// The requeue only repeats an attempt that cannot succeed until something outside the
    /// actor changes (a missing Secret, a crash-looping container, a broken image): it keeps
    /// firing while time passes, but `Sim::settle` does not wait for it.
    pub steady_retry: bool,
}

impl Reconcile {
    pub fn act(&mut self, a: Action) {
        self.actions.push(a);
    }
    pub fn wait(&mut self, subject: ObjectKey, reason: WhyReason) {
        self.why.push(Why { subject, reason });
    }
    /// Keeps the earliest requested requeue.
    pub fn requeue(&mut self, after: SimDuration) {
        self.requeue_after = Some(self.requeue_after.map_or(after, |d| d.min(after)));
    }
}

/// A fault injected with `sim` verbs; the kubelet reads them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Images whose pull fails (ErrImagePull / ImagePullBackOff).
    pub broken_images: std::collections::BTreeSet<String>,
    /// Images whose pull takes this long instead of the default.
    pub slow_images: std::collections::BTreeMap<String, SimDuration>,
    /// Pods (namespace, name) held unready by `sim pod unready`.
    pub unready_pods: std::collections::BTreeSet<(String, String)>,
    /// Pods whose container crashes on every start (`sim pod crash`).
    pub crashing_pods: std::collections::BTreeSet<(String, String)>,
    /// Pods told to fail once (`sim pod fail`): the container exits 1 and the pod goes Failed.
    pub failed_pods: std::collections::BTreeSet<(String, String)>,
    /// Nodes whose kubelet stopped heartbeating (`sim node fail`).
    pub failed_nodes: std::collections::BTreeSet<String>,
    /// When each failed node's kubelet last heartbeated (the `sim node fail` time); the node
    /// lifecycle controller marks it NotReady a grace period later.
    pub node_failed_at: std::collections::BTreeMap<String, super::time::SimTime>,
    /// When `sim pod unready` was given: probes fail from then on.
    pub unready_since: std::collections::BTreeMap<(String, String), super::time::SimTime>,
    /// When `sim pod fail` was given: only the pod that existed then fails (not its replacement).
    pub failed_since: std::collections::BTreeMap<(String, String), super::time::SimTime>,
    /// The uid of the pod each `sim pod fail` was aimed at, so a replacement with the same name
    /// (created in the same millisecond by a controller) is not failed too.
    pub failed_uids: std::collections::BTreeMap<(String, String), String>,
}
