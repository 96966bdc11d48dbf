use crate::catalog::Confidence;
use crate::checks::{Check, Cx, Meta};
use crate::classify::FileKind;
use crate::facts::code::Lifecycle;
use crate::finding::{Finding, Label, Severity};
use crate::roles::NameRole;
use crate::source::Span;

declare_check! {
    /// ## What it does
    /// Finds a model id its provider has shut down (`text-davinci-003`, `code-davinci-002`,
    /// `gpt-4-vision-preview`, `claude-2.1`, `claude-instant-1.2`, `gemini-pro`…), with the
    /// shutdown date and the replacement, from `rules/lifecycle.toml` (`[[retired_model]]`). In
    /// code it counts only where the id is given as a model: the value of a `model`/`engine`
    /// argument, key, field or variable, a `default=` beside the word `model`, or the default of
    /// an env read named like a model. A list of ids, a price table or a comparison (a library
    /// that knows old names) is no use. In env files, workflows, compose files and tool settings
    /// it is the value of a model variable (`OPENAI_MODEL`, Continue's `model:`); in an example
    /// env file it is a warning (a default users copy). Tests, examples and docs are judged like
    /// every finding there (info). A file with three or more retired ids is a list of models
    /// (a picker's choices, a model registry): one info finding names them all.
    ///
    /// ## Why it breaks
    /// After the shutdown date every request naming the model fails (`404 model_not_found`,
    /// "The model `text-davinci-003` has been deprecated"), whatever the key; the code looks
    /// fine until it runs.
    ///
    /// ## Example
    /// ```python
    /// openai.Completion.create(engine="text-davinci-003", prompt=prompt)
    /// ```
    ///
    /// ## Fix
    /// Use the replacement the message names (`gpt-3.5-turbo-instruct`, or a current chat
    /// model through the Chat Completions API), or read the model from configuration.
    RetiredModel {
        id: "retired-model",
        category: Mismatch,
        severity: Error,
        confidence: High,
        summary: "a model id its provider has shut down",
        varies: (Warning, "the id is the default of an env read or sits in an example env file (a file listing three or more retired ids gets one info finding)"),
    }
}

fn finding(cx: &Cx, file: usize, span: Span, m: &crate::catalog::RetiredModel, written: &str) -> Finding {
    let provider = cx.catalog.index_of(&m.provider).map_or(m.provider.as_str(), |p| cx.catalog.provider(p).name.as_str());
    Finding::new(
        &RetiredModel::META,
        Label::new(file, span, format!("shut down on {}", m.retired)),
        format!("model `{written}` was shut down by {provider} on {}: requests naming it fail", m.retired),
    )
    .help(format!("use {} (see {})", m.replacement, m.source))
    .evidence(format!("{}@{}", written.to_ascii_lowercase(), m.retired))
}

impl Check for RetiredModel {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        if let Some(code) = f.facts.code() {
            let uses: Vec<_> = code.lifecycle.iter().filter(|u| matches!(u.what, Lifecycle::Model(_))).collect();
            if uses.len() >= LIST {
                out.push(listed(file, &uses));
                return;
            }
            for u in uses {
                let Lifecycle::Model(i) = u.what else { continue };
                let mut fd = finding(cx, file, u.span, &cx.catalog.retired_models[i], &u.text);
                if default_of_env_read(&f.source.text, u.span) {
                    fd = fd.severity(Severity::Warning).confidence(Confidence::Medium);
                }
                out.push(fd);
            }
            // SDK constructor arguments are scopes of this file too: the scan above saw them
            return;
        }
        if f.kind == FileKind::Source {
            return;
        }
        for (a, info) in f.facts.assignments.iter().zip(&f.info) {
            if info.name.role != NameRole::Model {
                continue;
            }
            let Some(v) = a.literal() else { continue };
            let Some(m) = cx.catalog.retired_model(v) else { continue };
            let mut fd = finding(cx, file, a.value_span, m, v.trim());
            if f.is_example() {
                fd = fd.severity(Severity::Warning);
            }
            out.push(fd);
        }
    }
}

/// This many retired ids in one file make it a list of models (a picker's choices, a model
/// registry, a price table): advice about the list (info), not an error per entry. Whether a
/// user picks a dead entry is not in the code.
const LIST: usize = 3;

fn listed(file: usize, uses: &[&crate::facts::code::LifecycleUse]) -> Finding {
    let mut names: Vec<String> = Vec::new();
    for u in uses {
        if !names.contains(&u.text) {
            names.push(u.text.clone());
        }
    }
    let shown: Vec<String> = names.iter().take(6).map(|n| format!("`{n}`")).collect();
    let more = if names.len() > 6 { format!(" and {} more", names.len() - 6) } else { String::new() };
    let mut fd = Finding::new(
        &RetiredModel::META,
        Label::new(file, uses[0].span, "shut down"),
        format!("this file offers {} model ids their providers have shut down: {}{more}; choosing one fails", names.len(), shown.join(", ")),
    )
    .help("remove the retired entries (or map them to their replacements); `keylint explain retired-model` lists dates and successors")
    .severity(Severity::Info)
    .confidence(Confidence::Medium)
    .evidence(format!("list|{}", names.join(",")));
    for u in uses.iter().skip(1).take(8) {
        fd = fd.related(Label::new(file, u.span, format!("`{}` shut down", u.text)));
    }
    fd
}

/// `os.getenv("MODEL", "<id>")`, `process.env.MODEL || "<id>"`, `?? "<id>"`: the id is a
/// fallback the environment may override.
fn default_of_env_read(text: &str, span: Span) -> bool {
    let start = (span.start as usize).saturating_sub(1);
    let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
    let before = text[line_start..start].trim_end_matches(['"', '\'', '`', ' ']);
    before.ends_with("||") || before.ends_with("??") || before.ends_with(',') && (before.contains("getenv") || before.contains("environ"))
}
