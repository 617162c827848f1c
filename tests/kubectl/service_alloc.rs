//! The Service allocators and the fixed-address rule, through every verb that writes a
//! Service: an address or node port is handed out once, a requested one must be in the
//! service CIDR / node-port range and free, and an allocated address may not change
//! (`ValidateServiceUpdate`). Messages are upstream's: portallocator (`ErrNotInRange`,
//! `ErrAllocated`), the MetaAllocator's `ErrMismatchedNetwork`, ipallocator's `ErrNotInRange`,
//! wrapped as `failed to allocate IP <ip>: ...` by the storage's `allocIPs`.

use super::{err, kubectl, ok, out};
use kubeplay::Session;

fn apply(s: &mut Session, manifest: &str) -> kubeplay::Output {
    s.execute_text(&format!("kubectl apply -f - <<EOF\n{manifest}EOF"))
}

const RANGE: &str =
    "provided port is not in the valid range. The range of valid ports is 30000-32767";

#[test]
fn patching_the_cluster_ip_is_refused_and_the_old_address_stays_held() {
    let mut s = Session::new(1);
    ok(
        &mut s,
        "kubectl create service clusterip d --tcp=80:80 --clusterip=10.96.0.50",
    );
    let e = err(
        &mut s,
        r#"kubectl patch svc d -p '{"spec":{"clusterIP":"10.96.0.77"}}'"#,
    );
    assert_eq!(
        e.trim_end(),
        r#"The Service "d" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.77"]: may not change once set"#
    );
    let ips = out(
        &mut s,
        "kubectl get svc d -o jsonpath={.spec.clusterIP}/{.spec.clusterIPs[0]}",
    );
    assert_eq!(ips, "10.96.0.50/10.96.0.50");
    // Both fields changed together are refused the same way, by apply and replace too.
    let e = err(
        &mut s,
        r#"kubectl patch svc d -p '{"spec":{"clusterIP":"10.96.0.77","clusterIPs":["10.96.0.77"]}}'"#,
    );
    assert!(
        e.contains("spec.clusterIPs[0]: Invalid value: [\"10.96.0.77\"]: may not change once set"),
        "{e}"
    );
    let manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: d}\nspec:\n  clusterIP: 10.96.0.77\n  selector: {app: d}\n  ports: [{port: 80}]\n";
    let o = apply(&mut s, manifest);
    assert!(
        !o.ok && o.text.contains("may not change once set"),
        "{}",
        o.text
    );
    let o = s.execute_text(&format!("kubectl replace -f - <<EOF\n{manifest}EOF"));
    assert!(
        !o.ok && o.text.contains("may not change once set"),
        "{}",
        o.text
    );
    // .77 was never taken, .50 still is.
    ok(
        &mut s,
        "kubectl create service clusterip e --tcp=80:80 --clusterip=10.96.0.77",
    );
    let e = err(
        &mut s,
        "kubectl create service clusterip f --tcp=80:80 --clusterip=10.96.0.50",
    );
    assert!(
        e.contains("failed to allocate IP 10.96.0.50: provided IP is already allocated"),
        "{e}"
    );
}

#[test]
fn updates_that_leave_the_address_and_node_ports_alone_are_accepted() {
    let mut s = Session::new(1);
    ok(
        &mut s,
        "kubectl create service nodeport a --tcp=80:8080 --node-port=30080",
    );
    ok(&mut s, "kubectl label svc a tier=web");
    ok(&mut s, "kubectl annotate svc a note=x");
    ok(
        &mut s,
        r#"kubectl patch svc a -p '{"spec":{"selector":{"app":"b"}}}'"#,
    );
    // A re-applied manifest without clusterIP / nodePort keeps both (patchAllocatedValues).
    let manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  selector: {app: a}\n  ports: [{name: 80-8080, port: 80, targetPort: 8080}]\n";
    let o = apply(&mut s, manifest);
    assert!(o.ok, "{}", o.text);
    let o = s.execute_text(&format!("kubectl replace -f - <<EOF\n{manifest}EOF"));
    assert!(o.ok, "{}", o.text);
    // clusterIP: "" with the stored clusterIPs is a client clearing it: kept by the server.
    ok(
        &mut s,
        r#"kubectl patch svc a -p '{"spec":{"clusterIP":""}}'"#,
    );
    let v = out(
        &mut s,
        "kubectl get svc a -o jsonpath={.spec.ports[0].nodePort}",
    );
    assert_eq!(v, "30080");
}

