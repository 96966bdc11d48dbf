//! Shell scripts, Makefiles, justfiles and `package.json`: what they pass to `--env-file`,
//! and to which tool (`docker run` keeps quotes literally; `docker compose` strips them); scripts
//! also get the literal pass ([`crate::parse::text`]).

use std::sync::LazyLock;

use regex::Regex;

use crate::facts::{EnvFileConsumer, EnvFileRef, FileFacts, Outline};
use crate::source::Span;

static ENV_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"--env-file(?:=|\s+)["']?([^\s"';&|)]+)"#).expect("internal error: env-file regex")
});

/// `--env-file` references in a text, each with the consumer decided by the command before it.
pub fn env_file_refs(text: &str, base: impl Fn(usize, usize) -> Span) -> Vec<EnvFileRef> {
    let mut out = Vec::new();
    for c in ENV_FILE.captures_iter(text) {
        let (Some(all), Some(p)) = (c.get(0), c.get(1)) else {
            continue;
        };
        // the command this flag belongs to: text since the last line break or separator
        let before = &text[..all.start()];
        let cmd_start = before.rfind(['\n', ';', '&', '|']).map_or(0, |i| i + 1);
        let cmd = &before[cmd_start..];
        let consumer = if cmd.contains("compose") {
            EnvFileConsumer::Compose
        } else if cmd.contains("docker") || cmd.contains("podman") {
            EnvFileConsumer::DockerRun
        } else {
            continue;
        };
        out.push(EnvFileRef {
            path: p.as_str().to_string(),
            span: base(p.start(), p.end()),
            consumer,
        });
    }
    out
}

/// `package.json`: dependency names and the `--env-file` flags in its scripts.
pub fn package(text: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let json: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            facts.parse_issues.push(crate::facts::ParseIssue {
                span: Span::new(0, 0),
                message: format!("invalid package.json: {e}"),
            });
            return facts;
        }
    };
    let mut deps = Vec::new();
    for key in ["dependencies", "devDependencies", "peerDependencies"] {
        if let Some(m) = json.get(key).and_then(|d| d.as_object()) {
            deps.extend(m.keys().cloned());
        }
    }
    let env_files = env_file_refs(text, Span::new);
    facts.outline = Outline::Package(Box::new(crate::facts::PackageOutline { deps, env_files }));
    facts
}

/// `--env-file` consumers, and key literals (`export OPENAI_API_KEY="sk-…"`).
pub fn parse(text: &str, catalog: &crate::catalog::Catalog) -> FileFacts {
    FileFacts {
        outline: Outline::Script(env_file_refs(text, Span::new)),
        literals: crate::parse::text::scan(text, catalog),
        ..FileFacts::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumers() {
        let r = env_file_refs(
            "docker run --env-file .env app\ndocker compose --env-file=prod.env up\nnode --env-file=.env x\n",
            Span::new,
        );
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].path.as_str(), r[0].consumer),
            (".env", EnvFileConsumer::DockerRun)
        );
        assert_eq!(
            (r[1].path.as_str(), r[1].consumer),
            ("prod.env", EnvFileConsumer::Compose)
        );
    }
}
