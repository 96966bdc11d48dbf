//! `.keylint.toml` / `keylint.toml`: which checks run and how loud, what to skip, extra
//! providers and gateways. Unknown keys are errors with a span into the file (exit 2).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::NamedSource;
use serde::Deserialize;

use crate::catalog::{CatalogFile, Provider, PublicPrefix};
use crate::error::Fatal;
use crate::finding::Severity;

pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;
pub const FILE_NAMES: &[&str] = &["keylint.toml", ".keylint.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub checks: ChecksConfig,
    #[serde(default)]
    pub scan: ScanConfig,
    /// Hosts that accept any key (a company proxy, a self-hosted LiteLLM).
    #[serde(default)]
    pub gateways: Vec<String>,
    #[serde(default, rename = "provider")]
    pub providers: Vec<Provider>,
    #[serde(default)]
    pub public_prefix: Vec<PublicPrefix>,
    /// Fake keys the team uses on purpose (test fixtures, docs): never reported. Exact values,
    /// or a prefix ending in `*`.
    #[serde(default)]
    pub allowed_keys: Vec<String>,
}

impl Config {
    /// Is `value` one of the configured fake keys?
    pub fn allows_key(&self, value: &str) -> bool {
        let v = value.trim().trim_matches(['"', '\'']);
        let v = v.strip_prefix("Bearer ").unwrap_or(v);
        !v.is_empty()
            && self.allowed_keys.iter().any(|a| match a.strip_suffix('*') {
                Some(prefix) => !prefix.is_empty() && v.starts_with(prefix),
                None => a == v,
            })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecksConfig {
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Bytes; files above it are skipped with a note.
    pub max_file_size: Option<u64>,
    /// Globs (gitignore syntax) of paths never to scan.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Globs of paths that are application code although `rules/paths.toml` classes them as
    /// tests, examples, fixtures or vendored code.
    #[serde(default)]
    pub app: Vec<String>,
}

impl Config {
    pub fn parse(text: &str, path: &str) -> Result<Self, Fatal> {
        let config: Config = toml::from_str(text).map_err(|e| Fatal::Config {
            message: e.message().to_string(),
            src: NamedSource::new(path, text.to_string()),
            span: e.span().map(Into::into),
        })?;
        for id in config
            .checks
            .disable
            .iter()
            .chain(config.checks.severity.keys())
        {
            if crate::checks::by_id(id).is_none() {
                let at = text.find(id.as_str()).map(|i| (i, id.len()).into());
                return Err(Fatal::Config {
                    message: match crate::checks::did_you_mean(id) {
                        Some(near) => format!("unknown check `{id}`; did you mean `{near}`?"),
                        None => format!("unknown check `{id}`"),
                    },
                    src: NamedSource::new(path, text.to_string()),
                    span: at,
                });
            }
        }
        for glob in &config.scan.app {
            if let Err(e) = globset::Glob::new(glob) {
                return Err(Fatal::Config {
                    message: format!("[scan] app: {e}"),
                    src: NamedSource::new(path, text.to_string()),
                    span: text.find(glob.as_str()).map(|i| (i, glob.len()).into()),
                });
            }
        }
        Ok(config)
    }

    /// Reads and parses a config file: a regular file (a FIFO or a device is an error, never a
    /// wait), at most [`crate::fsread::CONFIG_CAP`] bytes.
    pub fn load(path: &Path) -> Result<Self, Fatal> {
        let text = crate::fsread::read_text(path, crate::fsread::CONFIG_CAP).map_err(|e| {
            Fatal::ConfigRead {
                path: path.display().to_string(),
                message: e.to_string(),
            }
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The config file for a scan: `--config`, else the nearest `keylint.toml`/`.keylint.toml`
    /// from the first scanned path upward. A found one that is a symlink must stay inside the
    /// folder it was found in (a repository's config linking to a file elsewhere is refused);
    /// one that is not a regular file is refused by [`Config::load`].
    pub fn discover(start: &Path) -> Result<Option<PathBuf>, Fatal> {
        let Ok(start) = start.canonicalize() else {
            return Ok(None);
        };
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            for name in FILE_NAMES {
                let p = d.join(name);
                let Ok(meta) = std::fs::symlink_metadata(&p) else {
                    continue;
                };
                if meta.is_dir() {
                    continue;
                }
                if meta.file_type().is_symlink() {
                    return match p.canonicalize() {
                        Ok(t) if t.starts_with(d) => Ok(Some(p)),
                        _ => Err(Fatal::ConfigRead {
                            path: p.display().to_string(),
                            message: "a symlink pointing outside its folder; pass the file \
                                      with --config to use it"
                                .to_string(),
                        }),
                    };
                }
                return Ok(Some(p));
            }
            dir = d.parent();
        }
        Ok(None)
    }

    pub fn max_file_size(&self) -> u64 {
        self.scan.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE)
    }

    pub fn catalog_file(&self) -> CatalogFile {
        CatalogFile {
            sdk: Vec::new(),
            providers: self.providers.clone(),
            public_prefix: self.public_prefix.clone(),
            ..Default::default()
        }
    }
}