#[test]
fn a_node_port_is_held_by_one_service_on_create_and_on_update() {
    let mut s = Session::new(1);
    ok(
        &mut s,
        "kubectl create service nodeport a --tcp=80:8080 --node-port=30080",
    );
    let e = err(
        &mut s,
        "kubectl create service nodeport b --tcp=80:8080 --node-port=30080",
    );
    assert_eq!(
        e.trim_end(),
        r#"The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"#
    );
    ok(
        &mut s,
        "kubectl create service nodeport b --tcp=80:8080 --node-port=31000",
    );
    ok(&mut s, "kubectl create service nodeport c --tcp=80:8080");
    let json = |n: i64| {
        format!(
            r#"kubectl patch svc c --type=json -p '[{{"op":"replace","path":"/spec/ports/0/nodePort","value":{n}}}]'"#
        )
    };
    let e = err(&mut s, &json(31000));
    assert_eq!(
        e.trim_end(),
        r#"The Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 31000: provided port is already allocated"#
    );
    let e = err(&mut s, &json(80));
    assert_eq!(
        e.trim_end(),
        format!(
            r#"The Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 80: {RANGE}"#
        )
    );
    // Apply of another Service's port is refused too; a free port is taken.
    let manifest = |n: i64| {
        format!("apiVersion: v1\nkind: Service\nmetadata: {{name: c}}\nspec:\n  type: NodePort\n  selector: {{app: c}}\n  ports: [{{name: 80-8080, port: 80, targetPort: 8080, nodePort: {n}}}]\n")
    };
    let o = apply(&mut s, &manifest(30080));
    assert!(
        !o.ok
            && o.text
                .contains("nodePort: Invalid value: 30080: provided port is already allocated"),
        "{}",
        o.text
    );
    let o = apply(&mut s, &manifest(30500));
    assert!(o.ok, "{}", o.text);
    let ports = out(
        &mut s,
        "kubectl get svc -o jsonpath={.items[*].spec.ports[0].nodePort}",
    );
    assert_eq!(ports, "30080 31000 30500");
    // A port freed by a type change to ClusterIP can be taken by another Service.
    ok(
        &mut s,
        r#"kubectl patch svc a -p '{"spec":{"type":"ClusterIP"}}'"#,
    );
    ok(&mut s, &json(30080));
}

#[test]
fn node_ports_outside_the_range_are_refused_on_create() {
    let mut s = Session::new(1);
    let e = err(
        &mut s,
        "kubectl create service nodeport c --tcp=80:8080 --node-port=29999",
    );
    assert_eq!(
        e.trim_end(),
        format!(
            r#"The Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 29999: {RANGE}"#
        )
    );
    let o = apply(
        &mut s,
        "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 32768}]\n",
    );
    assert!(
        o.text.contains(&format!("Invalid value: 32768: {RANGE}")),
        "{}",
        o.text
    );
    // Two service ports asking for one node port: the allocator runs before validation.
    let e = err(
        &mut s,
        "kubectl create service nodeport z --tcp=80:8080 --tcp=81:8081 --node-port=30001",
    );
    assert!(
        e.contains(
            "spec.ports[1].nodePort: Invalid value: 30001: provided port is already allocated"
        ),
        "{e}"
    );
}

#[test]
fn a_requested_cluster_ip_must_be_in_the_service_cidr() {
    let mut s = Session::new(1);
    let e = err(
        &mut s,
        "kubectl create service clusterip f --tcp=80:80 --clusterip=192.168.0.5",
    );
    assert_eq!(
        e.trim_end(),
        r#"The Service "f" is invalid: spec.clusterIPs: Invalid value: ["192.168.0.5"]: failed to allocate IP 192.168.0.5: the provided network does not match the current range"#
    );
    // The network and broadcast addresses of 10.96.0.0/12 are never handed out.
    for ip in ["10.96.0.0", "10.111.255.255"] {
        let e = err(
            &mut s,
            &format!("kubectl create service clusterip f --tcp=80:80 --clusterip={ip}"),
        );
        assert!(
            e.contains(&format!("failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12")),
            "{e}"
        );
    }
    ok(
        &mut s,
        "kubectl create service clusterip f --tcp=80:80 --clusterip=10.111.255.254",
    );
    assert_eq!(
        out(&mut s, "kubectl get svc f -o jsonpath={.spec.clusterIP}"),
        "10.111.255.254"
    );
}

