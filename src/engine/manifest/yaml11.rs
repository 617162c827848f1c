//! What a YAML scalar means to kubectl: go-yaml v2's `resolve()` (YAML 1.1 rules), then
//! `sigs.k8s.io/yaml`'s JSON conversion. So `0644` is the number 420, `on`/`yes`/`y` are
//! booleans, `1_000` is 1000, and only quoted or block scalars are always strings.
//!
//! Also the Go formatting those libraries put in their error messages (`%#v`, float keys).

/// A resolved scalar, as the Go value go-yaml puts in an `interface{}`.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";
const STR: &str = "tag:yaml.org,2002:str";
const BOOL: &str = "tag:yaml.org,2002:bool";
const INT: &str = "tag:yaml.org,2002:int";
const FLOAT: &str = "tag:yaml.org,2002:float";
const NULL: &str = "tag:yaml.org,2002:null";
const TIMESTAMP: &str = "tag:yaml.org,2002:timestamp";
const BINARY: &str = "tag:yaml.org,2002:binary";
pub const MERGE: &str = "tag:yaml.org,2002:merge";

/// go-yaml's `decoder.scalar` for an `interface{}` target. `tag` is the event's tag (None when
/// untagged), `implicit` libyaml's plain_implicit (a plain scalar without a tag). `Err` is
/// go-yaml's message without its `yaml: ` prefix.
pub fn resolve_scalar(tag: Option<&str>, value: &str, implicit: bool) -> Result<Scalar, String> {
    let tag = tag.unwrap_or("");
    if tag.is_empty() && !implicit {
        return Ok(Scalar::Str(value.to_string()));
    }
    if tag == BINARY {
        return decode_binary(value);
    }
    let (rtag, out) = resolve(tag, value);
    // Timestamps reach an interface{} as their text (go-yaml keeps them strings there).
    let out = if rtag == TIMESTAMP {
        Scalar::Str(value.to_string())
    } else {
        out
    };
    if tag.is_empty() || tag == rtag || tag == STR || !resolvable(tag) {
        return Ok(out);
    }
    match (tag, out) {
        (FLOAT, Scalar::Int(i)) => Ok(Scalar::Float(i as f64)),
        _ => Err(format!(
            "cannot decode {} `{value}` as a {}",
            short_tag(rtag),
            short_tag(tag)
        )),
    }
}

fn resolvable(tag: &str) -> bool {
    matches!(tag, "" | STR | BOOL | INT | FLOAT | NULL | TIMESTAMP)
}

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

/// go-yaml v2's `resolve(tag, in)`: the resolved tag and value.
fn resolve<'t>(tag: &'t str, input: &str) -> (&'t str, Scalar) {
    if !resolvable(tag) {
        return (tag, Scalar::Str(input.to_string()));
    }
    let hint = match input.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint != 0 && tag != STR {
        if let Some(found) = lookup(input) {
            return found;
        }
        match hint {
            b'.' => {
                if let Some(f) = yaml_float(input) {
                    return (FLOAT, Scalar::Float(f));
                }
            }
            b'D' | b'S' => {
                if (tag.is_empty() || tag == TIMESTAMP) && is_timestamp(input) {
                    return (TIMESTAMP, Scalar::Str(input.to_string()));
                }
                let plain = input.replace('_', "");
                if let Ok(i) = go_parse_int(&plain) {
                    return (INT, Scalar::Int(i));
                }
                if let Ok(u) = go_parse_uint(&plain) {
                    return (INT, Scalar::Uint(u));
                }
                if let Some(f) = yaml_float(&plain) {
                    return (FLOAT, Scalar::Float(f));
                }
                // `0b`/`-0b` binary: Go's ParseInt with base 0 already reads `0b`. Hex or
                // octal beyond 64 bits (go-yaml's big.Int case) stays a string here.
            }
            _ => {}
        }
    }
    (STR, Scalar::Str(input.to_string()))
}

