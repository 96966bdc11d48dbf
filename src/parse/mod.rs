//! Front ends: one file of a known kind → [`FileFacts`]. Dispatch only.

pub mod dotenv;
pub mod workflow;
pub mod yaml;

use crate::classify::FileKind;
use crate::facts::FileFacts;

pub fn parse(kind: &FileKind, text: &str) -> FileFacts {
    match kind {
        FileKind::Dotenv(_) => dotenv::parse(text),
        FileKind::Workflow => workflow::parse(text, false),
        FileKind::Action => workflow::parse(text, true),
    }
}
