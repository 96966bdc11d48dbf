//! The one way keylint opens a file: scanned files, ignore files, the config, baselines and
//! re-reads of released files all come through here.
//!
//! A bare `open` of a FIFO blocks until a writer appears, and reading `/dev/zero` never ends;
//! a check before the open (`is_file()`) races with whoever swaps the file. So:
//! 1. open with `O_NONBLOCK`: a FIFO cannot block in `open`, a regular file ignores the flag;
//! 2. check that the *opened handle* is a regular file (`fstat`, no race);
//! 3. read at most `cap + 1` bytes, so a file larger than the cap costs at most the cap.
//!
//! [`decode`] then turns the bytes into the text every front end sees: a UTF-8 BOM is dropped,
//! UTF-16 with a BOM is decoded, and a dotenv file's lone CR becomes a line break (the way Node's
//! dotenv and python-dotenv read it). Spans, lines and columns refer to that text; re-reads decode
//! the same way, so a released file comes back byte for byte.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use crate::classify::FileKind;
use crate::walk::SkipReason;

/// Size cap for `keylint.toml`.
pub const CONFIG_CAP: u64 = 1 << 20;
/// Size cap for baselines (a finding takes ~150 bytes: room for ~400k findings).
pub const BASELINE_CAP: u64 = 64 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// not a regular file: what it is instead ("a FIFO")
    NotRegular(&'static str),
    TooLarge {
        len: u64,
        cap: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => e.fmt(f),
            ReadError::NotRegular(what) => write!(f, "not a regular file ({what})"),
            ReadError::TooLarge { len, cap } => write!(f, "{len} bytes, cap {cap}"),
        }
    }
}

impl ReadError {
    /// The walker's skip reason and note for this error.
    pub fn skip(&self) -> (SkipReason, Option<String>) {
        match self {
            ReadError::Io(e) => (SkipReason::Unreadable, Some(e.to_string())),
            ReadError::NotRegular(what) => (SkipReason::NotRegular, Some((*what).to_string())),
            ReadError::TooLarge { .. } => (SkipReason::TooLarge, Some(self.to_string())),
        }
    }
}

/// Whether the last component of a path may be a symlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// follow it wherever it goes (a path the user typed)
    Anywhere,
    /// the path is known not to be a symlink (a walked regular file, a canonical target): if it
    /// is one now, it changed since
    Never,
}

/// Reads the regular file at `path` into `buf` (cleared first), at most `cap` bytes.
pub fn read_capped(
    path: &Path,
    cap: u64,
    follow: Follow,
    buf: &mut Vec<u8>,
) -> Result<(), ReadError> {
    let (file, meta) = open_regular(path, follow)?;
    buf.clear();
    // no pre-sizing from the metadata: the worker's buffer is usually large enough already
    (&file)
        .take(cap.saturating_add(1))
        .read_to_end(buf)
        .map_err(ReadError::Io)?;
    if buf.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            len: meta.len().max(buf.len() as u64),
            cap,
        });
    }
    Ok(())
}

/// Opens a regular file for reading: refused, without blocking, when it is anything else.
pub fn open_regular(
    path: &Path,
    follow: Follow,
) -> Result<(std::fs::File, std::fs::Metadata), ReadError> {
    let file = open(path, follow)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(what(&meta.file_type())));
    }
    Ok((file, meta))
}

/// A regular file as UTF-8 text (a leading BOM dropped): the config and baselines.
pub fn read_text(path: &Path, cap: u64) -> Result<String, ReadError> {
    let mut buf = Vec::new();
    read_capped(path, cap, Follow::Anywhere, &mut buf)?;
    if buf.starts_with(UTF8_BOM) {
        buf.drain(..UTF8_BOM.len());
    }
    String::from_utf8(buf).map_err(|e| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

/// Opens a file for reading without blocking on a FIFO.
#[cfg(unix)]
fn open(path: &Path, follow: Follow) -> Result<std::fs::File, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK;
    if follow == Follow::Never {
        flags |= libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|e| {
            // O_NOFOLLOW on a symlink fails with ELOOP: say what it is
            if follow == Follow::Never && e.raw_os_error() == Some(libc::ELOOP) {
                ReadError::NotRegular("a symlink")
            } else {
                ReadError::Io(e)
            }
        })
}

/// Opens a file for reading (no FIFOs to block on outside Unix).
#[cfg(not(unix))]
fn open(path: &Path, _follow: Follow) -> Result<std::fs::File, ReadError> {
    std::fs::File::open(path).map_err(ReadError::Io)
}

/// What a file that is not regular is, for a note.
pub fn what(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else if ft.is_symlink() {
        "a symlink"
    } else {
        "a special file"
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's bytes as the text front ends see; `transcoded` when that text is not the bytes on
/// disk (BOM dropped, UTF-16 decoded, lone CR turned into LF), so an edit cannot be written
/// back by splicing the text.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub transcoded: bool,
}

/// Decodes a file's bytes, or says why it is skipped.
pub fn decode<'a>(
    bytes: &'a [u8],
    kind: &FileKind,
) -> Result<Decoded<'a>, (SkipReason, Option<String>)> {
    let (text, transcoded): (Cow<'a, str>, bool) = if let Some(rest) = bytes.strip_prefix(UTF8_BOM)
    {
        (Cow::Borrowed(utf8(rest)?), true)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (Cow::Owned(utf16(rest, u16::from_le_bytes)?), true)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (Cow::Owned(utf16(rest, u16::from_be_bytes)?), true)
    } else {
        (Cow::Borrowed(utf8(bytes)?), false)
    };
    let normalized = normalize(kind, text);
    Ok(Decoded {
        transcoded: transcoded || normalized.1,
        text: normalized.0,
    })
}

/// [`decode`] for text already in memory (`lint_virtual`): the same BOM and line-break rules.
pub fn decode_str<'a>(text: &'a str, kind: &FileKind) -> Cow<'a, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    normalize(kind, Cow::Borrowed(text)).0
}