/// go-yaml v2's table of YAML 1.1 words.
fn lookup(s: &str) -> Option<(&'static str, Scalar)> {
    let found = match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (BOOL, Scalar::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (BOOL, Scalar::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => (NULL, Scalar::Null),
        ".nan" | ".NaN" | ".NAN" => (FLOAT, Scalar::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            (FLOAT, Scalar::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => (FLOAT, Scalar::Float(f64::NEG_INFINITY)),
        _ => return None,
    };
    Some(found)
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn go_parse_int(s: &str) -> Result<i64, ()> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint(digits)?;
    if neg {
        if u > 1u64 << 63 {
            return Err(());
        }
        Ok((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).map_err(|_| ())
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` (no sign; `0x`, `0o`, `0b` and leading-`0` octal).
fn go_parse_uint(s: &str) -> Result<u64, ()> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(());
    }
    // A base prefix counts only with a digit after it (`0x` alone is not a number).
    let (radix, digits) = match b {
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (16, &s[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (8, &s[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (2, &s[2..]),
        [b'0', ..] => (8, &s[1..]),
        _ => (10, s),
    };
    if digits.is_empty() {
        return if radix == 8 && s == "0" {
            Ok(0)
        } else {
            Err(())
        };
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(());
    }
    u64::from_str_radix(digits, radix).map_err(|_| ())
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => digits(e.strip_prefix(['-', '+']).unwrap_or(e)),
    };
    mantissa_ok && exponent_ok
}

/// A float in `yamlStyleFloat`'s form, read by Go's `strconv.ParseFloat` (for a scalar starting
/// with `.` only `.5`, `.5e3` forms parse); out-of-range values are an error there, so they
/// stay strings.
fn yaml_float(s: &str) -> Option<f64> {
    if !yaml_style_float(s) {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// go-yaml's `parseTimestamp` (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`,
/// `2006-1-2 15:4:5.999999999`): only consulted for the result's tag.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some((&s[i..i + 1], &s[i + 1..]))),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let (Some(_), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let in_range = |t: &str, lo: u32, hi: u32| {
        (1..=2).contains(&t.len()) && t.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v))
    };
    if !in_range(m, 1, 12) || !in_range(d, 1, 31) {
        return false;
    }
    let Some((sep, rest)) = time else {
        return true;
    };
    let (clock, zone_ok) = if sep == " " {
        (rest, true)
    } else if let Some(c) = rest.strip_suffix(['Z']) {
        (c, true)
    } else {
        match rest.rfind(['+', '-']) {
            Some(i) => {
                let z = &rest[i + 1..];
                let ok = z.len() == 5
                    && &z[2..3] == ":"
                    && z[..2].parse::<u32>().is_ok()
                    && z[3..].parse::<u32>().is_ok();
                (&rest[..i], ok)
            }
            None => (rest, false),
        }
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (clock, None),
    };
    let mut t = hms.split(':');
    let (Some(h), Some(mi), Some(se), None) = (t.next(), t.next(), t.next(), t.next()) else {
        return false;
    };
    zone_ok
        && in_range(h, 0, 23)
        && in_range(mi, 0, 59)
        && in_range(se, 0, 59)
        && frac.is_none_or(|f| (1..=9).contains(&f.len()) && f.bytes().all(|c| c.is_ascii_digit()))
}

fn decode_binary(value: &str) -> Result<Scalar, String> {
    use base64::Engine as _;
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    match base64::engine::general_purpose::STANDARD.decode(compact) {
        Ok(bytes) => Ok(Scalar::Str(String::from_utf8_lossy(&bytes).into_owned())),
        Err(_) => Err("!!binary value contains invalid base64 data".to_string()),
    }
}

/// A mapping key as `sigs.k8s.io/yaml` writes it into JSON; `Err` for the key types it refuses
/// (`null`, uint64), with the key's Go type and `%+#v` text.
pub fn json_key(key: &Scalar) -> Result<String, (&'static str, String)> {
    match key {
        Scalar::Str(s) => Ok(s.clone()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::Bool(b) => Ok(b.to_string()),
        Scalar::Float(f) => Ok(match go_format_g(*f, true).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            s => s.to_string(),
        }),
        Scalar::Null => Err(("%!s(<nil>)", "<nil>".to_string())),
        Scalar::Uint(u) => Err(("uint64", format!("{u:#x}"))),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64 or 32)`, also what `%v` prints for a float.
pub fn go_format_g(f: f64, as_f32: bool) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, like Go's -1 precision.
    let sci = if as_f32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    // strconv's 'g' with shortest precision switches to %e below 1e-4 and from 1e6 up.
    let eprec = 6;
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1;
    let body = if point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{a}.{b}")
    };
    format!("{sign}{body}")
}

/// Go's `%#v` of a scalar inside an `interface{}` (`top`: passed to Printf directly, where a
/// nil interface prints `<nil>`).
pub fn go_sharp_v(s: &Scalar, top: bool) -> String {
    match s {
        Scalar::Null if top => "<nil>".to_string(),
        Scalar::Null => "interface {}(nil)".to_string(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Uint(u) => format!("{u:#x}"),
        Scalar::Float(f) => go_format_g(*f, false),
        Scalar::Str(s) => go_quote(s),
    }
}

/// Go's `strconv.Quote`.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Scalar {
        resolve_scalar(None, s, true).expect("resolves")
    }

    #[test]
    fn yaml_1_1_words_numbers_and_strings() {
        assert_eq!(plain("0644"), Scalar::Int(420));
        assert_eq!(plain("0x1F"), Scalar::Int(31));
        assert_eq!(plain("0o17"), Scalar::Int(15));
        assert_eq!(plain("-0b11"), Scalar::Int(-3));
        assert_eq!(plain("1_000"), Scalar::Int(1000));
        assert_eq!(plain("08"), Scalar::Float(8.0));
        assert_eq!(plain("0x"), Scalar::Str("0x".into()));
        assert_eq!(plain("9223372036854775808"), Scalar::Uint(1 << 63));
        assert_eq!(plain("-9223372036854775808"), Scalar::Int(i64::MIN));
        assert_eq!(plain("3."), Scalar::Float(3.0));
        assert_eq!(plain(".5"), Scalar::Float(0.5));
        assert_eq!(plain("1e400"), Scalar::Str("1e400".into()));
        assert_eq!(plain("y"), Scalar::Bool(true));
        assert_eq!(plain("Off"), Scalar::Bool(false));
        assert_eq!(plain("tRue"), Scalar::Str("tRue".into()));
        assert_eq!(plain("~"), Scalar::Null);
        assert_eq!(plain("2001-12-14"), Scalar::Str("2001-12-14".into()));
        assert_eq!(plain("12:30"), Scalar::Str("12:30".into()));
        assert_eq!(plain("<<"), Scalar::Str("<<".into()));
        assert_eq!(
            resolve_scalar(None, "on", false),
            Ok(Scalar::Str("on".into()))
        );
    }

    #[test]
    fn explicit_tags_follow_go_yaml() {
        let t = |tag: &str, v: &str| resolve_scalar(Some(tag), v, false);
        assert_eq!(t(STR, "123"), Ok(Scalar::Str("123".into())));
        assert_eq!(t(FLOAT, "1"), Ok(Scalar::Float(1.0)));
        assert_eq!(t(BOOL, "on"), Ok(Scalar::Bool(true)));
        assert_eq!(t(INT, "12"), Ok(Scalar::Int(12)));
        assert_eq!(
            t(INT, "abc"),
            Err("cannot decode !!str `abc` as a !!int".into())
        );
        assert_eq!(
            t(INT, "1.5"),
            Err("cannot decode !!float `1.5` as a !!int".into())
        );
        assert_eq!(
            t(TIMESTAMP, "2001-01-01"),
            Ok(Scalar::Str("2001-01-01".into()))
        );
        assert_eq!(t(BINARY, "aGVsbG8="), Ok(Scalar::Str("hello".into())));
        assert_eq!(t("!foo", "bar"), Ok(Scalar::Str("bar".into())));
    }

    #[test]
    fn go_number_formatting() {
        assert_eq!(go_format_g(1000.0, true), "1000");
        assert_eq!(go_format_g(1e6, true), "1e+06");
        assert_eq!(go_format_g(2.5, true), "2.5");
        assert_eq!(go_format_g(0.1, true), "0.1");
        assert_eq!(go_format_g(1e-5, false), "1e-05");
        assert_eq!(go_format_g(123456789.0, false), "1.23456789e+08");
        assert_eq!(
            json_key(&Scalar::Uint(1 << 63)).unwrap_err().1,
            "0x8000000000000000"
        );
    }
}
