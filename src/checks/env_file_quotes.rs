use crate::checks::{Check, Cx, Meta};
use crate::checks::util::env_file_flags;
use crate::facts::{EnvFileConsumer, Outline, Quote};
use crate::finding::{Edit, Finding, Label};
use crate::index::join_path;
use crate::source::Span;

declare_check! {
    /// ## What it does
    /// Finds values whose quotes or inline comments a Docker consumer keeps literally:
    /// - an env file passed to `docker run --env-file` (found in shell scripts, Makefiles,
    ///   justfiles, `package.json` scripts and workflow `run:` steps) with quoted values or
    ///   ` # comments` after a value: `docker run` reads `KEY=value` lines as they are, with no
    ///   quote removal and no inline comments;
    /// - a compose `environment:` list entry written `- KEY="value"`: list entries are taken
    ///   verbatim.
    /// Compose's `env_file:` and `docker compose --env-file` strip quotes like dotenv does and are
    /// not reported.
    ///
    /// ## Why it breaks
    /// The same `.env` works under dotenv and breaks in the container: the key arrives as
    /// `"sk-…"`, quotes included, and the provider answers `401`.
    ///
    /// ## Example
    /// ```sh
    /// # .env                          # run.sh
    /// OPENAI_API_KEY="sk-proj-…"      docker run --env-file .env app
    /// ```
    ///
    /// ## Fix
    /// Write env files for `docker run` without quotes or inline comments (`KEY=value`); in compose,
    /// use the map form (`KEY: "value"`) or drop the quotes.
    EnvFileQuotes {
        id: "env-file-quotes",
        category: Format,
        severity: Error,
        confidence: High,
        summary: "quotes or inline comments that docker run --env-file or compose list entries keep in the value",
    }
}


/// Every `docker run --env-file F` in scripts, package.json and workflow steps, resolved to the
/// file it reads: (file holding the command, span of the path, index of the env file).
pub fn docker_run_env_files(cx: &Cx) -> Vec<(usize, Span, usize)> {
    env_file_flags(cx)
        .into_iter()
        .filter(|(_, r, _)| r.consumer == EnvFileConsumer::DockerRun)
        .filter_map(|(fi, r, dir)| {
            let t = [join_path(&dir, &r.path), join_path("", &r.path)].into_iter().find_map(|p| cx.index.find(&p))?;
            Some((fi, r.span, t))
        })
        .collect()
}

impl Check for EnvFileQuotes {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        for (fi, f) in cx.index.files.iter().enumerate() {
            if let Outline::Compose(c) = &f.facts.outline {
                for svc in &c.services {
                    for &i in &svc.list_form {
                        let a = &f.facts.assignments[i];
                        if a.quote != Quote::None {
                            out.push(
                                Finding::new(&Self::META, Label::new(fi, a.value_span, "quotes kept in the value"), format!("service `{}`: list entry `{}=…` keeps its quotes: the container sees them as part of the value", svc.name, a.name))
                                    .help(format!("write `- {}=value` without quotes, or use the map form `{}: \"value\"`", a.name, a.name))
                                    .evidence(format!("list|{}|{}", svc.name, a.name)),
                            );
                        }
                    }
                }
            }
        }
        for (fi, ref_span, ti) in docker_run_env_files(cx) {
            let t = &cx.index.files[ti];
            for a in &t.facts.assignments {
                let after = t.source.slice(Span::new(a.value_span.end as usize, t.source.line_span(a.value_span.end as usize).end as usize));
                let quoted = a.quote != Quote::None;
                let comment = a.quote == Quote::None && after.trim_start().starts_with('#');
                if !(quoted || comment) {
                    continue;
                }
                let what = if quoted { "keeps the quotes" } else { "keeps the ` # comment`" };
                out.push(
                    Finding::new(&Self::META, Label::new(ti, a.value_span, format!("docker run {what}")), format!("`{}`: `docker run --env-file` {what} as part of the value", a.name))
                        .related(Label::new(fi, ref_span, "passed to docker run --env-file here"))
                        .help("write this file as plain KEY=value lines: no quotes, no inline comments")
                        .fix(if quoted && a.value_span.start > 0 && t.source.text.len() > a.value_span.end as usize {
                            let (s, e) = (a.value_span.start as usize, a.value_span.end as usize);
                            vec![
                                Edit { file: ti, span: Span::new(s - 1, s), replacement: String::new() },
                                Edit { file: ti, span: Span::new(e, e + 1), replacement: String::new() },
                            ]
                        } else {
                            Vec::new()
                        })
                        .evidence(format!("{}|{}|{what}", t.source.rel_path, a.name)),
                );
            }
        }
    }
}
