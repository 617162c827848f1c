//! The `--tcp` and `--external-name` values of `kubectl create service`, read as kubectl
//! v1.32 reads them (create_service.go: `parsePorts`, `createService`, `Validate`).

use crate::engine::manifest::validation::names;
use serde_json::{json, Value};

/// `--tcp` is a pflag StringSlice: every occurrence is split as one CSV record and appended,
/// so `--tcp=80:8080,81 --tcp=82` is three port specs; an empty value adds none.
pub fn tcp_specs(values: &[String]) -> Vec<String> {
    values
        .iter()
        .filter(|v| !v.is_empty())
        .flat_map(|v| v.split(',').map(str::to_string))
        .collect()
}

/// One ServicePort from `<port>[:<targetPort>]`. The name is the spec with `:` turned into `-`
/// (`80:8080` → `80-8080`, `81` → `81`); the error is the text kubectl prints after `error: `.
pub fn service_port(spec: &str) -> Result<Value, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let port = parse_port(parts[0])?;
    let target = match parts.get(1) {
        None => json!(port),
        Some(text) => target_port(text)?,
    };
    Ok(
        json!({"name": spec.replace(':', "-"), "port": port, "targetPort": target, "protocol": "TCP"}),
    )
}

/// `utilsnet.ParsePort(s, true)`: `strconv.ParseUint(s, 10, 16)`, 0 allowed.
fn parse_port(text: &str) -> Result<i64, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing {text:?}: invalid syntax"
        ));
    }
    match text.parse::<u16>() {
        Ok(p) => Ok(i64::from(p)),
        Err(_) => Err(format!(
            "strconv.ParseUint: parsing {text:?}: value out of range"
        )),
    }
}

/// A number (`strconv.Atoi`) must be a valid port number; anything else must be a valid port
/// name, and is then a named target port.
fn target_port(text: &str) -> Result<Value, String> {
    if let Ok(n) = text.parse::<i64>() {
        return if (1..=65535).contains(&n) {
            Ok(json!(n))
        } else {
            Err(names::PORT_NUM_RANGE.to_string())
        };
    }
    let errs = names::iana_svc_name(text);
    if errs.is_empty() {
        Ok(json!(text))
    } else {
        Err(errs.join(","))
    }
}

/// `ServiceOptions.Validate` for `externalname`: the client checks the value as typed (a
/// trailing dot is refused here, though the API server would accept it).
pub fn validate_external_name(name: &str) -> Result<(), String> {
    if names::dns1123_subdomain(name).is_empty() {
        Ok(())
    } else {
        Err(format!("error: invalid service external name {name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_split_on_commas_and_names_replace_colons() {
        let specs = tcp_specs(&["80:8080,81".into(), String::new(), "82:http".into()]);
        assert_eq!(specs, ["80:8080", "81", "82:http"]);
        assert_eq!(service_port("81").unwrap()["name"], "81");
        assert_eq!(service_port("82:http").unwrap()["targetPort"], "http");
        assert_eq!(
            service_port("x:80").unwrap_err(),
            "strconv.ParseUint: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            service_port("70000").unwrap_err(),
            "strconv.ParseUint: parsing \"70000\": value out of range"
        );
        assert_eq!(
            service_port("80:0").unwrap_err(),
            "must be between 1 and 65535, inclusive"
        );
        assert_eq!(
            service_port("80:Web").unwrap_err(),
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
        );
        // apimachinery's wording: no parenthesised hyphens in these two.
        assert_eq!(
            service_port("80:a--b").unwrap_err(),
            "must not contain consecutive hyphens"
        );
        assert_eq!(
            service_port("80:web-").unwrap_err(),
            "must not begin or end with a hyphen"
        );
    }
}
