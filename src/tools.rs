//! Editor and coding-agent tool schemas, loaded from `rules/tools.toml` (embedded at build time).
//!
//! Which files belong to which tool, where each tool keeps keys, base URLs and models, and which
//! env-reference syntax it expands are data; `parse::settings` only walks what this says.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

const TOOLS_TOML: &str = include_str!("../rules/tools.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Yaml,
    Toml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderFrom {
    /// the `*` segment of the entry's path (`model_providers.zhipu`)
    Key,
    /// the model's routing prefix (`openrouter/anthropic/claude-3.5-sonnet`)
    ModelPrefix,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub at: String,
    #[serde(default)]
    pub provider_field: Option<String>,
    #[serde(default)]
    pub provider_from: Option<ProviderFrom>,
    #[serde(default)]
    pub key: Vec<String>,
    #[serde(default)]
    pub key_env: Vec<String>,
    #[serde(default)]
    pub base_url: Vec<String>,
    #[serde(default)]
    pub model: Vec<String>,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub id: String,
    pub name: String,
    pub files: Vec<String>,
    #[serde(default)]
    pub local: Vec<String>,
    pub format: Format,
    #[serde(default)]
    pub requires: Option<String>,
    pub refs: Vec<String>,
    #[serde(default)]
    pub env: Vec<String>,
    #[serde(default)]
    pub headers: Vec<String>,
    #[serde(default)]
    pub entry: Vec<Entry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSyntax {
    id: String,
    label: String,
    pattern: String,
    names_env: bool,
}

#[derive(Debug)]
pub struct Syntax {
    pub id: String,
    pub label: String,
    pub re: Regex,
    pub names_env: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTools {
    provider_aliases: BTreeMap<String, String>,
    syntax: Vec<RawSyntax>,
    tool: Vec<Tool>,
}

#[derive(Debug)]
pub struct Tools {
    pub provider_aliases: BTreeMap<String, String>,
    pub syntaxes: Vec<Syntax>,
    pub tools: Vec<Tool>,
    /// the extensions (`.json`, `.yaml`) every `files` pattern's name ends with, when each
    /// has a literal one: a file with none of them belongs to no tool (most files of a repo)
    exts: Option<Vec<String>>,
}

/// The built-in table. A broken table is a build defect: the unit tests load it.
pub static TOOLS: LazyLock<Tools> =
    LazyLock::new(|| Tools::parse(TOOLS_TOML).expect("internal error: rules/tools.toml"));

impl Tools {
    pub fn parse(text: &str) -> Result<Tools, String> {
        let raw: RawTools = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut syntaxes = Vec::new();
        for s in raw.syntax {
            let re = Regex::new(&s.pattern).map_err(|e| format!("syntax {}: {e}", s.id))?;
            syntaxes.push(Syntax {
                id: s.id,
                label: s.label,
                re,
                names_env: s.names_env,
            });
        }
        for t in &raw.tool {
            for r in &t.refs {
                if !syntaxes.iter().any(|s| &s.id == r) {
                    return Err(format!("tool {}: unknown syntax {r}", t.id));
                }
            }
        }
        let exts = raw
            .tool
            .iter()
            .flat_map(|t| &t.files)
            .map(|p| {
                let last = p.rsplit('/').next().unwrap_or(p);
                let literal = last.rsplit('*').next().unwrap_or(last);
                literal.rfind('.').map(|d| literal[d..].to_string())
            })
            .collect::<Option<Vec<String>>>()
            .map(|mut v| {
                v.sort();
                v.dedup();
                v
            });
        Ok(Tools {
            provider_aliases: raw.provider_aliases,
            syntaxes,
            tools: raw.tool,
            exts,
        })
    }

    /// The tool whose `files` patterns match this path, if any.
    pub fn for_path(&self, rel_path: &str) -> Option<usize> {
        // the file name against each pattern's last segment first: most paths stop there
        let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
        if self
            .exts
            .as_ref()
            .is_some_and(|exts| !exts.iter().any(|e| name.ends_with(e.as_str())))
        {
            return None;
        }
        self.tools.iter().position(|t| {
            t.files.iter().any(|p| {
                let last = p.rsplit('/').next().unwrap_or(p);
                match_seg(last.as_bytes(), name.as_bytes()) && path_matches(p, rel_path)
            })
        })
    }

    /// A folder that holds some tool's settings (`.vscode`, `.continue`), by name.
    pub fn is_settings_dir(&self, name: &str) -> bool {
        name.starts_with('.')
            && self
                .tools
                .iter()
                .flat_map(|t| &t.files)
                .any(|p| p.split_once('/').is_some_and(|(d, _)| d == name))
    }

    pub fn tool(&self, id: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.id == id)
    }

    pub fn syntax(&self, id: &str) -> Option<&Syntax> {
        self.syntaxes.iter().find(|s| s.id == id)
    }
}

impl Tool {
    pub fn is_local(&self, rel_path: &str) -> bool {
        self.local.iter().any(|p| path_matches(p, rel_path))
    }
}

/// Does `pattern` match the tail of `path`? `**` matches any number of folders, `*` any run of
/// characters inside one segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    (0..segs.len()).any(|start| match_segs(&pat, &segs[start..]))
}

fn match_segs(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|k| match_segs(rest, &segs[k..])),
        Some((p, rest)) => {
            !segs.is_empty()
                && match_seg(p.as_bytes(), segs[0].as_bytes())
                && match_segs(rest, &segs[1..])
        }
    }
}

