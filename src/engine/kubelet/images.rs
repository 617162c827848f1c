//! Images: references as containerd normalises them, pull policy defaults, the node's image
//! cache (reported in `node.status.images`, as the real kubelet does), pull durations and the
//! errors a broken image gives.

use crate::engine::model::{Container, Node};
use crate::engine::time::SimDuration;
use crate::engine::Ctx;
use serde_json::{json, Value};

/// Images a kind node image ships with, so the kube-system pods start without pulling.
const PRELOADED: &[&str] = &[
    "registry.k8s.io/kube-proxy:v1.36.2",
    "docker.io/kindest/kindnetd:v20250512-df8de77b",
    "registry.k8s.io/coredns/coredns:v1.12.1",
    "registry.k8s.io/pause:3.10",
    "docker.io/kindest/local-path-provisioner:v20250214-acbabc1a",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullPolicy {
    Always,
    IfNotPresent,
    Never,
}

/// `nginx` -> `docker.io/library/nginx:latest`, `prom/x:1` -> `docker.io/prom/x:1`.
pub fn normalized(image: &str) -> String {
    let (name, tag_or_digest) = split_reference(image);
    let first = name.split('/').next().unwrap_or("");
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let full = if has_registry {
        name.to_string()
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    match tag_or_digest {
        Some(rest) => format!("{full}{rest}"),
        None => format!("{full}:latest"),
    }
}

/// Splits `repo[:tag][@digest]` into the repository and the `:tag`/`@digest` suffix.
fn split_reference(image: &str) -> (&str, Option<&str>) {
    if let Some(at) = image.find('@') {
        return (&image[..at], Some(&image[at..]));
    }
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_slash..].rfind(':') {
        Some(colon) => {
            let at = last_slash + colon;
            (&image[..at], Some(&image[at..]))
        }
        None => (image, None),
    }
}

/// API defaulting: `Always` for `:latest` or untagged images, `IfNotPresent` otherwise.
pub fn pull_policy(container: &Container) -> PullPolicy {
    match container.image_pull_policy.as_deref() {
        Some("Always") => PullPolicy::Always,
        Some("Never") => PullPolicy::Never,
        Some("IfNotPresent") => PullPolicy::IfNotPresent,
        _ => {
            let (_, suffix) = split_reference(&container.image);
            match suffix {
                None => PullPolicy::Always,
                Some(":latest") => PullPolicy::Always,
                Some(_) => PullPolicy::IfNotPresent,
            }
        }
    }
}

/// Whether the node already holds the image.
pub fn node_has(node: &Node, image: &str) -> bool {
    let wanted = normalized(image);
    if PRELOADED.contains(&wanted.as_str()) {
        return true;
    }
    node.status
        .images
        .as_ref()
        .and_then(Value::as_array)
        .is_some_and(|list| {
            list.iter()
                .any(|entry| image_names(entry).any(|n| n == wanted))
        })
}

fn image_names(entry: &Value) -> impl Iterator<Item = &str> {
    entry
        .get("names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// The node with `image` added to `status.images`, newest first, at most 50 entries (the
/// kubelet's `nodeStatusMaxImages`).
pub fn node_with_image(node: &Node, image: &str) -> Node {
    let mut updated = node.clone();
    let wanted = normalized(image);
    let mut list: Vec<Value> = node
        .status
        .images
        .as_ref()
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !list.iter().any(|e| image_names(e).any(|n| n == wanted)) {
        list.insert(
            0,
            json!({"names": [image_id(image), wanted], "sizeBytes": size_bytes(image)}),
        );
        list.truncate(50);
    }
    updated.status.images = Some(Value::Array(list));
    updated
}

/// A stable stand-in for the image's compressed size (the simulation has no registry).
pub fn size_bytes(image: &str) -> u64 {
    10_000_000 + fnv(normalized(image).as_bytes(), 7) % 190_000_000
}

/// `docker.io/library/nginx@sha256:<digest>`: stable per image reference.
pub fn image_id(image: &str) -> String {
    let full = normalized(image);
    let (repo, _) = split_reference(&full);
    format!("{repo}@sha256:{}", hex64(full.as_bytes()))
}

/// How long pulling takes on this cluster (`sim image slow` overrides the default).
pub fn pull_duration(ctx: &Ctx, image: &str) -> SimDuration {
    ctx.faults
        .slow_images
        .get(image)
        .copied()
        .unwrap_or(ctx.config.image_pull)
}

pub fn is_broken(ctx: &Ctx, image: &str) -> bool {
    ctx.faults.broken_images.contains(image)
}

/// containerd's error for a tag that does not exist, as the kubelet reports it.
pub fn pull_error(image: &str) -> String {
    let full = normalized(image);
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
    )
}

/// 64 hex characters derived from `data` (FNV-1a with four seeds): container ids, digests.
pub fn hex64(data: &[u8]) -> String {
    (0..4u64)
        .map(|seed| format!("{:016x}", fnv(data, seed)))
        .collect()
}

fn fnv(data: &[u8], seed: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for byte in data {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalise_like_containerd() {
        assert_eq!(normalized("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(normalized("nginx:1.25"), "docker.io/library/nginx:1.25");
        assert_eq!(
            normalized("prom/node-exporter:v1.6.1"),
            "docker.io/prom/node-exporter:v1.6.1"
        );
        assert_eq!(
            normalized("registry.k8s.io/nginx-slim:0.24"),
            "registry.k8s.io/nginx-slim:0.24"
        );
        assert_eq!(
            normalized("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
    }

    #[test]
    fn pull_policy_defaults_follow_the_tag() {
        let c = |image: &str| Container {
            image: image.into(),
            ..Default::default()
        };
        assert_eq!(pull_policy(&c("nginx")), PullPolicy::Always);
        assert_eq!(pull_policy(&c("nginx:latest")), PullPolicy::Always);
        assert_eq!(pull_policy(&c("nginx:1.25")), PullPolicy::IfNotPresent);
        assert_eq!(pull_policy(&c("localhost:5000/app")), PullPolicy::Always);
    }
}
