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
        title: "DaemonSet fluentd",
        text: include_str!("../../static/examples/fluentd.yaml"),
    },
];
