//! Command-line words -> verb, positional arguments and flags, with pflag's error wording
//! (`error: unknown flag: --foo`, `error: flag needs an argument: 'n' in -n`).

use std::collections::BTreeMap;

/// Whether a flag takes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takes {
    Bool,
    Value,
    /// A value flag with pflag's NoOptDefVal: `--dry-run` alone means `--dry-run=client`.
    Optional(&'static str),
}

/// One flag a verb accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes: Takes,
}

pub const fn b(long: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        takes: Takes::Bool,
    }
}
pub const fn v(long: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        takes: Takes::Value,
    }
}
pub const fn bs(long: &'static str, short: char) -> Flag {
    Flag {
        long,
        short: Some(short),
        takes: Takes::Bool,
    }
}
/// A flag whose value may be left out (`--dry-run`, `--cascade`, `--validate`).
pub const fn o(long: &'static str, default: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        takes: Takes::Optional(default),
    }
}
pub const fn vs(long: &'static str, short: char) -> Flag {
    Flag {
        long,
        short: Some(short),
        takes: Takes::Value,
    }
}

/// Flags every kubectl command accepts (kubectl's persistent flags).
pub const GLOBAL: &[Flag] = &[
    vs("namespace", 'n'),
    v("context"),
    v("kubeconfig"),
    v("cluster"),
    v("user"),
    vs("server", 's'),
    v("request-timeout"),
    vs("v", 'v'),
    bs("help", 'h'),
    b("insecure-skip-tls-verify"),
    v("as"),
    v("token"),
    b("warnings-as-errors"),
];

/// The parsed words of one command.
#[derive(Clone, Debug, Default)]
pub struct Args {
    pub positionals: Vec<String>,
    /// Words after `--` (exec's command).
    pub after_dash: Vec<String>,
    values: BTreeMap<&'static str, Vec<String>>,
}

impl Args {
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }
    /// Last value given for a flag (pflag keeps the last).
    pub fn value(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }
    pub fn values(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }
    /// A bool flag: present without value, or `--flag=true|false`.
    pub fn flag(&self, long: &str) -> bool {
        match self.value(long) {
            None => false,
            Some(v) => v != "false",
        }
    }
    pub fn set(&mut self, long: &'static str, value: &str) {
        self.values.entry(long).or_default().push(value.to_string());
    }
}

/// Why the words could not be parsed; rendered like cobra does for `verb`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgError(pub String);

fn find<'a>(specs: &[&'a [Flag]], pred: impl Fn(&Flag) -> bool) -> Option<&'a Flag> {
    specs.iter().flat_map(|s| s.iter()).find(|f| pred(f))
}

/// Parses words with the given flag sets. Flags may appear anywhere (pflag interspersed mode).
pub fn parse(words: &[String], specs: &[&[Flag]]) -> Result<Args, ArgError> {
    let mut out = Args::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            out.after_dash = words[i..].to_vec();
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(flag) = find(specs, |f| f.long == name) else {
                return Err(ArgError(format!("unknown flag: --{name}")));
            };
            let value = match (flag.takes, inline) {
                (Takes::Bool, Some(v)) => {
                    if v != "true" && v != "false" {
                        return Err(ArgError(format!(
                            "invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
                        )));
                    }
                    v
                }
                (Takes::Bool, None) => "true".to_string(),
                (Takes::Value, Some(v)) | (Takes::Optional(_), Some(v)) => v,
                (Takes::Optional(default), None) => default.to_string(),
                (Takes::Value, None) => {
                    let Some(next) = words.get(i) else {
                        return Err(ArgError(format!("flag needs an argument: --{name}")));
                    };
                    i += 1;
                    next.clone()
                }
            };
            out.set(flag.long, &value);
            continue;
        }
        if w.len() > 1 && w.starts_with('-') && !is_negative_number(w) {
            // A cluster of short flags: `-it`, `-oyaml`, `-n ds`, `-n=ds`.
            let shorts: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                j += 1;
                let Some(flag) = find(specs, |f| f.short == Some(c)) else {
                    return Err(ArgError(format!("unknown shorthand flag: '{c}' in {w}")));
                };
                match flag.takes {
                    Takes::Bool => out.set(flag.long, "true"),
                    Takes::Optional(default) => out.set(flag.long, default),
                    Takes::Value => {
                        let rest: String = shorts[j..].iter().collect();
                        let value = if !rest.is_empty() {
                            rest.strip_prefix('=').unwrap_or(&rest).to_string()
                        } else if let Some(next) = words.get(i) {
                            i += 1;
                            next.clone()
                        } else {
                            return Err(ArgError(format!("flag needs an argument: '{c}' in -{c}")));
                        };
                        out.set(flag.long, &value);
                        break;
                    }
                }
            }
            continue;
        }
        out.positionals.push(w.clone());
    }
    Ok(out)
}

fn is_negative_number(w: &str) -> bool {
    w[1..].chars().all(|c| c.is_ascii_digit()) && w.len() > 1
}

/// Finds the verb: the first word that is not a global flag or a global flag's value, so
/// `kubectl -n ds get pods` works. Returns (index of the verb, words before it).
pub fn find_verb(words: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if !w.starts_with('-') || w == "-" {
            return Some(i);
        }
        let takes_value = if let Some(body) = w.strip_prefix("--") {
            !body.contains('=')
                && GLOBAL
                    .iter()
                    .any(|f| f.long == body && f.takes == Takes::Value)
        } else {
            // `-n ds` takes the next word; `-nds` does not.
            w.len() == 2
                && GLOBAL
                    .iter()
                    .any(|f| f.short == w.chars().nth(1) && f.takes == Takes::Value)
        };
        i += if takes_value { 2 } else { 1 };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    const GET: &[Flag] = &[
        vs("output", 'o'),
        bs("all-namespaces", 'A'),
        bs("watch", 'w'),
        vs("selector", 'l'),
    ];

    #[test]
    fn parses_interspersed_flags_and_clusters() {
        let a = parse(
            &words("pods -n ds -owide web --selector=app=x -A"),
            &[GET, GLOBAL],
        )
        .unwrap();
        assert_eq!(a.positionals, vec!["pods", "web"]);
        assert_eq!(a.value("namespace"), Some("ds"));
        assert_eq!(a.value("output"), Some("wide"));
        assert_eq!(a.value("selector"), Some("app=x"));
        assert!(a.flag("all-namespaces"));
    }

    #[test]
    fn reports_unknown_flags_like_pflag() {
        assert_eq!(
            parse(&words("--foo"), &[GET]).unwrap_err().0,
            "unknown flag: --foo"
        );
        assert_eq!(
            parse(&words("-x"), &[GET]).unwrap_err().0,
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(
            parse(&words("-o"), &[GET]).unwrap_err().0,
            "flag needs an argument: 'o' in -o"
        );
    }

    #[test]
    fn finds_the_verb_after_global_flags() {
        assert_eq!(find_verb(&words("-n ds get pods")), Some(2));
        assert_eq!(find_verb(&words("--namespace=ds get")), Some(1));
        assert_eq!(find_verb(&words("get")), Some(0));
    }
}
