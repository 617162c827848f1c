//! Files written inside containers (`kubectl exec web-0 -- sh -c 'echo hi > /data/x'`).
//! Where a file lives decides how long it lasts, which is the lesson: under a PersistentVolume
//! mount it outlives the pod and follows the claim; under emptyDir it dies with the pod; under
//! hostPath it stays on the node; anywhere else it is the container's own layer and is gone
//! when the pod is replaced (a new pod has a new uid).

use super::model::{PersistentVolumeClaim, Pod, Volume};
use super::store::Store;
use super::Sim;
use std::collections::BTreeMap;

/// The storage a path resolves to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Backing {
    /// A PersistentVolume, by name.
    PersistentVolume(String),
    /// An emptyDir of one pod (pod uid, volume name).
    EmptyDir(String, String),
    /// A hostPath directory on one node (node, host path).
    HostPath(String, String),
    /// The container's writable layer (pod uid, container name).
    Container(String, String),
}

/// Where one absolute path inside a container ends up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub backing: Backing,
    /// Path relative to the backing's root (no leading slash).
    pub relative: String,
    pub read_only: bool,
    /// ConfigMap or Secret projections: the file's fixed content, if this path is one.
    pub projected: Option<Option<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct FileStore {
    files: BTreeMap<(Backing, String), String>,
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn projected_file(
    store: &Store,
    ns: &str,
    volume: &Volume,
    relative: &str,
) -> Option<Option<String>> {
    if let Some(cm) = &volume.config_map {
        let data = store
            .get::<super::model::ConfigMap>(ns, &cm.name)
            .and_then(|c| c.data.clone())
            .unwrap_or_default();
        return Some(data.get(relative).cloned());
    }
    if let Some(s) = &volume.secret {
        let data = store
            .get::<super::model::Secret>(ns, &s.secret_name)
            .and_then(|c| c.data.clone())
            .unwrap_or_default();
        return Some(
            data.get(relative)
                .map(|b64| decode_secret_value(b64).unwrap_or_else(|| b64.clone())),
        );
    }
    None
}

/// A Secret value as the containers see it: standard base64 (the API server validated it on
/// create), decoded to text; whitespace ignored and padding optional. `None` if it is not
/// base64 or not UTF-8.
pub fn decode_secret_value(text: &str) -> Option<String> {
    use base64::engine::{
        general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig,
    };
    use base64::Engine as _;
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    String::from_utf8(LENIENT.decode(compact).ok()?).ok()
}

/// Resolves `path` in `container` of `pod` to its backing storage, following the mount with
/// the longest matching mountPath as the kernel would.
pub fn resolve(store: &Store, pod: &Pod, container: &str, path: &str) -> Resolved {
    let path = normalize(path);
    let mounts = pod
        .spec
        .containers
        .iter()
        .find(|c| c.name == container)
        .map(|c| c.volume_mounts.as_slice())
        .unwrap_or(&[]);
    let best = mounts
        .iter()
        .filter(|m| {
            let mp = normalize(&m.mount_path);
            path == mp || path.starts_with(&format!("{}/", mp.trim_end_matches('/')))
        })
        .max_by_key(|m| normalize(&m.mount_path).len());
    let container_layer = |relative: String| Resolved {
        backing: Backing::Container(pod.metadata.uid.clone(), container.to_string()),
        relative,
        read_only: false,
        projected: None,
    };
    let Some(mount) = best else {
        return container_layer(path.trim_start_matches('/').to_string());
    };
    let mp = normalize(&mount.mount_path);
    let mut relative = path[mp.len()..].trim_start_matches('/').to_string();
    if let Some(sub) = &mount.sub_path {
        relative = format!("{}/{}", sub.trim_matches('/'), relative)
            .trim_end_matches('/')
            .to_string();
    }
    let read_only = mount.read_only == Some(true);
    let Some(volume) = pod.spec.volumes.iter().find(|v| v.name == mount.name) else {
        return container_layer(path.trim_start_matches('/').to_string());
    };
    let ns = &pod.metadata.namespace;
    if let Some(projected) = projected_file(store, ns, volume, &relative) {
        return Resolved {
            backing: Backing::Container(pod.metadata.uid.clone(), container.to_string()),
            relative,
            read_only: true,
            projected: Some(projected),
        };
    }
    let backing = if let Some(claim) = &volume.persistent_volume_claim {
        let pv = store
            .get::<PersistentVolumeClaim>(ns, &claim.claim_name)
            .and_then(|c| c.spec.volume_name.clone())
            .unwrap_or_else(|| format!("unbound:{ns}/{}", claim.claim_name));
        Backing::PersistentVolume(pv)
    } else if let Some(hp) = &volume.host_path {
        Backing::HostPath(
            pod.node_name().unwrap_or_default().to_string(),
            normalize(&hp.path),
        )
    } else {
        Backing::EmptyDir(pod.metadata.uid.clone(), volume.name.clone())
    };
    Resolved {
        backing,
        relative,
        read_only,
        projected: None,
    }
}

impl FileStore {
    pub fn read(&self, backing: &Backing, relative: &str) -> Option<&String> {
        self.files.get(&(backing.clone(), relative.to_string()))
    }
    pub fn write(&mut self, backing: Backing, relative: String, content: String) {
        self.files.insert((backing, relative), content);
    }
    pub fn remove(&mut self, backing: &Backing, relative: &str) -> bool {
        self.files
            .remove(&(backing.clone(), relative.to_string()))
            .is_some()
    }
    /// Names directly inside `dir` (relative, "" for the root), sorted.
    pub fn list(&self, backing: &Backing, dir: &str) -> Vec<String> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{}/", dir.trim_end_matches('/'))
        };
        let mut names: Vec<String> = self
            .files
            .range((backing.clone(), prefix.clone())..)
            .take_while(|((b, p), _)| b == backing && p.starts_with(&prefix))
            .filter_map(|((_, p), _)| p[prefix.len()..].split('/').next().map(str::to_string))
            .filter(|n| !n.is_empty())
            .collect();
        names.dedup();
        names
    }
    /// Forgets everything stored on one backing (a deleted PersistentVolume, a removed pod).
    pub fn drop_backing(&mut self, backing: &Backing) {
        self.files.retain(|(b, _), _| b != backing);
    }
}

