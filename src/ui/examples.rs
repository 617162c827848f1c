//! Example manifests, compiled in so the playground works offline and loads instantly.

pub struct Example {
    pub title: &'static str,
    pub text: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        title: "StatefulSet web + headless Service",
        text: include_str!("../../static/examples/web.yaml"),
    },
    Example {
        title: "Postgres-like StatefulSet with a Secret",
        text: include_str!("../../static/examples/postgres.yaml"),
    },
    Example {
        title: "Logging DaemonSet (fluentd, hostPath)",
        text: include_str!("../../static/examples/fluentd.yaml"),
    },
    Example {
        title: "node-exporter DaemonSet (hostNetwork, control-plane)",
        text: include_str!("../../static/examples/node-exporter.yaml"),
    },
    Example {
        title: "The web app as a Deployment",
        text: include_str!("../../static/examples/web-deployment.yaml"),
    },
];
