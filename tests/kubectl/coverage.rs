//! Golden transcripts for the verbs and formats the other kubectl tests leave out: field
//! selectors, --show-labels, get all, cluster-info, config view, -o wide for nodes/sts/ds,
//! describe of deployment/replicaset/service/pv/storageclass, the `events` verb, logs, exec DNS
//! lookups, rollout restart/undo/history --revision, delete --cascade=orphan and a few --help.
//!
//! Each expected text is the whole output. The simulation is deterministic, so ages, pod-name
//! suffixes, UIDs and IPs are exact for the seed; they are the only things that differ from the
//! reference transcripts (reference/v1.36), whose headers and wording the tests name where a
//! transcript shows the same command. Where kubeplay prints something real kubectl would not,
//! the test expects kubectl's text and says why above the assertion (those tests fail until the
//! emulation is fixed).

use kubeplay::Session;

/// Runs a script (setup only; its transcript is not checked here).
fn run(s: &mut Session, script: &str) {
    s.run_script(script, false);
}

/// Runs one command and checks its whole output and whether it succeeded.
fn expect(s: &mut Session, line: &str, ok: bool, text: &str) {
    let o = s.execute_text(line);
    assert_eq!(o.text, text, "output of `{line}`");
    assert_eq!(o.ok, ok, "exit status of `{line}`:\n{}", o.text);
}

