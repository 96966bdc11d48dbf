//! Shell scripts, Makefiles, justfiles and `package.json`: what they pass to `--env-file`,
//! and to which tool (`docker run` keeps quotes literally; `docker compose` strips them); scripts
//! also get the literal pass ([`crate::parse::text`]).

use crate::facts::{FileFacts, Outline};
use crate::source::Span;

pub use crate::facts::env_file_refs;

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
    use crate::facts::EnvFileConsumer;

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
