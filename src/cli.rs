//! Command-line interface (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "keylint",
    version,
    about = "Find the LLM API key and endpoint mistakes that cause 401s and leaks, before they ship"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders (default: the current folder)
    Lint(LintArgs),
    /// Scan git history for key literals: every blob a commit added (default: every commit
    /// reachable from HEAD; other branches and tags are not included unless a range names them)
    History(HistoryArgs),
    /// List every check: id, category, default severity, summary
    Rules {
        /// Output format: a table, or JSON for tools
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Print a check's full documentation
    Explain {
        /// Check id, e.g. key-endpoint-mismatch
        id: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning)
    Sarif,
    /// GitHub workflow commands (annotations) and a job summary
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// never fail on findings (exit 0 unless the run itself fails)
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Files or folders to lint
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity remains
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Config file (default: nearest keylint.toml or .keylint.toml from the first path upward)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Show only findings at or above this severity [default: warning in the human view, info
    /// in json, sarif and github]; findings below it do not count for --fail-on either
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<crate::finding::Severity>,
    /// Show only findings of at least this confidence, in every format; the others do not
    /// count for --fail-on either
    #[arg(long, value_enum, value_name = "CONFIDENCE", default_value_t = crate::catalog::Confidence::Low)]
    pub min_confidence: crate::catalog::Confidence,
    /// Colored output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print findings only: no summary, no notes
    #[arg(short, long)]
    pub quiet: bool,
    /// List skipped files and the config in use
    #[arg(short, long)]
    pub verbose: bool,
    /// Worker threads (default: available cores)
    #[arg(long, hide = true)]
    pub threads: Option<usize>,

    /// Write the --format report to FILE and print the human view
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Hide findings recorded in this baseline file (matched by fingerprint, not line)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in FILE and exit 0
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Ignore `keylint: ignore[...]` comments: report everything
    #[arg(long)]
    pub no_ignore_comments: bool,

    /// Apply the fixes that cannot change meaning (whitespace in keys, stale endpoints, …)
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Show the safe fixes as a diff without writing anything
    #[arg(long)]
    pub diff: bool,

    /// Lint the commit being prepared: tracked files as staged in git's index (working-tree
    /// changes not yet added are ignored), and report only findings that the staged changes
    /// (or the files given) touch: their location, a related location, or a file deleted
    /// beside it. For pre-commit hooks
    #[arg(long, conflicts_with_all = ["fix", "diff", "write_baseline"])]
    pub staged: bool,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  keylint history                        every commit reachable from HEAD
  keylint history origin/main..HEAD      only what a pull request adds (CI)
  keylint history main path/to/repo      another branch of another repository
  keylint history --since 2024-01-01     only commits since a date

A key is reported once, at the first commit and path that added it, with the number of later
blobs that hold it and whether HEAD's tree still holds it. Exit 1 when a key is found, 0 when
none is, 2 when the run fails (not a git repository, a bad range).")]
pub struct HistoryArgs {
    /// Commits to scan: a commit, a branch, `A..B` (in B, not in A) or `A...B`
    /// [default: HEAD, i.e. every commit reachable from HEAD]
    #[arg(value_name = "REV-RANGE")]
    pub range: Option<String>,
    /// The repository (any folder inside it) [default: the current folder]. A single argument
    /// that names an existing folder is taken as PATH.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Only commits committed at or after this date (2024-01-31, "2 weeks ago", ISO 8601)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only commits committed at or before this date
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Config file (default: nearest keylint.toml or .keylint.toml from PATH upward); its
    /// `allowed_keys` and `[scan] max_file_size` apply
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print findings only: no summary, no notes
    #[arg(short, long)]
    pub quiet: bool,
    /// Also list the problems met on the way (missing objects in a shallow clone)
    #[arg(short, long)]
    pub verbose: bool,
    /// Worker threads (default: available cores)
    #[arg(long, hide = true)]
    pub threads: Option<usize>,
}
