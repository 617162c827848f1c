//! Every manifest, command and troubleshooting story of the three seed guides
//! (shared/seeds/) run in kubeplay, asserting what each guide describes where that is true of
//! real Kubernetes v1.36, and the real behaviour (with a comment naming the guide's claim)
//! where the guide is wrong. Manifests: static/examples/seeds/; stories:
//! static/examples/troubleshooting/.

#[path = "seeds/best_practices.rs"]
mod best_practices;
#[path = "seeds/guide_infradecode.rs"]
mod guide_infradecode;
#[path = "seeds/guide_k8s_daemonsets.rs"]
mod guide_k8s_daemonsets;
#[path = "seeds/guide_k8s_statefulsets.rs"]
mod guide_k8s_statefulsets;
#[path = "seeds/guide_specialized_workloads.rs"]
mod guide_specialized_workloads;
#[path = "seeds/ordering.rs"]
mod ordering;
#[path = "seeds/support.rs"]
mod support;
#[path = "seeds/troubleshooting.rs"]
mod troubleshooting;
