//! `kubectl create service`, read as kubectl v1.32 reads it (create_service.go): the
//! `externalname` subcommand's required `--external-name`, `--tcp` as a comma-separated,
//! repeatable list, and the API server's ExternalName checks (ValidateService).

use super::{kubectl, ok};
use kubeplay::Session;

fn err(s: &mut Session, line: &str) -> String {
    let o = kubectl(s, line);
    assert!(!o.ok, "{line} should fail\n{}", o.text);
    o.text.trim_end().to_string()
}

fn apply(s: &mut Session, spec: &str) -> kubeplay::Output {
    s.execute_text(&format!(
        "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata: {{name: en}}\nspec:\n{spec}EOF"
    ))
}

#[test]
fn externalname_requires_the_external_name_flag() {
    let mut s = Session::new(1);
    // cobra checks required flags before Run, so before the NAME is looked at.
    for line in [
        "kubectl create service externalname k",
        "kubectl create service externalname",
    ] {
        assert_eq!(
            err(&mut s, line),
            r#"error: required flag(s) "external-name" not set"#
        );
    }
    assert_eq!(
        err(&mut s, "kubectl create service externalname --external-name=foo.com"),
        "error: exactly one NAME is required, got 0\nSee 'kubectl create service externalname -h' for help and examples"
    );
    assert_eq!(
        err(&mut s, "kubectl create service clusterip a b --tcp=80"),
        "error: exactly one NAME is required, got 2\nSee 'kubectl create service clusterip -h' for help and examples"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl get svc k").text.trim_end(),
        r#"Error from server (NotFound): services "k" not found"#
    );
}

#[test]
fn externalname_creates_a_service_with_the_external_name() {
    let mut s = Session::new(1);
    assert_eq!(
        ok(
            &mut s,
            "kubectl create service externalname k --external-name=foo.com"
        )
        .trim_end(),
        "service/k created"
    );
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl get svc k -o jsonpath={.spec.type}/{.spec.externalName}/{.spec.clusterIP}"
        )
        .text,
        "ExternalName/foo.com/"
    );
    let table = ok(&mut s, "kubectl get svc k");
    assert!(
        table.contains("ExternalName   <none>       foo.com"),
        "{table}"
    );
}

#[test]
fn the_client_refuses_an_external_name_that_is_not_a_dns_subdomain() {
    let mut s = Session::new(1);
    for name in ["Foo_bar", "foo.com.", ""] {
        assert_eq!(
            err(
                &mut s,
                &format!("kubectl create service externalname k --external-name={name}")
            ),
            format!("error: invalid service external name {name}").trim_end()
        );
    }
}

#[test]
fn external_name_is_a_flag_of_the_externalname_subcommand_only() {
    let mut s = Session::new(1);
    assert_eq!(
        err(
            &mut s,
            "kubectl create service clusterip c --tcp=80 --external-name=foo.com"
        ),
        "Error: unknown flag: --external-name\nSee 'kubectl create service clusterip --help' for usage."
    );
}

#[test]
fn tcp_takes_a_comma_separated_list_and_repeats() {
    let mut s = Session::new(1);
    ok(
        &mut s,
        "kubectl create service clusterip h --tcp=80:8080,81 --tcp=82:http",
    );
    assert_eq!(
        kubectl(&mut s, "kubectl get svc h -o jsonpath={.spec.ports}").text,
        r#"[{"name":"80-8080","port":80,"protocol":"TCP","targetPort":8080},{"name":"81","port":81,"protocol":"TCP","targetPort":81},{"name":"82-http","port":82,"protocol":"TCP","targetPort":"http"}]"#
    );
    let table = ok(&mut s, "kubectl get svc h");
    assert!(table.contains("80/TCP,81/TCP,82/TCP"), "{table}");
}

#[test]
fn a_bad_port_spec_gets_the_parsers_message() {
    let mut s = Session::new(1);
    let cases = [
        (
            "x",
            r#"error: strconv.ParseUint: parsing "x": invalid syntax"#,
        ),
        (
            "70000",
            r#"error: strconv.ParseUint: parsing "70000": value out of range"#,
        ),
        ("80:0", "error: must be between 1 and 65535, inclusive"),
        (
            "80:Web",
            "error: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ),
        (
            "80,",
            r#"error: strconv.ParseUint: parsing "": invalid syntax"#,
        ),
    ];
    for (tcp, want) in cases {
        assert_eq!(
            err(
                &mut s,
                &format!("kubectl create service clusterip p --tcp={tcp}")
            ),
            want,
            "--tcp={tcp}"
        );
    }
}

#[test]
fn the_api_server_requires_an_external_name_for_an_externalname_service() {
    let mut s = Session::new(1);
    let o = apply(&mut s, "  type: ExternalName\n");
    assert!(!o.ok);
    assert_eq!(
        o.text.trim_end(),
        r#"The Service "en" is invalid: spec.externalName: Required value"#
    );
    let o = apply(&mut s, "  type: ExternalName\n  externalName: Bad_Name.\n");
    assert!(!o.ok);
    assert_eq!(
        o.text.trim_end(),
        r#"The Service "en" is invalid: spec.externalName: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#
    );
    // A trailing dot marks the name fully qualified; the server accepts it.
    let o = apply(
        &mut s,
        "  type: ExternalName\n  externalName: db.example.com.\n",
    );
    assert!(o.ok, "{}", o.text);
}

#[test]
fn patching_a_service_to_externalname_needs_the_external_name() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl create service clusterip a --tcp=80");
    let e = err(
        &mut s,
        r#"kubectl patch svc a -p '{"spec":{"type":"ExternalName"}}'"#,
    );
    assert!(e.contains("spec.externalName: Required value"), "{e}");
}
