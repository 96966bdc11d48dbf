//! Reads `RUN` commands with small regexes rather than a shell parser: only three shapes matter
//! (a redirect or `tee` into a file, what is echoed or dumped into it, and a later `rm` of it
//! in the same `RUN`), and the spans must point into the Dockerfile's own text.

use std::sync::LazyLock;

use regex::Regex;

use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles;
use crate::source::Span;

declare_check! {
    /// ## What it does
    /// Finds a Dockerfile `RUN` that writes a secret into a file of the image: a build argument
    /// or environment variable with a secret's name echoed into a file (`echo
    /// "OPENAI_API_KEY=$OPENAI_API_KEY" > .env`), the whole environment dumped into one
    /// (`printenv > .env`, `env >> /app/.env`) while such an `ARG` or `ENV` is set, or a mounted
    /// secret copied out of `/run/secrets/` (`cat /run/secrets/openai > .env`). A file removed
    /// again in the same `RUN` is left alone.
    ///
    /// ## Why it breaks
    /// Every `RUN` is a layer: the file is in the image for anyone who pulls it, whatever later
    /// instructions delete. With a mounted secret it undoes the point of mounting it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG OPENAI_API_KEY
    /// RUN echo "OPENAI_API_KEY=$OPENAI_API_KEY" > .env && npm run build
    /// ```
    ///
    /// ## Fix
    /// Pass the key to the container at run time (`docker run -e`, compose `environment:`). If
    /// the build needs it, mount it (`RUN --mount=type=secret,id=openai,env=OPENAI_API_KEY npm
    /// run build`) and do not write it anywhere.
    SecretWrittenToLayer {
        id: "secret-written-to-layer",
        category: Baked,
        severity: Error,
        confidence: High,
        summary: "a RUN that writes a build secret (ARG, ENV or mounted secret) into a file of the image",
    }
}

/// `> file`, `>> file`, `tee [-a] file`: the target, with its offset in the command.
static REDIRECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:[^0-9&>]|^)(?:>>?|\btee\s+(?:-a\s+)?)\s*["']?([^\s;&|<>"')]+)"#)
        .expect("internal error: redirect regex")
});

/// `$NAME` / `${NAME}` in a command.
static VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)").expect("internal error: var regex")
});

/// Commands that print the whole environment.
static DUMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[;&|(]\s*|\s)(?:printenv|env|export\s+-p|declare\s+-x)\s*(?:>|\|)")
        .expect("internal error: dump regex")
});

/// Targets that are not files of the image.
fn harmless(target: &str) -> bool {
    target.starts_with("/dev/") || target.starts_with("&") || target.starts_with("/proc/")
}

/// The shell segment (between `&&`, `||`, `;`, newlines) around `at`.
fn segment(cmd: &str, at: usize) -> &str {
    let seps = |c: char| c == ';' || c == '\n' || c == '&' || c == '|';
    let start = cmd[..at].rfind(seps).map_or(0, |i| i + 1);
    let end = cmd[at..].find([';', '\n', '&']).map_or(cmd.len(), |i| at + i);
    &cmd[start..end]
}

impl Check for SecretWrittenToLayer {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(df) = f.facts.dockerfile() else { return };
        let text = &f.source.text;
        for stage in &df.stages {
            // secrets set while this stage's RUNs execute: global and stage ARGs, stage ENVs
            let secret_vars: Vec<&str> = df
                .global_args
                .iter()
                .chain(&stage.args)
                .chain(&stage.envs)
                .map(|&i| f.facts.assignments[i].name.as_str())
                .filter(|n| roles::is_secret_name(cx.catalog, &n.to_ascii_uppercase()))
                .collect();
            for run in &stage.runs {
                let Some(cmd) = text.get(run.span.range()) else { continue };
                for m in REDIRECT.captures_iter(cmd) {
                    let Some(target) = m.get(1) else { continue };
                    let path = target.as_str();
                    if harmless(path) {
                        continue;
                    }
                    let name = path.rsplit('/').next().unwrap_or(path);
                    // removed again in this RUN: never in a layer
                    if cmd[target.end()..].contains(&format!("rm -f {path}")) || cmd[target.end()..].contains(&format!("rm {path}")) || cmd[target.end()..].contains(&format!("rm -rf {path}")) {
                        continue;
                    }
                    let seg = segment(cmd, target.start());
                    let what = if let Some(v) = VAR.captures_iter(seg).filter_map(|c| c.get(1)).map(|c| c.as_str()).find(|v| secret_vars.contains(v)) {
                        format!("`${v}`")
                    } else if DUMP.is_match(seg) && !secret_vars.is_empty() {
                        format!("the whole environment, with `{}`", secret_vars.join("`, `"))
                    } else if let Some(id) = seg.split("/run/secrets/").nth(1).and_then(|r| r.split(|c: char| c.is_whitespace() || c == '"' || c == '\'').next()).filter(|_| seg.contains("cat ") || seg.contains("cp ")) {
                        format!("the mounted secret `{id}`")
                    } else {
                        continue;
                    };
                    let start = run.span.start as usize + target.start();
                    let span = Span::new(start, start + path.len());
                    out.push(
                        Finding::new(
                            &Self::META,
                            Label::new(file, span, "written into a layer"),
                            format!("this `RUN` writes {what} into `{path}`: the file is a layer of the image, readable by anyone who pulls it"),
                        )
                        .help(if name.starts_with(".env") {
                            "give the container its environment at run time (`docker run -e`, compose `environment:`); mount build-time secrets (`RUN --mount=type=secret,id=…,env=…`) without writing them to a file"
                        } else {
                            "mount the secret for the command that needs it (`RUN --mount=type=secret,id=…,env=…`) and do not write it to a file"
                        })
                        .evidence(format!("{path}|{what}")),
                    );
                }
            }
        }
    }
}
