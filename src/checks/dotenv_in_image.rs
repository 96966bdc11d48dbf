use crate::checks::{Check, Cx, Meta};
use crate::classify::{DotenvRole, FileKind, classify};
use crate::finding::{Finding, Label};
use crate::index::{IndexedFile, ProjectIndex, join_path};
use crate::facts::dockerignore::DockerIgnore;
use crate::roles;

declare_check! {
    /// ## What it does
    /// Finds `.env` files copied into an image: a `COPY`/`ADD` of a `.env*` file by name, or of
    /// the whole build context (`COPY . .`) when a `.env*` file holding a key sits in that
    /// context and no `.dockerignore` leaves it out. Example files are fine; so is
    /// `COPY --from=<stage>`, which does not read the context.
    ///
    /// With no `.env` in the checkout (it is gitignored, so CI never has one), the final stage's
    /// `COPY . .` is still reported, as a warning, when the project tells developers to create
    /// one: an `.env.example` at the root of the build context that names API keys, and no
    /// `.dockerignore` pattern for `.env`. Their local `docker build` (or `docker compose up
    /// --build`) then ships their keys. A `COPY . .` in a builder stage only is left alone: its
    /// layers are not in the image that ships.
    ///
    /// ## Why it breaks
    /// The file becomes a layer of the image: anyone who pulls it can extract the keys, and the
    /// image keeps them after they are rotated.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .env .env
    /// ```
    ///
    /// ## Fix
    /// Add `.env*` (and `!.env.example`) to `.dockerignore`; give the container its environment
    /// at run time.
    DotenvInImage {
        id: "dotenv-in-image",
        category: Baked,
        severity: Error,
        confidence: High,
        summary: "a .env file copied into the image (by name, or with the whole context)",
        varies: (Warning, "when no .env is in the checkout but an .env.example tells developers to create one"),
    }
}

fn dir_of(p: &str) -> &str {
    p.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The build context of a Dockerfile: set by a compose `build:` that names it, else its folder.
fn context_of(index: &ProjectIndex, dockerfile: &str) -> String {
    index.compose_context(dockerfile).unwrap_or_else(|| dir_of(dockerfile)).to_string()
}

/// Does the env file hold a key: a key-shaped value, or a real-looking value under a key name?
/// Empty entries, comments and placeholders (`your-key-here`) bake nothing.
fn has_key(cx: &Cx, f: &IndexedFile) -> bool {
    f.facts.assignments.iter().zip(&f.info).any(|(a, i)| {
        let v = a.value.expose().trim();
        !v.is_empty() && !crate::values::is_placeholder(v) && (i.key.is_some() || roles::is_llm_key_name(cx.catalog, &i.name))
    })
}

impl Check for DotenvInImage {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(df) = f.facts.dockerfile() else { return };
        let ctx = context_of(cx.index, &f.source.rel_path);
        let ignore: Option<&DockerIgnore> = cx.index.find(&join_path(&ctx, ".dockerignore")).and_then(|i| match &cx.index.files[i].facts.outline {
            crate::facts::Outline::DockerIgnore(d) => Some(&**d),
            _ => None,
        });
        let rel = |p: &str| p.strip_prefix(&ctx).map_or(p, |r| r.trim_start_matches('/')).to_string();
        let last = df.stages.len().saturating_sub(1);
        for (si, copy) in df.stages.iter().enumerate().flat_map(|(si, s)| s.copies.iter().map(move |c| (si, c))).filter(|(_, c)| c.from.is_none()) {
            for src in &copy.sources {
                let name = src.path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                let explicit = matches!(classify(name), Some(FileKind::Dotenv(r)) if r != DotenvRole::Example);
                if explicit {
                    out.push(
                        Finding::new(&Self::META, Label::new(file, src.span, "copied into a layer"), format!("`{}` copies an env file into the image", src.path))
                            .help("add `.env*` and `!.env.example` to .dockerignore and pass the environment at run time")
                            .evidence(format!("copy|{}", src.path)),
                    );
                    continue;
                }
                let whole = matches!(src.path.as_str(), "." | "./" | "*" | "./*" | "./." );
                if !whole {
                    continue;
                }
                let leaked = cx.index.under(&ctx).map(|i| (i, &cx.index.files[i])).find(|(_, e)| {
                    matches!(&e.kind, FileKind::Dotenv(r) if *r != DotenvRole::Example)
                        && !ignore.is_some_and(|d| d.excludes(&rel(&e.source.rel_path)))
                        && has_key(cx, e)
                });
                if leaked.is_none() && si == last {
                    // no .env in this checkout, but the project tells developers to make one
                    // (an example beside the build context that names keys): their local
                    // `docker build` bakes it into the shipped stage
                    let example = cx.index.under(&ctx).map(|i| (i, &cx.index.files[i])).find(|(_, e)| {
                        matches!(&e.kind, FileKind::Dotenv(DotenvRole::Example))
                            && !e.source.rel_path[ctx.len()..].trim_start_matches('/').contains('/')
                            && e.info.iter().any(|i| roles::is_llm_key_name(cx.catalog, &i.name))
                    });
                    let local = join_path(&ctx, ".env");
                    if let Some((xi, x)) = example
                        && !ignore.is_some_and(|d| d.excludes(".env"))
                        && cx.index.find(&local).is_none()
                    {
                        let why = if ignore.is_some() { "the .dockerignore does not exclude `.env`" } else { "there is no .dockerignore" };
                        let mut finding = Finding::new(&Self::META, Label::new(file, src.span, "copies the whole build context"), format!("`COPY {}` in the final stage copies a local `.env` into the image when one exists, and `{}` tells developers to create one with their keys: {why}", src.path, x.source.rel_path))
                            .severity(crate::finding::Severity::Warning)
                            .confidence(crate::catalog::Confidence::Medium)
                            .related(Label::new(xi, x.facts.assignments.first().map_or(crate::source::Span::default(), |a| a.name_span), "the keys a local .env will hold"));
                        if let Some(di) = cx.index.find(&join_path(&ctx, ".dockerignore")) {
                            finding = finding.related(Label::new(di, crate::source::Span::new(0, 0), "no pattern in this .dockerignore excludes .env"));
                        }
                        out.push(
                            finding
                                .help("add `.env*` and `!.env.example` to the .dockerignore next to the build context")
                                .evidence(format!("expected|{}", x.source.rel_path)),
                        );
                    }
                }
                if let Some((ei, e)) = leaked {
                    let why = if ignore.is_some() { "the .dockerignore does not exclude it" } else { "there is no .dockerignore" };
                    let mut finding = Finding::new(&Self::META, Label::new(file, src.span, "copies the whole build context"), format!("`COPY {}` puts `{}` (which holds a key) into the image: {why}", src.path, e.source.rel_path))
                        .related(Label::new(ei, e.facts.assignments.first().map_or(crate::source::Span::default(), |a| a.name_span), "copied into the image"));
                    // the .dockerignore that lets it through is part of the cause (a commit that
                    // edits it touches this finding)
                    if let Some(di) = cx.index.find(&join_path(&ctx, ".dockerignore")) {
                        finding = finding.related(Label::new(di, crate::source::Span::new(0, 0), "no pattern in this .dockerignore excludes it"));
                    }
                    out.push(
                        finding
                            .help("add `.env*` and `!.env.example` to the .dockerignore next to the build context")
                            .evidence(format!("context|{}", e.source.rel_path)),
                    );
                }
            }
        }
    }
}