/// Column names of a table header, as kubectl's tabwriter separates them (3+ spaces or a
/// single-space name like "NODE SELECTOR").
fn columns(header: &str) -> Vec<&str> {
    header
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// The first line of a command's output has the same column names as a reference header.
fn assert_header_like_reference(s: &mut Session, line: &str, reference_header: &str) {
    let o = s.execute_text(line);
    let header = o.text.lines().next().unwrap_or_default();
    assert_eq!(
        columns(header),
        columns(reference_header),
        "header of `{line}`"
    );
}

const DEPLOY: &str = "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 2
  selector:
    matchLabels:
      app: hello
  template:
    metadata:
      labels:
        app: hello
    spec:
      containers:
      - name: hello
        image: nginx:1.25
---
apiVersion: v1
kind: Service
metadata:
  name: hello
spec:
  selector:
    app: hello
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
        command: [\"sleep\", \"infinity\"]
EOF
";

/// `get --field-selector` on pods (by node, by phase, an unsupported field) and on events.
#[test]
fn get_field_selector_filters_pods_and_events() {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(&mut s, DEPLOY);
    run(&mut s, "sim settle\n");
    expect(
        &mut s,
        "kubectl get pods --field-selector spec.nodeName=kind-worker",
        true,
        concat!(
            "NAME                     READY   STATUS    RESTARTS   AGE\n",
            "agent-rd8h9              1/1     Running   0          15s\n",
            "hello-74997c7978-k2m62   1/1     Running   0          15s\n",
            "web-2                    1/1     Running   0          5s\n",
        ),
    );
    expect(&mut s, "kubectl get pods -A -o wide --field-selector spec.nodeName=kind-worker3", true, concat!(
        "NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE   IP           NODE           NOMINATED NODE   READINESS GATES\n",
        "default       agent-qjp7h                1/1     Running   0          15s   10.244.3.3   kind-worker3   <none>           <none>\n",
        "default       web-1                      1/1     Running   0          10s   10.244.3.4   kind-worker3   <none>           <none>\n",
        "kube-system   coredns-66576bb748-zfl5j   1/1     Running   0          17s   10.244.3.2   kind-worker3   <none>           <none>\n",
        "kube-system   kindnet-vdt5h              1/1     Running   0          17s   172.18.0.5   kind-worker3   <none>           <none>\n",
        "kube-system   kube-proxy-x9zfn           1/1     Running   0          17s   172.18.0.5   kind-worker3   <none>           <none>\n",
    ));
    // Same command, header and wording as reference/v1.36/b-sts-scale.txt (only ages differ).
    // reference/v1.36/g0-lease-only-emulator-no-recovery.txt, same command on node-3.
    assert_header_like_reference(
        &mut s,
        "kubectl get pods -A -o wide --field-selector spec.nodeName=kind-worker3",
        "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   IP             NODE     NOMINATED NODE   READINESS GATES",
    );
    expect(&mut s, "kubectl get events --sort-by=.metadata.creationTimestamp --field-selector involvedObject.kind=StatefulSet", true, concat!(
        "LAST SEEN   TYPE     REASON             OBJECT            MESSAGE\n",
        "15s         Normal   SuccessfulCreate   statefulset/web   Create Claim www-web-0 Pod web-0 in StatefulSet web success\n",
        "15s         Normal   SuccessfulCreate   statefulset/web   Create Pod web-0 in StatefulSet web successful\n",
        "10s         Normal   SuccessfulCreate   statefulset/web   Create Claim www-web-1 Pod web-1 in StatefulSet web success\n",
        "10s         Normal   SuccessfulCreate   statefulset/web   Create Pod web-1 in StatefulSet web successful\n",
        "5s          Normal   SuccessfulCreate   statefulset/web   Create Claim www-web-2 Pod web-2 in StatefulSet web success\n",
        "5s          Normal   SuccessfulCreate   statefulset/web   Create Pod web-2 in StatefulSet web successful\n",
    ));
    // An empty match is not an error: get.go prints "No resources found in default namespace.".
    expect(
        &mut s,
        "kubectl get pods --field-selector status.phase=Pending",
        true,
        "No resources found in default namespace.\n",
    );
    // WRONG in kubeplay: cli-runtime resource/selector.go quotes the whole --field-selector value
    // (r.FieldSelector, "spec.foo=bar"), not only the field; kubeplay prints "spec.foo".
    expect(&mut s, "kubectl get pods --field-selector spec.foo=bar", false, "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"spec.foo=bar\": field label not supported: spec.foo\n");
}

/// `--show-labels` adds LABELS (sorted key=value, comma-joined) as the last column.
#[test]
fn get_show_labels_appends_a_labels_column() {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(&mut s, "sim settle\n");
    // Header identical to reference/v1.36/a-sts-create-orderedready.txt; the revision hash differs.
    expect(&mut s, "kubectl get pods -l app=nginx --show-labels", true, concat!(
        "NAME    READY   STATUS    RESTARTS   AGE   LABELS\n",
        "web-0   1/1     Running   0          15s   app=nginx,apps.kubernetes.io/pod-index=0,controller-revision-hash=web-7d8559755f,statefulset.kubernetes.io/pod-name=web-0\n",
        "web-1   1/1     Running   0          10s   app=nginx,apps.kubernetes.io/pod-index=1,controller-revision-hash=web-7d8559755f,statefulset.kubernetes.io/pod-name=web-1\n",
        "web-2   1/1     Running   0          5s    app=nginx,apps.kubernetes.io/pod-index=2,controller-revision-hash=web-7d8559755f,statefulset.kubernetes.io/pod-name=web-2\n",
    ));
    // reference/v1.36/scenarios/S41.txt (node-1 there; same columns, same label keys).
    assert_header_like_reference(
        &mut s,
        "kubectl get node kind-worker --show-labels",
        "NAME     STATUS   ROLES    AGE   VERSION   LABELS",
    );
    expect(&mut s, "kubectl get node kind-worker --show-labels", true, concat!(
        "NAME          STATUS   ROLES    AGE   VERSION   LABELS\n",
        "kind-worker   Ready    <none>   17s   v1.36.2   beta.kubernetes.io/arch=amd64,beta.kubernetes.io/os=linux,kubernetes.io/arch=amd64,kubernetes.io/hostname=kind-worker,kubernetes.io/os=linux\n",
    ));
}

/// `get all` walks the "all" category in discovery order: pods, services, daemonsets,
/// deployments, replicasets, statefulsets; one table each, separated by a blank line.
#[test]
fn get_all_prints_one_table_per_kind() {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(&mut s, DEPLOY);
    run(&mut s, "sim settle\n");
    expect(&mut s, "kubectl get all", true, concat!(
        "NAME                         READY   STATUS    RESTARTS   AGE\n",
        "pod/agent-qjp7h              1/1     Running   0          15s\n",
        "pod/agent-rd8h9              1/1     Running   0          15s\n",
        "pod/agent-v8h4k              1/1     Running   0          15s\n",
        "pod/hello-74997c7978-bqc9d   1/1     Running   0          15s\n",
        "pod/hello-74997c7978-k2m62   1/1     Running   0          15s\n",
        "pod/web-0                    1/1     Running   0          15s\n",
        "pod/web-1                    1/1     Running   0          10s\n",
        "pod/web-2                    1/1     Running   0          5s\n",
        "\n",
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n",
        "service/hello        ClusterIP   10.96.0.21   <none>        80/TCP    15s\n",
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   17s\n",
        "service/nginx        ClusterIP   None         <none>        80/TCP    15s\n",
        "\n",
        "NAME                   DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE\n",
        "daemonset.apps/agent   3         3         3       3            3           <none>          15s\n",
        "\n",
        "NAME                    READY   UP-TO-DATE   AVAILABLE   AGE\n",
        "deployment.apps/hello   2/2     2            2           15s\n",
        "\n",
        "NAME                               DESIRED   CURRENT   READY   AGE\n",
        "replicaset.apps/hello-74997c7978   2         2         2       15s\n",
        "\n",
        "NAME                   READY   AGE\n",
        "statefulset.apps/web   3/3     15s\n",
    ));
    expect(
        &mut s,
        "kubectl get all -n kube-node-lease",
        true,
        "No resources found in kube-node-lease namespace.\n",
    );
}

/// kind's kubeconfig: context/cluster/user kind-kind; secrets printed as DATA+OMITTED
/// (config view minifies nothing but redacts; cluster-info lists the kube-dns proxy URL).
#[test]
fn cluster_info_and_config_view_describe_the_kind_cluster() {
    let mut s = Session::new(3);
    expect(&mut s, "kubectl cluster-info", true, concat!(
        "Kubernetes control plane is running at https://127.0.0.1:6443\n",
        "CoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n",
        "\n",
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    ));
    expect(
        &mut s,
        "kubectl config view",
        true,
        concat!(
            "apiVersion: v1\n",
            "clusters:\n",
            "- cluster:\n",
            "    certificate-authority-data: DATA+OMITTED\n",
            "    server: https://127.0.0.1:6443\n",
            "  name: kind-kind\n",
            "contexts:\n",
            "- context:\n",
            "    cluster: kind-kind\n",
            "    user: kind-kind\n",
            "  name: kind-kind\n",
            "current-context: kind-kind\n",
            "kind: Config\n",
            "preferences: {}\n",
            "users:\n",
            "- name: kind-kind\n",
            "  user:\n",
            "    client-certificate-data: DATA+OMITTED\n",
            "    client-key-data: DATA+OMITTED\n",
        ),
    );
}

/// `-o wide` extra columns. Headers have the reference transcripts' column names
/// (g-node-heartbeat-loss.txt nodes, a-sts-create-orderedready.txt sts, S03.txt ds);
/// widths follow the longest cell, so node names and images differ from the reference.
#[test]
fn get_o_wide_for_nodes_statefulsets_and_daemonsets() {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(&mut s, DEPLOY);
    run(&mut s, "sim settle\n");
    expect(&mut s, "kubectl get nodes -o wide", true, concat!(
        "NAME                 STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME\n",
        "kind-control-plane   Ready    control-plane   17s   v1.36.2   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-kubeplay   containerd://2.1.1\n",
        "kind-worker          Ready    <none>          17s   v1.36.2   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-kubeplay   containerd://2.1.1\n",
        "kind-worker2         Ready    <none>          17s   v1.36.2   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-kubeplay   containerd://2.1.1\n",
        "kind-worker3         Ready    <none>          17s   v1.36.2   172.18.0.5    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-kubeplay   containerd://2.1.1\n",
    ));
    // reference/v1.36/g-node-heartbeat-loss.txt (kind-less nodes: other widths, same columns).
    assert_header_like_reference(
        &mut s,
        "kubectl get nodes -o wide",
        "NAME     STATUS   ROLES           AGE     VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE   KERNEL-VERSION   CONTAINER-RUNTIME",
    );
    // reference/v1.36/a-sts-create-orderedready.txt shows this exact header.
    expect(
        &mut s,
        "kubectl get sts -o wide",
        true,
        concat!(
            "NAME   READY   AGE   CONTAINERS   IMAGES\n",
            "web    3/3     15s   nginx        registry.k8s.io/nginx-slim:0.24\n",
        ),
    );
    expect(&mut s, "kubectl get ds -o wide", true, concat!(
        "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES         SELECTOR\n",
        "agent   3         3         3       3            3           <none>          15s   agent        busybox:1.36   app=agent\n",
    ));
    // reference/v1.36/scenarios/S03.txt
    assert_header_like_reference(
        &mut s,
        "kubectl get ds -o wide",
        "NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES       SELECTOR",
    );
    expect(&mut s, "kubectl -n kube-system get ds -o wide", true, concat!(
        "NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE   CONTAINERS    IMAGES                                          SELECTOR\n",
        "kindnet      4         4         4       4            4           <none>                   17s   kindnet-cni   docker.io/kindest/kindnetd:v20250512-df8de77b   app=kindnet\n",
        "kube-proxy   4         4         4       4            4           kubernetes.io/os=linux   17s   kube-proxy    registry.k8s.io/kube-proxy:v1.36.2              k8s-app=kube-proxy\n",
    ));
}

/// describe.go's DeploymentDescriber and ReplicaSetDescriber layouts (tabwriter-aligned).
#[test]
fn describe_deployment_and_replicaset() {
    let mut s = Session::new(3);
    run(&mut s, DEPLOY);
    run(&mut s, "sim settle\n");
    expect(&mut s, "kubectl describe deployment hello", true, concat!(
        "Name:                   hello\n",
        "Namespace:              default\n",
        "CreationTimestamp:      Thu, 01 Jan 2026 00:00:02 +0000\n",
        "Labels:                 <none>\n",
        "Annotations:            deployment.kubernetes.io/revision: 1\n",
        "Selector:               app=hello\n",
        "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable\n",
        "StrategyType:           RollingUpdate\n",
        "MinReadySeconds:        0\n",
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n",
        "Pod Template:\n",
        "  Labels:  app=hello\n",
        "  Containers:\n",
        "   hello:\n",
        "    Image:         nginx:1.25\n",
        "    Port:          <none>\n",
        "    Host Port:     <none>\n",
        "    Environment:   <none>\n",
        "    Mounts:        <none>\n",
        "  Volumes:         <none>\n",
        "  Node-Selectors:  <none>\n",
        "  Tolerations:     <none>\n",
        "Conditions:\n",
        "  Type           Status  Reason\n",
        "  ----           ------  ------\n",
        "  Available      True    MinimumReplicasAvailable\n",
        "  Progressing    True    NewReplicaSetAvailable\n",
        "OldReplicaSets:  <none>\n",
        "NewReplicaSet:   hello-74997c7978 (2/2 replicas created)\n",
        "Events:\n",
        "  Type    Reason             Age   From                   Message\n",
        "  ----    ------             ----  ----                   -------\n",
        "  Normal  ScalingReplicaSet  4s    deployment-controller  Scaled up replica set hello-74997c7978 from 0 to 2\n",
    ));
    expect(&mut s, "kubectl describe rs", true, concat!(
        "Name:           hello-74997c7978\n",
        "Namespace:      default\n",
        "Selector:       app=hello,pod-template-hash=74997c7978\n",
        "Labels:         app=hello\n",
        "                pod-template-hash=74997c7978\n",
        "Annotations:    deployment.kubernetes.io/desired-replicas: 2\n",
        "                deployment.kubernetes.io/max-replicas: 3\n",
        "                deployment.kubernetes.io/revision: 1\n",
        "Controlled By:  Deployment/hello\n",
        "Replicas:       2 current / 2 desired\n",
        "Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n",
        "Pod Template:\n",
        "  Labels:  app=hello\n",
        "           pod-template-hash=74997c7978\n",
        "  Containers:\n",
        "   hello:\n",
        "    Image:         nginx:1.25\n",
        "    Port:          <none>\n",
        "    Host Port:     <none>\n",
        "    Environment:   <none>\n",
        "    Mounts:        <none>\n",
        "  Volumes:         <none>\n",
        "  Node-Selectors:  <none>\n",
        "  Tolerations:     <none>\n",
        "Events:\n",
        "  Type    Reason            Age   From                   Message\n",
        "  ----    ------            ----  ----                   -------\n",
        "  Normal  SuccessfulCreate  4s    replicaset-controller  Created pod: hello-74997c7978-v8h4k\n",
        "  Normal  SuccessfulCreate  4s    replicaset-controller  Created pod: hello-74997c7978-qjp7h\n",
    ));
}

/// describe of a headless Service, a local-path PV and the default StorageClass.
#[test]
fn describe_services_pv_and_storageclass() {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(&mut s, "sim settle\n");
    expect(
        &mut s,
        "kubectl describe svc nginx",
        true,
        concat!(
            "Name:                     nginx\n",
            "Namespace:                default\n",
            "Labels:                   app=nginx\n",
            "Annotations:              <none>\n",
            "Selector:                 app=nginx\n",
            "Type:                     ClusterIP\n",
            "IP Family Policy:         SingleStack\n",
            "IP Families:              IPv4\n",
            "IP:                       None\n",
            "IPs:                      None\n",
            "Port:                     web  80/TCP\n",
            "TargetPort:               80/TCP\n",
            "Endpoints:                10.244.1.3:80,10.244.2.2:80,10.244.3.3:80\n",
            "Session Affinity:         None\n",
            "Internal Traffic Policy:  Cluster\n",
            "Events:                   <none>\n",
        ),
    );
    expect(&mut s, "kubectl describe pv $(kubectl get pvc www-web-0 -o jsonpath='{.spec.volumeName}')", true, concat!(
        "Name:              pvc-fdca6345-979a-496b-a1a5-78299fce0811\n",
        "Labels:            <none>\n",
        "Annotations:       local.path.provisioner/selected-node: kind-worker2\n",
        "                   pv.kubernetes.io/provisioned-by: rancher.io/local-path\n",
        "Finalizers:        [kubernetes.io/pv-protection]\n",
        "StorageClass:      standard\n",
        "Status:            Bound\n",
        "Claim:             default/www-web-0\n",
        "Reclaim Policy:    Delete\n",
        "Access Modes:      RWO\n",
        "VolumeMode:        Filesystem\n",
        "Capacity:          1Gi\n",
        "Node Affinity:     \n",
        "  Required Terms:  \n",
        "    Term 0:        kubernetes.io/hostname in [kind-worker2]\n",
        "Message:           \n",
        "Source:\n",
        "    Type:          HostPath (bare host directory volume)\n",
        "    Path:          /var/local-path-provisioner/pvc-fdca6345-979a-496b-a1a5-78299fce0811_default_www-web-0\n",
        "    HostPathType:  DirectoryOrCreate\n",
        "Events:            <none>\n",
    ));
    expect(
        &mut s,
        "kubectl describe storageclass standard",
        true,
        concat!(
            "Name:                  standard\n",
            "IsDefaultClass:        Yes\n",
            "Annotations:           storageclass.kubernetes.io/is-default-class: true\n",
            "Provisioner:           rancher.io/local-path\n",
            "Parameters:            <none>\n",
            "AllowVolumeExpansion:  <unset>\n",
            "MountOptions:          <none>\n",
            "ReclaimPolicy:         Delete\n",
            "VolumeBindingMode:     WaitForFirstConsumer\n",
            "Events:                <none>\n",
        ),
    );
}

/// The `kubectl events` verb: Kind/Name in OBJECT (capitalized, unlike `get events`), oldest first.
#[test]
fn events_verb_lists_events_oldest_first() {
    let mut s = Session::new(3);
    run(
        &mut s,
        concat!(
            "kubectl create deployment hello --image=nginx:1.25\n",
            "sim settle\n",
        ),
    );
    expect(&mut s, "kubectl events --for deployment/hello", true, concat!(
        "LAST SEEN   TYPE     REASON              OBJECT             MESSAGE\n",
        "4s          Normal   ScalingReplicaSet   Deployment/hello   Scaled up replica set hello-69988b75f8 from 0 to 1\n",
    ));
    // events.go: "No events found in %s namespace." when the list is empty.
    expect(
        &mut s,
        "kubectl events -n kube-node-lease",
        true,
        "No events found in kube-node-lease namespace.\n",
    );
    expect(&mut s, "kubectl events", true, concat!(
        "LAST SEEN   TYPE     REASON                    OBJECT                        MESSAGE\n",
        "6s          Normal   Starting                  Node/kind-control-plane       Starting kubelet.\n",
        "6s          Normal   NodeHasSufficientMemory   Node/kind-control-plane       Node kind-control-plane status is now: NodeHasSufficientMemory\n",
        "6s          Normal   NodeHasNoDiskPressure     Node/kind-control-plane       Node kind-control-plane status is now: NodeHasNoDiskPressure\n",
        "6s          Normal   NodeHasSufficientPID      Node/kind-control-plane       Node kind-control-plane status is now: NodeHasSufficientPID\n",
        "6s          Normal   NodeReady                 Node/kind-control-plane       Node kind-control-plane status is now: NodeReady\n",
        "6s          Normal   RegisteredNode            Node/kind-control-plane       Node kind-control-plane event: Registered Node kind-control-plane in Controller\n",
        "6s          Normal   Starting                  Node/kind-worker              Starting kubelet.\n",
        "6s          Normal   NodeHasSufficientMemory   Node/kind-worker              Node kind-worker status is now: NodeHasSufficientMemory\n",
        "6s          Normal   NodeHasNoDiskPressure     Node/kind-worker              Node kind-worker status is now: NodeHasNoDiskPressure\n",
        "6s          Normal   NodeHasSufficientPID      Node/kind-worker              Node kind-worker status is now: NodeHasSufficientPID\n",
        "6s          Normal   NodeReady                 Node/kind-worker              Node kind-worker status is now: NodeReady\n",
        "6s          Normal   RegisteredNode            Node/kind-worker              Node kind-worker event: Registered Node kind-worker in Controller\n",
        "6s          Normal   Starting                  Node/kind-worker2             Starting kubelet.\n",
        "6s          Normal   NodeHasSufficientMemory   Node/kind-worker2             Node kind-worker2 status is now: NodeHasSufficientMemory\n",
        "6s          Normal   NodeHasNoDiskPressure     Node/kind-worker2             Node kind-worker2 status is now: NodeHasNoDiskPressure\n",
        "6s          Normal   NodeHasSufficientPID      Node/kind-worker2             Node kind-worker2 status is now: NodeHasSufficientPID\n",
        "6s          Normal   NodeReady                 Node/kind-worker2             Node kind-worker2 status is now: NodeReady\n",
        "6s          Normal   RegisteredNode            Node/kind-worker2             Node kind-worker2 event: Registered Node kind-worker2 in Controller\n",
        "6s          Normal   Starting                  Node/kind-worker3             Starting kubelet.\n",
        "6s          Normal   NodeHasSufficientMemory   Node/kind-worker3             Node kind-worker3 status is now: NodeHasSufficientMemory\n",
        "6s          Normal   NodeHasNoDiskPressure     Node/kind-worker3             Node kind-worker3 status is now: NodeHasNoDiskPressure\n",
        "6s          Normal   NodeHasSufficientPID      Node/kind-worker3             Node kind-worker3 status is now: NodeHasSufficientPID\n",
        "6s          Normal   NodeReady                 Node/kind-worker3             Node kind-worker3 status is now: NodeReady\n",
        "6s          Normal   RegisteredNode            Node/kind-worker3             Node kind-worker3 event: Registered Node kind-worker3 in Controller\n",
        "4s          Normal   Scheduled                 Pod/hello-69988b75f8-m88d9    Successfully assigned default/hello-69988b75f8-m88d9 to kind-worker2\n",
        "4s          Normal   Pulling                   Pod/hello-69988b75f8-m88d9    Pulling image \"nginx:1.25\"\n",
        "4s          Normal   SuccessfulCreate          ReplicaSet/hello-69988b75f8   Created pod: hello-69988b75f8-m88d9\n",
        "4s          Normal   ScalingReplicaSet         Deployment/hello              Scaled up replica set hello-69988b75f8 from 0 to 1\n",
        "1s          Normal   Pulled                    Pod/hello-69988b75f8-m88d9    Successfully pulled image \"nginx:1.25\" in 3s (3s including waiting). Image size: 148141765 bytes.\n",
        "0s          Normal   Created                   Pod/hello-69988b75f8-m88d9    Container created\n",
        "0s          Normal   Started                   Pod/hello-69988b75f8-m88d9    Container started\n",
    ));
}

/// `kubectl logs` for a running pod, a pod that is not yet bound, one still creating, and a StatefulSet.
#[test]
fn logs_of_running_and_not_yet_started_pods() {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(
        &mut s,
        concat!("sim settle\n", "kubectl run late --image=nginx:1.25\n",),
    );
    expect(
        &mut s,
        "kubectl logs web-0",
        true,
        concat!(
            "2026/01/01 00:00:07 [notice] 1#1: using the \"epoll\" event method\n",
            "2026/01/01 00:00:07 [notice] 1#1: start worker processes\n",
            "2026/01/01 00:00:07 [notice] 1#1: start worker process 29\n",
        ),
    );
    // Not yet scheduled: the apiserver's pod LogLocation returns an empty location for a pod with no
    // node (pkg/registry/core/pod/strategy.go), so the log stream is empty and kubectl exits 0.
    expect(&mut s, "kubectl logs late", true, "");
    run(&mut s, "sim advance 1s\n");
    // Bound and pulling: the kubelet answers that the container is waiting (ContainerCreating).
    expect(&mut s, "kubectl logs late", false, "Error from server (BadRequest): container \"late\" in pod \"late\" is waiting to start: ContainerCreating\n");
    // WRONG in kubeplay: polymorphichelpers/logsforobject.go writes "Found %v pods, using pod/%v\n"
    // to stderr when the controller has more than one pod (ByLogging picks web-0, ready longest);
    // kubeplay's transcript (stdout+stderr) omits that line.
    expect(
        &mut s,
        "kubectl logs sts/web",
        true,
        concat!(
            "Found 3 pods, using pod/web-0\n",
            "2026/01/01 00:00:07 [notice] 1#1: using the \"epoll\" event method\n",
            "2026/01/01 00:00:07 [notice] 1#1: start worker processes\n",
            "2026/01/01 00:00:07 [notice] 1#1: start worker process 29\n",
        ),
    );
}

/// DNS of the headless Service as seen from inside a pod (nslookup / getent hosts).
#[test]
fn exec_resolves_the_headless_service_names() {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(&mut s, "sim settle\n");
    expect(
        &mut s,
        "kubectl exec web-0 -- nslookup web-1.nginx",
        true,
        concat!(
            "Server:\t\t10.96.0.10\n",
            "Address:\t10.96.0.10#53\n",
            "\n",
            "Name:\tweb-1.nginx.default.svc.cluster.local\n",
            "Address: 10.244.1.3\n",
            "\n",
        ),
    );
    expect(
        &mut s,
        "kubectl exec web-0 -- getent hosts web-2.nginx",
        true,
        "10.244.3.3      web-2.nginx.default.svc.cluster.local\n",
    );
    expect(
        &mut s,
        "kubectl exec web-0 -- nslookup nginx",
        true,
        concat!(
            "Server:\t\t10.96.0.10\n",
            "Address:\t10.96.0.10#53\n",
            "\n",
            "Name:\tnginx.default.svc.cluster.local\n",
            "Address: 10.244.1.3\n",
            "Name:\tnginx.default.svc.cluster.local\n",
            "Address: 10.244.2.2\n",
            "Name:\tnginx.default.svc.cluster.local\n",
            "Address: 10.244.3.3\n",
            "\n",
        ),
    );
    expect(
        &mut s,
        "kubectl exec web-0 -- nslookup web-9.nginx",
        false,
        concat!(
            "Server:\t\t10.96.0.10\n",
            "Address:\t10.96.0.10#53\n",
            "\n",
            "** server can't find web-9.nginx: NXDOMAIN\n",
            "\n",
            "command terminated with exit code 1\n",
        ),
    );
}

/// `rollout restart` for each workload kind sets the restartedAt template annotation; the
/// Deployment gets a new revision.
#[test]
fn rollout_restart_each_workload_kind() {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(&mut s, DEPLOY);
    run(&mut s, concat!("sim settle\n", "sim advance 60s\n",));
    expect(
        &mut s,
        "kubectl rollout restart deploy/hello",
        true,
        "deployment.apps/hello restarted\n",
    );
    expect(
        &mut s,
        "kubectl rollout restart sts/web",
        true,
        "statefulset.apps/web restarted\n",
    );
    expect(
        &mut s,
        "kubectl rollout restart ds/agent",
        true,
        "daemonset.apps/agent restarted\n",
    );
    expect(
        &mut s,
        "kubectl get deploy hello -o jsonpath='{.spec.template.metadata.annotations}'",
        true,
        "{\"kubectl.kubernetes.io/restartedAt\":\"2026-01-01T00:01:17Z\"}",
    );
    run(&mut s, "sim settle\n");
    expect(
        &mut s,
        "kubectl rollout history deploy/hello",
        true,
        concat!(
            "deployment.apps/hello \n",
            "REVISION  CHANGE-CAUSE\n",
            "1         <none>\n",
            "2         <none>\n",
            "\n",
        ),
    );
    // objectrestarter.go: "restarting is not supported" for other kinds.
    expect(
        &mut s,
        "kubectl rollout restart svc/nginx",
        false,
        "error: restarting is not supported\n",
    );
}

/// The web StatefulSet, the hello Deployment and the agent DaemonSet, each with a second
/// revision from one image update.
fn rolled_out_once() -> Session {
    let mut s = Session::new(3);
    run(&mut s, super::WEB);
    run(&mut s, DEPLOY);
    run(
        &mut s,
        concat!(
            "sim settle\n",
            "sim advance 60s\n",
            "kubectl set image deploy/hello hello=nginx:1.26\n",
            "kubectl set image ds/agent agent=busybox:1.37\n",
            "sim settle\n",
        ),
    );
    s
}

/// `rollout history --revision=N` for Deployment, DaemonSet and StatefulSet.
#[test]
fn rollout_history_revision_prints_the_raw_pod_template() {
    let mut s = rolled_out_once();
    // WRONG in kubeplay: rollout_history.go prints the name printer's "%s\n%s" ("with revision #N",
    // historyInfo), so a blank line follows the template, and history.go printTemplate writes
    // DescribePodTemplate through describe.NewPrefixWriter on a bare buffer: no tabwriter, the
    // separators stay literal tabs (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/history.go).
    // kubeplay aligns them with spaces and drops the blank line.
    expect(
        &mut s,
        "kubectl rollout history deploy/hello --revision=2",
        true,
        concat!(
            "deployment.apps/hello with revision #2\n",
            "Pod Template:\n",
            "  Labels:\tapp=hello\n",
            "\tpod-template-hash=798d59d687\n",
            "  Containers:\n",
            "   hello:\n",
            "    Image:\tnginx:1.26\n",
            "    Port:\t<none>\n",
            "    Host Port:\t<none>\n",
            "    Environment:\t<none>\n",
            "    Mounts:\t<none>\n",
            "  Volumes:\t<none>\n",
            "  Node-Selectors:\t<none>\n",
            "  Tolerations:\t<none>\n",
            "\n",
        ),
    );
    // Same printTemplate path as for Deployments (tabs, trailing blank line).
    expect(
        &mut s,
        "kubectl rollout history ds/agent --revision=1",
        true,
        concat!(
            "daemonset.apps/agent with revision #1\n",
            "Pod Template:\n",
            "  Labels:\tapp=agent\n",
            "  Containers:\n",
            "   agent:\n",
            "    Image:\tbusybox:1.36\n",
            "    Port:\t<none>\n",
            "    Host Port:\t<none>\n",
            "    Command:\n",
            "      sleep\n",
            "      infinity\n",
            "    Environment:\t<none>\n",
            "    Mounts:\t<none>\n",
            "  Volumes:\t<none>\n",
            "  Node-Selectors:\t<none>\n",
            "  Tolerations:\t<none>\n",
            "\n",
        ),
    );
    // Same printTemplate path for StatefulSets (tabs, trailing blank line).
    expect(
        &mut s,
        "kubectl rollout history sts/web --revision=1",
        true,
        concat!(
            "statefulset.apps/web with revision #1\n",
            "Pod Template:\n",
            "  Labels:\tapp=nginx\n",
            "  Containers:\n",
            "   nginx:\n",
            "    Image:\tregistry.k8s.io/nginx-slim:0.24\n",
            "    Port:\t80/TCP\n",
            "    Host Port:\t0/TCP\n",
            "    Environment:\t<none>\n",
            "    Mounts:\n",
            "      /usr/share/nginx/html from www (rw)\n",
            "  Volumes:\t<none>\n",
            "  Node-Selectors:\t<none>\n",
            "  Tolerations:\t<none>\n",
            "\n",
        ),
    );
    // history.go: fmt.Errorf("unable to find the specified revision").
    expect(
        &mut s,
        "kubectl rollout history deploy/hello --revision=7",
        false,
        "error: unable to find the specified revision\n",
    );
}

/// `rollout undo` for a Deployment and a DaemonSet (the StatefulSet case is in
/// tests/statefulset/scenarios.rs). Wording as reference/v1.36/scenarios/SC-33.txt's
/// "statefulset.apps/web rolled back".
#[test]
fn rollout_undo_deployment_and_daemonset() {
    let mut s = rolled_out_once();
    expect(
        &mut s,
        "kubectl rollout undo deploy/hello",
        true,
        "deployment.apps/hello rolled back\n",
    );
    expect(
        &mut s,
        "kubectl rollout undo ds/agent",
        true,
        "daemonset.apps/agent rolled back\n",
    );
    run(&mut s, "sim settle\n");
    expect(
        &mut s,
        "kubectl get deploy hello -o wide",
        true,
        concat!(
            "NAME    READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n",
            "hello   2/2     2            2           96s   hello        nginx:1.25   app=hello\n",
        ),
    );
    expect(&mut s, "kubectl get ds agent -o wide", true, concat!(
        "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES         SELECTOR\n",
        "agent   3         3         3       3            3           <none>          96s   agent        busybox:1.36   app=agent\n",
    ));
    // The rolled-back template becomes the newest revision: 1 is renumbered 3.
    expect(
        &mut s,
        "kubectl rollout history deploy/hello",
        true,
        concat!(
            "deployment.apps/hello \n",
            "REVISION  CHANGE-CAUSE\n",
            "2         <none>\n",
            "3         <none>\n",
            "\n",
        ),
    );
    // rollback.go revisionNotFoundErr: "unable to find specified revision 9 in history".
    expect(
        &mut s,
        "kubectl rollout undo deploy/hello --to-revision=9",
        false,
        "error: unable to find specified revision 9 in history\n",
    );
    expect(
        &mut s,
        "kubectl rollout undo ds/agent --to-revision=9",
        false,
        "error: unable to find specified revision 9 in history\n",
    );
}

/// `delete --cascade=orphan`: wording as reference/v1.36/scenarios/S49.txt
/// (`daemonset.apps "fluentd" deleted`); the dependents stay, without owner references.
#[test]
fn delete_cascade_orphan_leaves_the_pods() {
    let mut s = Session::new(3);
    run(&mut s, DEPLOY);
    run(&mut s, "sim settle\n");
    expect(
        &mut s,
        "kubectl delete deploy hello --cascade=orphan",
        true,
        "deployment.apps \"hello\" deleted\n",
    );
    expect(
        &mut s,
        "kubectl delete ds agent --cascade=orphan",
        true,
        "daemonset.apps \"agent\" deleted\n",
    );
    run(&mut s, "sim settle\n");
    expect(
        &mut s,
        "kubectl get deploy,rs,ds",
        true,
        concat!(
            "NAME                               DESIRED   CURRENT   READY   AGE\n",
            "replicaset.apps/hello-74997c7978   2         2         2       4s\n",
        ),
    );
    expect(&mut s, "kubectl get pods -l app=agent -o custom-columns=NAME:.metadata.name,OWNERS:.metadata.ownerReferences", true, concat!(
        "NAME          OWNERS\n",
        "agent-4zlm9   <none>\n",
        "agent-khpbl   <none>\n",
        "agent-rd8h9   <none>\n",
    ));
}

/// `--help`/`-h` of verbs without a help test elsewhere: the v1.32.4 client's text.
#[test]
fn help_of_rollout_undo_events_and_cluster_info() {
    let mut s = Session::new(3);
    expect(&mut s, "kubectl rollout undo --help", true, concat!(
        "Roll back to a previous rollout.\n",
        "\n",
        "Examples:\n",
        "  # Roll back to the previous deployment\n",
        "  kubectl rollout undo deployment/abc\n",
        "  \n",
        "  # Roll back to daemonset revision 3\n",
        "  kubectl rollout undo daemonset/abc --to-revision=3\n",
        "  \n",
        "  # Roll back to the previous deployment with dry-run\n",
        "  kubectl rollout undo --dry-run=server deployment/abc\n",
        "\n",
        "Options:\n",
        "    --allow-missing-template-keys=true:\n",
        "\tIf true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.\n",
        "\n",
        "    --dry-run='none':\n",
        "\tMust be \"none\", \"server\", or \"client\". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.\n",
        "\n",
        "    -f, --filename=[]:\n",
        "\tFilename, directory, or URL to files identifying the resource to get from a server.\n",
        "\n",
        "    -k, --kustomize='':\n",
        "\tProcess the kustomization directory. This flag can't be used together with -f or -R.\n",
        "\n",
        "    -o, --output='':\n",
        "\tOutput format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).\n",
        "\n",
        "    -R, --recursive=false:\n",
        "\tProcess the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.\n",
        "\n",
        "    -l, --selector='':\n",
        "\tSelector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.\n",
        "\n",
        "    --show-managed-fields=false:\n",
        "\tIf true, keep the managedFields when printing objects in JSON or YAML format.\n",
        "\n",
        "    --template='':\n",
        "\tTemplate string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].\n",
        "\n",
        "    --to-revision=0:\n",
        "\tThe revision to rollback to. Default to 0 (last revision).\n",
        "\n",
        "Usage:\n",
        "  kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags] [options]\n",
        "\n",
        "Use \"kubectl options\" for a list of global command-line options (applies to all commands).\n",
    ));
    expect(&mut s, "kubectl events -h", true, concat!(
        "Display events.\n",
        "\n",
        " Prints a table of the most important information about events. You can request events for a namespace, for all namespace, or filtered to only those pertaining to a specified resource.\n",
        "\n",
        "Examples:\n",
        "  # List recent events in the default namespace\n",
        "  kubectl events\n",
        "  \n",
        "  # List recent events in all namespaces\n",
        "  kubectl events --all-namespaces\n",
        "  \n",
        "  # List recent events for the specified pod, then wait for more events and list them as they arrive\n",
        "  kubectl events --for pod/web-pod-13je7 --watch\n",
        "  \n",
        "  # List recent events in YAML format\n",
        "  kubectl events -oyaml\n",
        "  \n",
        "  # List recent only events of type 'Warning' or 'Normal'\n",
        "  kubectl events --types=Warning,Normal\n",
        "\n",
        "Options:\n",
        "    -A, --all-namespaces=false:\n",
        "\tIf present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.\n",
        "\n",
        "    --allow-missing-template-keys=true:\n",
        "\tIf true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.\n",
        "\n",
        "    --chunk-size=500:\n",
        "\tReturn large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.\n",
        "\n",
        "    --for='':\n",
        "\tFilter events to only those pertaining to the specified resource.\n",
        "\n",
        "    --no-headers=false:\n",
        "\tWhen using the default output format, don't print headers.\n",
        "\n",
        "    -o, --output='':\n",
        "\tOutput format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).\n",
        "\n",
        "    --show-managed-fields=false:\n",
        "\tIf true, keep the managedFields when printing objects in JSON or YAML format.\n",
        "\n",
        "    --template='':\n",
        "\tTemplate string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].\n",
        "\n",
        "    --types=[]:\n",
        "\tOutput only events of given types.\n",
        "\n",
        "    -w, --watch=false:\n",
        "\tAfter listing the requested events, watch for more events.\n",
        "\n",
        "Usage:\n",
        "  kubectl events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning] [options]\n",
        "\n",
        "Use \"kubectl options\" for a list of global command-line options (applies to all commands).\n",
    ));
    expect(&mut s, "kubectl cluster-info --help", true, concat!(
        "Display addresses of the control plane and services with label kubernetes.io/cluster-service=true. To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
        "\n",
        "Examples:\n",
        "  # Print the address of the control plane and cluster services\n",
        "  kubectl cluster-info\n",
        "\n",
        "Available Commands:\n",
        "  dump          Dump relevant information for debugging and diagnosis\n",
        "\n",
        "Usage:\n",
        "  kubectl cluster-info [flags] [options]\n",
        "\n",
        "Use \"kubectl cluster-info <command> --help\" for more information about a given command.\n",
        "Use \"kubectl options\" for a list of global command-line options (applies to all commands).\n",
    ));
}
