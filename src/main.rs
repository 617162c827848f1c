//! Entry point. On wasm32 it mounts the playground UI; on the host it is the `kubeplay` CLI.

#[cfg(target_arch = "wasm32")]
fn main() {
    kubeplay::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main(std::env::args().skip(1).collect()));
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use kubeplay::Session;
    use std::io::Read;

    const USAGE: &str = "\
kubeplay: a Kubernetes workload playground

Usage:
  kubeplay run [--seed N] [--strict] [--empty] FILE   run a script and print its transcript
  kubeplay run [--seed N] [--strict] -                read the script from standard input
  kubeplay help                                       this text; `sim --help` lists sim verbs

A script is lines of `kubectl ...` and `sim ...` commands, `# comments`, and
`kubectl apply -f - <<EOF` heredocs. Each command is printed as `$ command`, then its output.
A failing command prints its error and the script goes on; --strict stops there and exits 1.
";

    pub fn main(args: Vec<String>) -> i32 {
        match args.first().map(String::as_str) {
            Some("run") => run(&args[1..]),
            Some("help") | Some("--help") | Some("-h") | None => {
                print!("{USAGE}");
                0
            }
            Some(other) => {
                eprintln!("error: unknown command {other:?}\n\n{USAGE}");
                2
            }
        }
    }

    fn run(args: &[String]) -> i32 {
        let mut seed = 1u64;
        let mut strict = false;
        let mut empty = false;
        let mut file: Option<String> = None;
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            match a {
                "--strict" => strict = true,
                "--empty" => empty = true,
                "--seed" => {
                    i += 1;
                    match args.get(i).and_then(|s| s.parse().ok()) {
                        Some(n) => seed = n,
                        None => {
                            eprintln!("error: --seed needs a whole number, e.g. --seed 42");
                            return 2;
                        }
                    }
                }
                s if s.starts_with("--seed=") => match s[7..].parse() {
                    Ok(n) => seed = n,
                    Err(_) => {
                        eprintln!("error: --seed needs a whole number, e.g. --seed=42");
                        return 2;
                    }
                },
                "-" => file = Some("-".into()),
                s if s.starts_with('-') => {
                    eprintln!("error: unknown flag {s:?}\n\n{USAGE}");
                    return 2;
                }
                s => file = Some(s.into()),
            }
            i += 1;
        }
        let Some(file) = file else {
            eprintln!("error: kubeplay run needs a FILE (or - for standard input)\n\n{USAGE}");
            return 2;
        };
        let text = if file == "-" {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("error: reading standard input: {e}");
                return 2;
            }
            s
        } else {
            match std::fs::read_to_string(&file) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: cannot read {file}: {e}");
                    return 2;
                }
            }
        };
        // `-f path` in a script resolves against the script's folder.
        if file != "-" {
            if let Some(dir) = std::path::Path::new(&file).parent() {
                if !dir.as_os_str().is_empty() {
                    let _ = std::env::set_current_dir(dir);
                }
            }
        }
        let mut session = if empty {
            Session::with_sim(kubeplay::Sim::empty(seed))
        } else {
            Session::new(seed)
        };
        let transcript = session.run_script(&text, strict);
        print!("{}", transcript.text);
        if strict && !transcript.failures.is_empty() {
            1
        } else {
            0
        }
    }
}