#[test]
fn create_service_and_expose_take_the_address_and_node_port_flags() {
    let mut s = Session::new(1);
    ok(
        &mut s,
        "kubectl create service clusterip d --tcp=80:80 --clusterip=10.96.0.50",
    );
    assert_eq!(
        out(&mut s, "kubectl get svc d -o jsonpath={.spec.clusterIP}"),
        "10.96.0.50"
    );
    ok(
        &mut s,
        "kubectl create service nodeport n --tcp=80:80 --node-port=30080",
    );
    let o = kubectl(
        &mut s,
        "kubectl create service nodeport m --tcp=80:80 --node-port=30081 --dry-run=client -o yaml",
    );
    assert!(
        o.text.contains("  - name: 80-80\n    nodePort: 30081\n"),
        "{}",
        o.text
    );
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx --port=80",
    );
    ok(
        &mut s,
        "kubectl expose deployment web --cluster-ip=10.96.0.99",
    );
    assert_eq!(
        out(&mut s, "kubectl get svc web -o jsonpath={.spec.clusterIP}"),
        "10.96.0.99"
    );
    ok(
        &mut s,
        "kubectl expose deployment web --name=web-headless --cluster-ip=None",
    );
    assert_eq!(
        out(
            &mut s,
            "kubectl get svc web-headless -o jsonpath={.spec.clusterIP}"
        ),
        "None"
    );
    let e = err(
        &mut s,
        "kubectl expose deployment web --name=web3 --cluster-ip=10.96.0.99",
    );
    assert!(
        e.contains("failed to allocate IP 10.96.0.99: provided IP is already allocated"),
        "{e}"
    );
    // ServiceOptions.Validate: ports are required unless the Service is headless.
    let e = err(&mut s, "kubectl create service clusterip q");
    assert_eq!(
        e.trim_end(),
        "error: at least one tcp port specifier must be provided"
    );
    ok(
        &mut s,
        "kubectl create service clusterip q --clusterip=None",
    );
    // Each subcommand has only its own flags.
    let e = err(
        &mut s,
        "kubectl create service clusterip z --tcp=80 --node-port=30001",
    );
    assert_eq!(e.trim_end(), "Error: unknown flag: --node-port\nSee 'kubectl create service clusterip --help' for usage.");
    let e = err(
        &mut s,
        "kubectl create service nodeport z --tcp=80 --node-port=abc",
    );
    assert!(e.starts_with("Error: invalid argument \"abc\" for \"--node-port\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"), "{e}");
}

#[test]
fn a_malformed_or_ipv6_cluster_ip_is_refused_before_allocation() {
    let mut s = Session::new(1);
    let e = err(
        &mut s,
        "kubectl create service clusterip x --tcp=80 --clusterip=bogus",
    );
    assert_eq!(
        e.trim_end(),
        r#"The Service "x" is invalid: spec.clusterIPs[0]: Invalid value: "bogus": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"#
    );
    let e = err(
        &mut s,
        "kubectl create service clusterip x --tcp=80 --clusterip=fd00::5",
    );
    assert_eq!(
        e.trim_end(),
        r#"The Service "x" is invalid: spec.clusterIPs[0]: Invalid value: ["fd00::5"]: IPv6 is not configured on this cluster"#
    );
    // On update the same pre-check runs (initIPFamilyFields), before the fixed-address rule.
    ok(&mut s, "kubectl create service clusterip x --tcp=80");
    let e = err(
        &mut s,
        r#"kubectl patch svc x -p '{"spec":{"clusterIP":"bogus"}}'"#,
    );
    assert!(
        e.contains(r#"spec.clusterIPs[0]: Invalid value: "bogus": must be a valid IP address"#),
        "{e}"
    );
    assert_eq!(
        out(&mut s, "kubectl get svc -o name"),
        "service/kubernetes\nservice/x\n"
    );
}

#[test]
fn a_service_leaving_external_name_gets_an_address_or_the_one_it_asks_for() {
    let mut s = Session::new(1);
    for name in ["ext", "ext2"] {
        let o = apply(
            &mut s,
            &format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  type: ExternalName\n  externalName: example.com\n"),
        );
        assert!(o.ok, "{}", o.text);
    }
    ok(
        &mut s,
        r#"kubectl patch svc ext -p '{"spec":{"type":"ClusterIP","externalName":null,"ports":[{"port":80}]}}'"#,
    );
    let ips = out(
        &mut s,
        "kubectl get svc ext -o jsonpath={.spec.clusterIP}/{.spec.clusterIPs[0]}",
    );
    let (ip, first) = ips.split_once('/').unwrap_or_default();
    assert!(ip.starts_with("10.96.") && ip == first, "{ips}");
    let e = err(
        &mut s,
        r#"kubectl patch svc ext2 -p '{"spec":{"type":"ClusterIP","externalName":null,"clusterIP":"10.96.0.1","ports":[{"port":80}]}}'"#,
    );
    assert!(e.contains(r#"spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated"#), "{e}");
}
