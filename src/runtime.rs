//! Where a source file runs: in the browser, on a server, or unknown. Decided from the nearest
//! `package.json` (framework), the file's path, and `'use client'` / `'use server'`.

use crate::classify::FileKind;
use crate::facts::Outline;
use crate::facts::code::{Directive, Lang};
use crate::index::{IndexedFile, ProjectIndex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    Browser,
    Server,
    Unknown,
}

/// Dependencies of the nearest `package.json` at or above the file's folder.
fn deps<'a>(index: &'a ProjectIndex, path: &str) -> &'a [String] {
    let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    loop {
        let candidate = if dir.is_empty() {
            "package.json".to_string()
        } else {
            format!("{dir}/package.json")
        };
        if let Some(i) = index.find(&candidate) {
            if let Outline::Package(p) = &index.files[i].facts.outline {
                let deps = &p.deps;
                return deps;
            }
        }
        if dir.is_empty() {
            return &[];
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
}

const SERVER_DIRS: &[&str] = &[
    "api",
    "server",
    "servers",
    "backend",
    "functions",
    "lambda",
    "lambdas",
    "scripts",
    "bin",
    "cli",
    "worker",
    "workers",
    "routes",
    "netlify",
    "supabase",
    "prisma",
    "migrations",
    "jobs",
    "cron",
];

pub fn runtime(index: &ProjectIndex, file: &IndexedFile) -> Runtime {
    if file.kind != FileKind::Source {
        return Runtime::Unknown;
    }
    let Some(code) = file.facts.code() else {
        return Runtime::Unknown;
    };
    match code.lang {
        Lang::Py => return Runtime::Server,
        Lang::Other => return Runtime::Unknown,
        Lang::Js => {}
    }
    match code.directive {
        Some(Directive::UseClient) => return Runtime::Browser,
        Some(Directive::UseServer) => return Runtime::Server,
        None => {}
    }
    let path = file.source.rel_path.as_str();
    let name = path.rsplit('/').next().unwrap_or(path);
    let segs: Vec<&str> = path.split('/').collect();
    let dirs = &segs[..segs.len() - 1];
    if name.contains(".server.")
        || name.starts_with("+server.")
        || name.starts_with("+page.server.")
        || name.starts_with("+layout.server.")
        || name.starts_with("middleware.")
        || name.contains(".config.")
        || name.starts_with("route.")
    {
        return Runtime::Server;
    }
    if dirs.iter().any(|d| SERVER_DIRS.contains(d)) {
        return Runtime::Server;
    }
    let deps = deps(index, path);
    let has = |d: &str| deps.iter().any(|x| x == d);
    let next = has("next");
    if next {
        if dirs.contains(&"pages") {
            return Runtime::Browser;
        }
        if dirs.contains(&"app") {
            return Runtime::Server; // server components unless 'use client'
        }
        return Runtime::Unknown;
    }
    let spa = has("react-scripts")
        || has("@vue/cli-service")
        || has("gatsby")
        || has("expo")
        || (has("vite")
            && !has("@sveltejs/kit")
            && !has("astro")
            && !has("nuxt")
            && !has("@remix-run/dev"));
    if spa && (dirs.contains(&"src") || dirs.contains(&"app") || dirs.contains(&"components")) {
        return Runtime::Browser;
    }
    if (has("@sveltejs/kit") || has("nuxt") || has("astro"))
        && (name.ends_with(".svelte") || name.ends_with(".vue") || name.ends_with(".astro"))
    {
        return Runtime::Browser;
    }
    Runtime::Unknown
}
