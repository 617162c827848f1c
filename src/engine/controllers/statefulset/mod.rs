//! The StatefulSet controller, faithful to kube-controller-manager v1.36
//! (pkg/controller/statefulset): ordered or parallel pod management, one claim per
//! volumeClaimTemplate per pod, ControllerRevisions, RollingUpdate with partition, OnDelete,
//! the claim retention policy, and the status fields as the controller computes them.
//!
//! `reconcile` is pure: it reads the store and returns actions plus the reasons it waits.

mod claims;
mod explain;
mod identity;
mod ownership;
mod pod_claims;
mod reconcile;
mod revisions;
mod status;

pub use identity::{POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL};
pub use reconcile::reconcile;
pub use revisions::{go_json, patch_for, revision_hash, template_of};