fn match_seg(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|k| match_seg(rest, &s[k..])),
        Some((c, rest)) => s.first() == Some(c) && match_seg(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_filter_never_hides_a_tool() {
        let table = |files: &str| {
            format!(
                "syntax = []\n[provider_aliases]\n[[tool]]\nid = \"t\"\nname = \"T\"\n\
                 files = {files}\nformat = \"json\"\nrefs = []\n"
            )
        };
        let t = Tools::parse(&table(r#"[".x/conf.json", ".x/**/*.yml"]"#)).expect("table");
        assert_eq!(
            t.exts.as_deref(),
            Some(&[".json".to_string(), ".yml".to_string()][..])
        );
        assert_eq!(t.for_path("a/.x/conf.json"), Some(0));
        assert_eq!(t.for_path(".x/deep/er/f.yml"), Some(0));
        assert_eq!(t.for_path(".x/conf.ts"), None);
        // a name with no literal extension turns the filter off
        let t = Tools::parse(&table(r#"[".x/conf.json", ".y/llmrc*"]"#)).expect("table");
        assert!(t.exts.is_none());
        assert_eq!(t.for_path(".y/llmrc-local"), Some(0));
    }

    #[test]
    fn builtin_table_loads() {
        assert!(TOOLS.tools.len() >= 12);
        for t in &TOOLS.tools {
            assert!(!t.files.is_empty(), "{}", t.id);
        }
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn paths_match_tools() {
        let id = |p: &str| TOOLS.for_path(p).map(|i| TOOLS.tools[i].id.as_str());
        assert_eq!(id(".claude/settings.json"), Some("claude-code"));
        assert_eq!(
            id("apps/x/.claude/settings.local.json"),
            Some("claude-code")
        );
        assert_eq!(id(".mcp.json"), Some("claude-mcp"));
        assert_eq!(id(".cursor/mcp.json"), Some("cursor-mcp"));
        assert_eq!(id(".continue/assistants/main.yaml"), Some("continue-yaml"));
        assert_eq!(id(".codex/config.toml"), Some("codex"));
        assert_eq!(id("deploy/litellm_config.yaml"), Some("litellm"));
        assert_eq!(id(".aider.conf.yml"), Some("aider"));
        assert_eq!(id("src/mcp.json"), None);
        assert_eq!(id("settings.json"), None);
        assert_eq!(id("pyproject.toml"), Some("pyproject"));
        assert!(
            TOOLS
                .tool("claude-code")
                .unwrap()
                .is_local(".claude/settings.local.json")
        );
        assert!(
            !TOOLS
                .tool("claude-code")
                .unwrap()
                .is_local(".claude/settings.json")
        );
    }

    #[test]
    fn glob_segments() {
        assert!(path_matches(".continue/**/*.yaml", ".continue/a/b/c.yaml"));
        assert!(path_matches(".continue/**/*.yaml", ".continue/c.yaml"));
        assert!(!path_matches(".continue/**/*.yaml", ".continue/c.json"));
        assert!(path_matches("config.yaml", "infra/config.yaml"));
        assert!(!path_matches("config.yaml", "infra/myconfig.yaml"));
    }
}
