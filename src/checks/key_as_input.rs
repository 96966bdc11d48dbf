use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles;

declare_check! {
    /// ## What it does
    /// Finds a `workflow_dispatch` or `workflow_call` input that takes an API key or another
    /// secret (`inputs.OPENAI_API_KEY`, `inputs.hf_token`), judged by its name.
    ///
    /// ## Why it breaks
    /// Inputs are not secrets. A key typed into the "Run workflow" form is kept in the run's
    /// event payload, readable by every step and third-party action of the workflow, and printed
    /// unmasked wherever a step echoes it (GitHub masks only registered secrets); a key a caller
    /// passes to a reusable workflow's `with:` is an ordinary value there too. A workflow that
    /// masks the input as it reads it (`echo "::add-mask::…"`) is left alone.
    ///
    /// ## Example
    /// ```yaml
    /// on:
    ///   workflow_dispatch:
    ///     inputs:
    ///       OPENAI_API_KEY:
    ///         description: key to run the evals with
    /// ```
    ///
    /// ## Fix
    /// Store the key as a repository or environment secret and read `${{ secrets.OPENAI_API_KEY }}`;
    /// a reusable workflow declares it under `on.workflow_call.secrets` and callers pass it in
    /// `secrets:` (or `secrets: inherit`).
    KeyAsInput {
        id: "key-as-input",
        category: Exposure,
        severity: Warning,
        confidence: High,
        summary: "an API key taken as a workflow_dispatch / workflow_call input, stored and shown in clear",
    }
}

impl Check for KeyAsInput {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(wf) = f.facts.workflow() else { return };
        for input in &wf.inputs {
            let upper = input.name.to_ascii_uppercase().replace('-', "_");
            // booleans and choices named after a key are switches, not keys
            if matches!(input.ty.as_deref(), Some("boolean" | "choice" | "number" | "environment")) {
                continue;
            }
            if !roles::is_secret_name(cx.catalog, &upper) {
                continue;
            }
            // a workflow that masks the value as it reads it (`::add-mask::`) knows and limits
            // the exposure: left alone
            let reads = format!("inputs.{}", input.name);
            let masked = wf.jobs.iter().flat_map(|j| &j.steps).filter_map(|s| s.run.as_ref()).any(|r| r.value.contains("add-mask") && r.value.contains(&reads));
            if masked {
                continue;
            }
            let (stored, fix) = if input.event == "workflow_dispatch" {
                (
                    "inputs are not secrets: a key typed into the Run workflow form is kept in the run's event payload, readable by every step and action of the workflow, and printed unmasked wherever it is echoed",
                    format!("store it as a secret and read `${{{{ secrets.{upper} }}}}`"),
                )
            } else {
                (
                    "callers pass it in `with:`, where it is an ordinary value: not masked by this workflow, visible in its logs",
                    "declare it under `on.workflow_call.secrets` and have callers pass it in `secrets:`".to_string(),
                )
            };
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(file, input.span, "a key taken as an input"),
                    format!("`{}` input `{}` takes a key: {stored}", input.event, input.name),
                )
                .help(fix)
                .evidence(format!("{}|{}", input.event, input.name)),
            );
        }
    }
}