fn binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

fn utf8(bytes: &[u8]) -> Result<&str, (SkipReason, Option<String>)> {
    if binary(bytes) {
        return Err((SkipReason::Binary, None));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        (
            SkipReason::NotUtf8,
            Some(format!("invalid byte at offset {}", e.valid_up_to())),
        )
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, (SkipReason, Option<String>)> {
    if bytes.len() % 2 != 0 {
        return Err((
            SkipReason::NotUtf8,
            Some("UTF-16 with an odd number of bytes".to_string()),
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                return Err((
                    SkipReason::NotUtf8,
                    Some(format!("invalid UTF-16 at offset {}", 2 + 2 * i)),
                ));
            }
        }
    }
    if binary(text.as_bytes()) {
        return Err((SkipReason::Binary, Some("UTF-16".to_string())));
    }
    Ok(text)
}

/// Per kind: a dotenv file's lone CR is a line break (one byte for one: spans do not move).
fn normalize<'a>(kind: &FileKind, text: Cow<'a, str>) -> (Cow<'a, str>, bool) {
    if !matches!(kind, FileKind::Dotenv(_)) {
        return (text, false);
    }
    let b = text.as_bytes();
    let lone = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', b).any(lone) {
        return (text, false);
    }
    let mut bytes = text.into_owned().into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    let text = String::from_utf8(bytes).expect("internal error: an ASCII swap keeps UTF-8");
    (Cow::Owned(text), true)
}

/// A released file's text as it is now, decoded as the walker decoded it; `None` when it can
/// no longer be read as a regular file (gone, replaced by a FIFO or a symlink, too large, no
/// longer text).
pub fn reread(path: &Path, kind: &FileKind, cap: u64) -> Option<String> {
    let mut buf = Vec::new();
    // walked regular files and resolved symlink targets are never symlinks themselves
    read_capped(path, cap, Follow::Never, &mut buf).ok()?;
    let text = decode(&buf, kind).ok()?.text.into_owned();
    Some(text)
}

/// A hash of a file's text, to tell whether a re-read found the same content. Seeded once per
/// process, so a file cannot be crafted to collide with another.
pub fn content_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    static STATE: std::sync::OnceLock<foldhash::quality::RandomState> = std::sync::OnceLock::new();
    STATE
        .get_or_init(foldhash::quality::RandomState::default)
        .hash_one(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::DotenvRole;

    fn dec(bytes: &[u8], kind: &FileKind) -> (String, bool) {
        let d = decode(bytes, kind).expect("decodes");
        (d.text.into_owned(), d.transcoded)
    }

    #[test]
    fn bom_utf16_and_lone_cr() {
        let env = FileKind::Dotenv(DotenvRole::Base);
        assert_eq!(dec(b"A=1\n", &env), ("A=1\n".into(), false));
        assert_eq!(dec(b"\xEF\xBB\xBFA=1\n", &env), ("A=1\n".into(), true));
        assert_eq!(
            dec(b"\xFF\xFEA\x00=\x001\x00\n\x00", &env),
            ("A=1\n".into(), true)
        );
        assert_eq!(
            dec(b"\xFE\xFF\x00A\x00=\x001\x00\n", &env),
            ("A=1\n".into(), true)
        );
        assert_eq!(dec(b"A=1\rB=2\r\n", &env), ("A=1\nB=2\r\n".into(), true));
        // other kinds keep their CRs
        assert_eq!(dec(b"a\rb", &FileKind::Dockerfile), ("a\rb".into(), false));
        assert_eq!(
            decode(b"\xFF\xFEA", &env)
                .map(|_| ())
                .expect_err("skipped")
                .0,
            SkipReason::NotUtf8
        );
        assert_eq!(
            decode(b"A\x00", &env).map(|_| ()).expect_err("skipped").0,
            SkipReason::Binary
        );
        assert_eq!(decode_str("\u{feff}A=1\r", &env), "A=1\n");
    }

    #[test]
    fn hash_tells_contents_apart() {
        assert_eq!(content_hash("abc"), content_hash("abc"));
        assert_ne!(content_hash("abc"), content_hash("abd"));
    }
}
