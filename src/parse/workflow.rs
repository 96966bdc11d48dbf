//! GitHub Actions workflows and action metadata → facts.
//!
//! Produces: an [`Assignment`] for every `env:` entry (workflow, job, step), one [`FileScope`]
//! per job and per step with env (merged the way the runner merges them), an [`ExprRef`] for
//! every `secrets.X` / `vars.X` / `env.X` / `inputs.X` inside `${{ … }}` with its exact span,
//! and a [`Workflow`] outline (triggers, jobs, steps, `uses:`, `secrets:` passing, `if:`
//! conditions, `run:` scripts, `workflow_call` secrets) for the CI checks.

use crate::facts::{
    Assignment, Context, ExprRef, FileFacts, FileScope, ParseIssue, Quote, ValueSource,
};
use crate::parse::yaml::{self, Node, Style};
use crate::redact::SecretStr;
use crate::source::Span;

use crate::facts::workflow::{
    CallSecret, Input, Job, PassedSecrets, Scalar, Step, Workflow, context_refs,
};

fn scalar_of(node: &Node) -> Option<Scalar> {
    match node {
        Node::Scalar { value, style, span } => Some(Scalar {
            value: value.clone(),
            style: *style,
            span: *span,
        }),
        _ => None,
    }
}

pub fn parse(text: &str, is_action: bool) -> FileFacts {
    let mut facts = FileFacts::default();
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            facts.parse_issues.push(ParseIssue {
                span: e.span,
                message: format!("invalid YAML: {}", e.message),
            });
            return facts;
        }
    };
    if !matches!(root, Node::Map { .. }) {
        facts.parse_issues.push(ParseIssue {
            span: root.span(),
            message: "expected a mapping at the top of the file".into(),
        });
        return facts;
    }
    let mut b = Builder {
        text,
        facts,
        wf: Workflow {
            is_action,
            ..Workflow::default()
        },
    };
    b.outline(&root);
    let mut facts = b.facts;
    facts.outline = crate::facts::Outline::Workflow(Box::new(b.wf));
    facts
}

struct Builder<'a> {
    text: &'a str,
    facts: FileFacts,
    wf: Workflow,
}

