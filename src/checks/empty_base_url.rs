use crate::checks::{Check, Cx, Meta};
use crate::classify::{DotenvRole, FileKind};
use crate::facts::ValueSource;
use crate::finding::{Finding, Label};
use crate::index::IndexedFile;

declare_check! {
    /// ## What it does
    /// Finds an SDK's base URL variable set to the empty string (`OPENAI_BASE_URL=`,
    /// `ANTHROPIC_BASE_URL=""`) in an env file the app loads, or in an example file the README
    /// tells developers to copy (`cp .env.example .env`). Left alone when another loaded file
    /// beside it sets a value, and when every client of that provider in the code is the
    /// official JavaScript SDK (`new OpenAI()`), which treats an empty value as unset.
    ///
    /// ## Why it breaks
    /// dotenv loaders set the variable to `""`, and empty is not unset. openai-python and
    /// anthropic-python take the empty string as the base URL (every request fails before it
    /// leaves: no scheme, no host); the AI SDK (`createOpenAI`, `createAnthropic`) throws
    /// "baseURL must be a non-empty string"; LangChain passes it on. Only the official JS SDKs
    /// fall back to the default.
    ///
    /// ## Example
    /// ```sh
    /// # .env.example, copied to .env by the README
    /// OPENAI_API_KEY=
    /// OPENAI_BASE_URL=
    /// ```
    ///
    /// ## Fix
    /// Comment the line out (`# OPENAI_BASE_URL=https://api.openai.com/v1`) or delete it: an
    /// optional base URL is one that is not set at all.
    EmptyBaseUrl {
        id: "empty-base-url",
        category: Format,
        severity: Warning,
        confidence: Medium,
        summary: "an SDK base URL variable set to the empty string, which most SDKs use instead of their default",
    }
}

/// Does a README beside `example` (or at the root) tell readers to copy it to a loaded name?
fn copied_by_readme(readmes: &[&IndexedFile], example: &IndexedFile) -> bool {
    let (dir, name) = example.source.rel_path.rsplit_once('/').map_or(("", example.source.rel_path.as_str()), |(d, n)| (d, n));
    readmes.iter().filter(|r| {
        let rdir = r.source.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
        rdir == dir || rdir.is_empty()
    }).any(|r| {
        let t = &r.source.text;
        ["cp ", "copy ", "mv ", "Copy ", "rename ", "Rename "].iter().any(|verb| {
            t.match_indices(verb).any(|(i, _)| {
                let rest = &t[i..t.len().min(i + 160)];
                let line = rest.split('\n').next().unwrap_or(rest);
                line.contains(name) && line.replacen(name, "", 1).contains(".env")
            })
        })
    })
}

/// Is every constructor of `provider` in the code one that treats an empty base URL as unset
/// (the official JS SDKs: `new OpenAI()`, `new Anthropic()`)? `None` when there is none.
fn only_tolerant_clients(cx: &Cx, provider: &str) -> Option<bool> {
    let mut any = false;
    for f in &cx.index.files {
        let Some(code) = f.facts.code() else { continue };
        for call in &code.sdk_calls {
            if cx.catalog.sdks.get(call.sdk).is_none_or(|s| s.provider != provider) {
                continue;
            }
            any = true;
            let js_official = code.lang == crate::facts::code::Lang::Js && !call.callee.starts_with("create") && !call.callee.starts_with("Chat");
            if !js_official {
                return Some(false);
            }
        }
    }
    any.then_some(true)
}

impl Check for EmptyBaseUrl {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    // one pass over the project: the READMEs and each provider's clients are looked up once,
    // not once per env file (a monorepo has thousands of env examples)
    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        let readmes: Vec<&IndexedFile> = cx.index.files.iter().filter(|f| f.kind == FileKind::Readme).collect();
        let mut tolerant: std::collections::HashMap<&str, Option<bool>> = std::collections::HashMap::new();
        for file in 0..cx.index.files.len() {
            self.check_env_file(cx, file, &readmes, &mut tolerant, out);
        }
    }
}

impl EmptyBaseUrl {
    fn check_env_file<'a>(&self, cx: &'a Cx, file: usize, readmes: &[&IndexedFile], tolerant: &mut std::collections::HashMap<&'a str, Option<bool>>, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let FileKind::Dotenv(role) = &f.kind else { return };
        let example = *role == DotenvRole::Example;
        if example && !copied_by_readme(readmes, f) {
            return;
        }
        let dir = f.source.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
        for a in &f.facts.assignments {
            if a.source != ValueSource::Literal || !a.value.expose().trim().is_empty() {
                continue;
            }
            let Some(p) = cx.catalog.providers.iter().find(|p| p.base_url_env.contains(&a.name)) else { continue };
            // a provider with no default endpoint (Azure) needs the value anyway: empty means
            // "not configured", and the app must check it before constructing a client
            if !cx.catalog.sdks.iter().any(|s| s.provider == p.id && !s.no_default) {
                continue;
            }
            // another loaded file beside it sets a value: the process does not see ""
            let set_elsewhere = cx.index.dotenv_in(dir).iter().map(|&i| &cx.index.files[i]).any(|o| {
                !std::ptr::eq(o, f)
                    && matches!(&o.kind, FileKind::Dotenv(r) if *r != DotenvRole::Example)
                    && o.facts.assignments.iter().any(|b| b.name == a.name && !b.value.expose().trim().is_empty())
            });
            if set_elsewhere || *tolerant.entry(p.id.as_str()).or_insert_with(|| only_tolerant_clients(cx, &p.id)) == Some(true) {
                continue;
            }
            let place = if example { format!("`{}`, which the README says to copy,", f.source.rel_path) } else { format!("`{}`", f.source.rel_path) };
            out.push(
                Finding::new(&Self::META, Label::new(file, a.name_span, "set to the empty string"), format!("`{}` is set to the empty string in {place}: empty is not unset, so openai-python and anthropic-python send every request to an empty base URL and the AI SDK throws \"baseURL must be a non-empty string\" (only the official JS SDKs fall back to the default)", a.name))
                    .help(format!("comment the line out (`# {}=`) or delete it, so the SDK's default applies", a.name))
                    .evidence(a.name.clone()),
            );
        }
    }
}
