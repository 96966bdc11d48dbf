//! Front ends: one file of a known kind → [`FileFacts`]. Dispatch only.

pub mod code;
pub mod compose;
pub mod dockerfile;
pub mod dockerignore;
pub mod dotenv;
pub mod lex;
pub mod lifecycle;
pub mod notebook;
pub mod pydeps;
pub mod readme;
pub mod script;
pub mod settings;
pub mod text;
pub mod workflow;
pub mod yaml;

use crate::classify::FileKind;
use crate::facts::FileFacts;

pub fn parse(
    kind: &FileKind,
    path: &str,
    text: &str,
    catalog: &crate::catalog::Catalog,
) -> FileFacts {
    match kind {
        FileKind::Source => code::parse(path, text, catalog),
        FileKind::PackageJson => script::package(text),
        FileKind::Dotenv(_) => dotenv::parse(text),
        FileKind::Workflow => workflow::parse(text, false),
        FileKind::Action => workflow::parse(text, true),
        FileKind::Dockerfile => dockerfile::parse(text),
        FileKind::Compose => compose::parse(text),
        FileKind::DockerIgnore => dockerignore::parse(text),
        FileKind::Script => script::parse(text, catalog),
        FileKind::Settings => {
            let mut facts = settings::parse(path, text, catalog);
            if path.rsplit('/').next() == Some("pyproject.toml") {
                facts.pins = pydeps::pins(path, text, catalog);
            }
            facts
        }
        FileKind::PyDeps => pydeps::parse(path, text, catalog),
        FileKind::Readme => readme::parse(text, catalog),
        FileKind::Notebook => notebook::parse(text, catalog),
        FileKind::Text => text::parse(text, catalog),
    }
}