impl Builder<'_> {
    fn outline(&mut self, root: &Node) {
        if let Some((_, on)) = root.entry("on").or_else(|| root.entry("true")) {
            self.triggers(on);
            self.exprs(on, None, None);
        }
        if let Some(env) = root.get("env") {
            self.wf.env = self.env(env, None, None);
        }
        if self.wf.is_action {
            let steps = root.get("runs").and_then(|r| r.get("steps"));
            let job = Job {
                id: "runs".into(),
                id_span: root
                    .entry("runs")
                    .map_or(Span::default(), |(k, _)| k.span()),
                cond: None,
                continue_on_error: false,
                uses: None,
                secrets: PassedSecrets::Nothing,
                env: Vec::new(),
                steps: Vec::new(),
            };
            self.wf.jobs.push(job);
            if let Some(steps) = steps {
                self.steps(steps, 0);
            }
            self.scopes();
            return;
        }
        let Some(jobs) = root.get("jobs") else { return };
        for (k, job) in jobs.entries() {
            let Some(id) = k.as_str() else { continue };
            let j = self.wf.jobs.len();
            let secrets = match job.get("secrets") {
                None => PassedSecrets::Nothing,
                Some(Node::Scalar { value, .. }) if value == "inherit" => PassedSecrets::Inherit,
                Some(m) => PassedSecrets::Names(
                    m.entries()
                        .iter()
                        .filter_map(|(k, _)| k.as_str().map(String::from))
                        .collect(),
                ),
            };
            self.wf.jobs.push(Job {
                id: id.to_string(),
                id_span: k.span(),
                cond: job.get("if").and_then(scalar_of),
                continue_on_error: job.get("continue-on-error").and_then(Node::as_str)
                    == Some("true"),
                uses: job.get("uses").and_then(scalar_of),
                secrets,
                env: Vec::new(),
                steps: Vec::new(),
            });
            if let Some(env) = job.get("env") {
                let env = self.env(env, Some(j), None);
                self.wf.jobs[j].env = env;
            }
            for (key, value) in job.entries() {
                if !matches!(key.as_str(), Some("steps" | "env")) {
                    self.exprs(value, Some(j), None);
                }
            }
            if let Some(steps) = job.get("steps") {
                self.steps(steps, j);
            }
        }
        self.scopes();
    }

    fn triggers(&mut self, on: &Node) {
        match on {
            Node::Scalar { value, span, .. } => self.wf.triggers.push((value.clone(), *span)),
            Node::Seq { items, .. } => {
                for i in items {
                    if let Node::Scalar { value, span, .. } = i {
                        self.wf.triggers.push((value.clone(), *span));
                    }
                }
            }
            Node::Map { entries, .. } => {
                for (k, v) in entries {
                    let Some(name) = k.as_str() else { continue };
                    self.wf.triggers.push((name.to_string(), k.span()));
                    if matches!(name, "workflow_call" | "workflow_dispatch") {
                        for (ik, iv) in v.get("inputs").map_or(&[][..], Node::entries) {
                            let Some(iname) = ik.as_str() else { continue };
                            self.wf.inputs.push(Input {
                                event: name.to_string(),
                                name: iname.to_string(),
                                span: ik.span(),
                                ty: iv.get("type").and_then(Node::as_str).map(str::to_string),
                            });
                        }
                    }
                    if name == "workflow_call" {
                        self.wf.is_reusable = true;
                        for (sk, sv) in v.get("secrets").map_or(&[][..], Node::entries) {
                            let Some(sname) = sk.as_str() else { continue };
                            let required =
                                sv.get("required").and_then(Node::as_str) == Some("true");
                            self.wf.call_secrets.push(CallSecret {
                                name: sname.to_string(),
                                required,
                                span: sk.span(),
                            });
                        }
                    }
                }
            }
        }
    }

    fn steps(&mut self, steps: &Node, j: usize) {
        for step in steps.items() {
            let s = self.wf.jobs[j].steps.len();
            let with = step
                .get("with")
                .map_or(&[][..], Node::entries)
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), scalar_of(v)?)))
                .collect();
            self.wf.jobs[j].steps.push(Step {
                span: step.span(),
                cond: step.get("if").and_then(scalar_of),
                continue_on_error: step.get("continue-on-error").and_then(Node::as_str)
                    == Some("true"),
                uses: step.get("uses").and_then(scalar_of),
                run: step.get("run").and_then(scalar_of),
                with,
                env: Vec::new(),
            });
            if let Some(env) = step.get("env") {
                let env = self.env(env, Some(j), Some(s));
                self.wf.jobs[j].steps[s].env = env;
            }
            for (key, value) in step.entries() {
                if key.as_str() != Some("env") {
                    self.exprs(value, Some(j), Some(s));
                }
            }
        }
    }

    /// One assignment per `env:` entry; records the expressions in the values too.
    fn env(&mut self, env: &Node, job: Option<usize>, step: Option<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        for (k, v) in env.entries() {
            let (Some(name), Node::Scalar { value, style, span }) = (k.as_str(), v) else {
                continue;
            };
            let (value_span, quote) = match style {
                Style::Quoted if span.len() >= 2 => {
                    let q = if self.text.as_bytes()[span.start as usize] == b'\'' {
                        Quote::Single
                    } else {
                        Quote::Double
                    };
                    (Span::new(span.start as usize + 1, span.end as usize - 1), q)
                }
                _ => (*span, Quote::None),
            };
            let refs = context_refs(value);
            let source = if value.contains("${{") {
                match refs.as_slice() {
                    [(Context::Secrets, n, _, _)] => ValueSource::Secret(n.clone()),
                    [(Context::Vars, n, _, _)] => ValueSource::Var(n.clone()),
                    [(Context::Env, n, _, _)] => ValueSource::EnvRef(n.clone()),
                    _ => ValueSource::Expression,
                }
            } else {
                ValueSource::Literal
            };
            self.exprs(v, job, step);
            out.push(self.facts.assignments.len());
            self.facts.assignments.push(Assignment {
                name: name.to_string(),
                name_span: k.span(),
                value: SecretStr::new(value.clone()),
                value_span,
                quote,
                source,
                stmt_span: Span::new(k.span().start as usize, span.end as usize),
            });
        }
        out
    }

    /// Every context reference in every scalar under `node`.
    fn exprs(&mut self, node: &Node, job: Option<usize>, step: Option<usize>) {
        match node {
            Node::Scalar { value, style, span } => {
                if !value.contains("${{") {
                    return;
                }
                let sc = Scalar {
                    value: value.clone(),
                    style: *style,
                    span: *span,
                };
                for (context, name, s, e) in context_refs(value) {
                    let span = sc.source_span(self.text, s, e);
                    self.facts.exprs.push(ExprRef {
                        context,
                        name,
                        span,
                        job,
                        step,
                    });
                }
            }
            Node::Seq { items, .. } => items.iter().for_each(|i| self.exprs(i, job, step)),
            Node::Map { entries, .. } => entries.iter().for_each(|(_, v)| self.exprs(v, job, step)),
        }
    }

    /// Job scope = workflow env + job env; step scope = that + step env.
    fn scopes(&mut self) {
        for job in &self.wf.jobs {
            let mut base = self.wf.env.clone();
            base.extend(&job.env);
            if !base.is_empty() {
                self.facts.scopes.push(FileScope {
                    label: format!("job `{}`", job.id),
                    members: base.clone(),
                });
            }
            for (i, step) in job.steps.iter().enumerate() {
                if step.env.is_empty() {
                    continue;
                }
                let mut m = base.clone();
                m.extend(&step.env);
                self.facts.scopes.push(FileScope {
                    label: format!("job `{}` step {}", job.id, i + 1),
                    members: m,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_and_spans() {
        let text = "on:\n  pull_request:\n  workflow_call:\n    secrets:\n      K: { required: true }\nenv:\n  OPENAI_BASE_URL: 'https://api.openai.com/v1'\njobs:\n  t:\n    if: github.event_name == 'push'\n    env:\n      OPENAI_API_KEY: ${{ secrets.OPENROUTER_API_KEY }}\n    steps:\n      - run: |\n          echo hi\n          curl -H \"Authorization: Bearer ${{ secrets.X }}\"\n";
        let f = parse(text, false);
        assert!(f.parse_issues.is_empty(), "{:?}", f.parse_issues);
        let wf = f.workflow().expect("wf");
        let names: Vec<_> = wf.triggers.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(names, ["pull_request", "workflow_call"]);
        assert!(wf.is_reusable && wf.call_secrets[0].required);
        assert_eq!(f.assignments[0].value.expose(), "https://api.openai.com/v1");
        assert_eq!(
            &text[f.assignments[0].value_span.range()],
            "https://api.openai.com/v1"
        );
        assert_eq!(
            f.assignments[1].source,
            ValueSource::Secret("OPENROUTER_API_KEY".into())
        );
        assert_eq!(f.scopes[0].members, [0, 1]);
        let x = f.exprs.iter().find(|e| e.name == "X").expect("X");
        assert_eq!(&text[x.span.range()], "secrets.X");
        assert_eq!((x.job, x.step), (Some(0), Some(0)));
    }

    #[test]
    fn wrong_shapes_do_not_panic() {
        for text in [
            "- a\n- b\n",
            "on: 3\njobs: [1]\n",
            "jobs:\n  a: 1\n  b:\n    steps: x\n",
            "",
            "{{{",
            "jobs:\n  a:\n    env: [1]\n",
        ] {
            let _ = parse(text, false);
        }
    }
}
