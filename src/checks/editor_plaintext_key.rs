use crate::checks::util::token_what;
use crate::checks::{Check, Cx, Meta};
use crate::catalog::Confidence;
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds a live-looking key written in clear in committed editor or coding-agent settings:
    /// Continue models, MCP server `env` and `headers` (`.mcp.json`, `.cursor/mcp.json`,
    /// `.vscode/mcp.json`), `.claude/settings.json` `env`, `.aider.conf.yml`, `.codex/config.toml`,
    /// LiteLLM and LibreChat configs, opencode, Zed. A value counts when it has a catalog key's
    /// shape (an LLM key, or another issuer's token such as a Supabase `sbp_` access token or a
    /// GitHub `ghp_` token for an MCP server; the message names the issuer), or is a random-looking literal under a key-like field (`apiKey`, `api_key`,
    /// `ANTHROPIC_AUTH_TOKEN`, `Authorization`). Env references in the tool's own syntax, files
    /// a `.gitignore` excludes and machine-local files (`.claude/settings.local.json`) stay quiet.
    ///
    /// ## Why it breaks
    /// These files are committed for the whole team: the key ships with every clone and fork,
    /// scrapers find it, and the provider revokes it; then the tool fails with `401` for
    /// everyone.
    ///
    /// ## Example
    /// ```json
    /// { "mcpServers": { "research": { "env": { "ANTHROPIC_API_KEY": "sk-ant-api03-…" } } } }
    /// ```
    ///
    /// ## Fix
    /// Rotate the key. Reference it in the tool's syntax (`${env:ANTHROPIC_API_KEY}` for Cursor
    /// and VS Code, `${ANTHROPIC_API_KEY}` for `.mcp.json`, `${{ secrets.X }}` for Continue,
    /// `os.environ/X` for LiteLLM, `env_key` for Codex), use an `inputs` prompt, or move the
    /// setting to a gitignored local file.
    EditorPlaintextKey {
        id: "editor-plaintext-key",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "a key written in clear in committed editor or coding-agent settings",
    }
}

impl Check for EditorPlaintextKey {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(s) = f.facts.settings() else { return };
        if !f.committed || s.local {
            return;
        }
        for lit in &s.secrets {
            let v = lit.value.expose().trim();
            let v = v.strip_prefix("Bearer ").unwrap_or(v);
            let (what, confidence) = match cx.catalog.classify_token(v) {
                Some(t) => (token_what(cx.catalog, &t), Confidence::High),
                None => ("a secret".to_string(), Confidence::Medium),
            };
            out.push(
                Finding::new(&Self::META, Label::new(file, lit.span, what.clone()), format!("{what} `{}` is written in clear in `{}` of a committed {}{}", lit.value, lit.field, s.tool_name, f.committed_note()))
                    .confidence(confidence)
                    .help(match &s.suggested {
                        Some(syntax) => format!("rotate the key and write a reference instead: {syntax}"),
                        None => format!("rotate the key; {} does not expand references here, so set it in the environment that starts the tool or in a gitignored local file", s.tool_name),
                    })
                    .evidence(format!("{}|{}|{}", s.tool, lit.field, v.len())),
            );
        }
    }
}
