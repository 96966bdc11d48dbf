use crate::catalog::HostClass;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::index::ScopeView;
use crate::roles;
use crate::values::is_placeholder;

declare_check! {
    /// ## What it does
    /// Finds placeholder keys (`your-api-key-here`, `<YOUR_KEY>`, `sk-xxxx`, `changeme`) in a file
    /// the app loads. Example files (`.env.example`, `.env.sample`, …) are documentation and are
    /// never reported; neither are stand-ins for local servers that need no key (`ollama`,
    /// `not-needed`) when the base URL is local.
    ///
    /// ## Why it breaks
    /// The placeholder is sent as the key and the provider answers `401`. It often shadows the
    /// real key from the shell, since `.env` was copied from the example and never filled in.
    ///
    /// ## Example
    /// ```sh
    /// # .env
    /// OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxx
    /// ```
    ///
    /// ## Fix
    /// Put the real key in the file (kept out of git), or delete the line so the shell's value
    /// is used.
    PlaceholderKey {
        id: "placeholder-key",
        category: Format,
        severity: Error,
        confidence: High,
        summary: "a placeholder key in a file the app loads",
    }
}

impl Check for PlaceholderKey {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_scope(&self, cx: &Cx, view: &ScopeView, out: &mut Vec<Finding>) {
        for &r in &view.winners {
            if view.index.file(r).is_example() {
                continue;
            }
            let info = view.info(r);
            let a = view.index.assignment(r);
            let Some(value) = a.literal() else { continue };
            if !roles::is_llm_key_name(cx.catalog, &info.name) || !is_placeholder(value) {
                continue;
            }
            let endpoint = view.endpoint_for(cx.catalog, &info.name.group);
            if endpoint.is_some_and(|u| view.info(u).host == Some(HostClass::Local)) {
                continue;
            }
            // CI test jobs set dummy keys for mocked clients: only a placeholder aimed at a real
            // provider endpoint is a mistake there
            let dotenv = matches!(view.index.file(r).kind, crate::classify::FileKind::Dotenv(_));
            if !dotenv && !endpoint.is_some_and(|u| matches!(view.info(u).host, Some(HostClass::Provider(_)))) {
                continue;
            }
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(r.file, a.value_span, "placeholder"),
                    format!("`{}` holds a placeholder, not a key", a.name),
                )
                .help("set the real key here (and keep this file out of git), or remove the line so the environment's value is used")
                .evidence(a.name.clone()),
            );
        }
    }
}