impl Sim {
    pub fn files(&self) -> &FileStore {
        &self.files
    }
    pub fn files_mut(&mut self) -> &mut FileStore {
        &mut self.files
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Container, ObjectMeta, PvcVolumeSource, VolumeMount};

    fn pod_with_claim(uid: &str) -> Pod {
        let mut pod = Pod {
            metadata: ObjectMeta::named("default", "web-0"),
            ..Default::default()
        };
        pod.metadata.uid = uid.into();
        pod.spec.containers.push(Container {
            name: "nginx".into(),
            volume_mounts: vec![VolumeMount {
                name: "www".into(),
                mount_path: "/usr/share/nginx/html".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        pod.spec.volumes.push(Volume {
            name: "www".into(),
            persistent_volume_claim: Some(PvcVolumeSource {
                claim_name: "www-web-0".into(),
                read_only: None,
            }),
            ..Default::default()
        });
        pod
    }

    #[test]
    fn files_under_a_claim_outlive_the_pod_and_others_do_not() {
        let store = Store::default();
        let mut files = FileStore::default();
        let first = pod_with_claim("uid-1");
        let on_volume = resolve(&store, &first, "nginx", "/usr/share/nginx/html/index.html");
        let on_layer = resolve(&store, &first, "nginx", "/tmp/scratch");
        files.write(
            on_volume.backing.clone(),
            on_volume.relative.clone(),
            "web-0\n".into(),
        );
        files.write(
            on_layer.backing.clone(),
            on_layer.relative.clone(),
            "gone\n".into(),
        );
        // The replacement pod has the same name and claim but a new uid.
        let second = pod_with_claim("uid-2");
        let again = resolve(
            &store,
            &second,
            "nginx",
            "/usr/share/nginx/html/./index.html",
        );
        assert_eq!(
            files
                .read(&again.backing, &again.relative)
                .map(String::as_str),
            Some("web-0\n")
        );
        let layer = resolve(&store, &second, "nginx", "/tmp/scratch");
        assert_eq!(files.read(&layer.backing, &layer.relative), None);
        assert_eq!(
            files.list(&again.backing, ""),
            vec!["index.html".to_string()]
        );
    }

    #[test]
    fn base64_decodes_secret_values() {
        assert_eq!(
            decode_secret_value("cGFzc3dvcmQ=").as_deref(),
            Some("password")
        );
    }
}
