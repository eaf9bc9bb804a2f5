//! Bundles: entries carried between nodes with no network, as a text file with one signed
//! entry (its exact wire line) per line, so that a bundle can be read, grepped and diffed.
//! Lines starting with `#` and blank lines are comments. Export writes entries in id order,
//! so two exports of the same set are byte-identical.

use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use audacities_protocol::entry::{EntryError, MAX_ENTRY_BYTES};

use crate::store::{Store, StoreError};

/// The first line of an exported bundle.
pub const HEADER: &str = "# AudaCities bundle v1: one signed entry per line";

/// Why a bundle could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One line of a bundle: its 1-based line number and its bytes, or the error found while
/// reading it (a line over the entry limit is measured, not kept in memory).
pub struct Line {
    pub number: usize,
    pub item: Result<Vec<u8>, EntryError>,
}

/// Reads the entry lines of a bundle lazily, each capped at [`MAX_ENTRY_BYTES`].
pub struct Reader<R> {
    input: R,
    number: usize,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Self {
        Self { input, number: 0 }
    }

    /// Reads one physical line into `buf` up to the limit; returns the line's full length, or
    /// `None` at the end of input.
    fn read_line(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
        buf.clear();
        let mut total = 0usize;
        let mut any = false;
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(any.then_some(total));
            }
            any = true;
            let (part, consumed, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            total += part.len();
            let room = (MAX_ENTRY_BYTES + 1).saturating_sub(buf.len());
            buf.extend_from_slice(&part[..part.len().min(room)]);
            self.input.consume(consumed);
            if done {
                return Ok(Some(total));
            }
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        loop {
            let len = match self.read_line(&mut buf) {
                Ok(Some(len)) => len,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
            self.number += 1;
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            let text = buf.trim_ascii();
            if text.is_empty() || text.starts_with(b"#") {
                continue;
            }
            let item = if len > MAX_ENTRY_BYTES {
                Err(EntryError::TooLarge {
                    len,
                    max: MAX_ENTRY_BYTES,
                })
            } else {
                Ok(std::mem::take(&mut buf))
            };
            return Some(Ok(Line {
                number: self.number,
                item,
            }));
        }
    }
}

/// Writes every stored act (in creation order), then every stored entry (in id order) to `path`, atomically (a temporary file renamed into
/// place), and returns how many were written.
pub fn export(store: &Store, path: &Path) -> Result<u64, BundleError> {
    let io = |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile_in(&dir).map_err(io)?;
    let mut out = BufWriter::new(temp.as_file());
    writeln!(out, "{HEADER}").map_err(io)?;
    let mut count = 0u64;
    // Acts first: an import then knows a delegation before the staff entries it allows.
    for bytes in store.acts_raw()? {
        out.write_all(&bytes).map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
        count += 1;
    }
    let mut after = None;
    loop {
        let page = store.raw_page(after, 1_000)?;
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        for (_, bytes) in &page {
            out.write_all(bytes).map_err(io)?;
            out.write_all(b"\n").map_err(io)?;
            count += 1;
        }
    }
    out.flush().map_err(io)?;
    drop(out);
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    Ok(count)
}

fn tempfile_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    fs::create_dir_all(dir)?;
    tempfile::Builder::new()
        .prefix(".audacities-export-")
        .tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<(usize, Result<Vec<u8>, EntryError>)> {
        Reader::new(input)
            .map(|l| l.map(|l| (l.number, l.item)).unwrap())
            .collect()
    }

    #[test]
    fn skips_comments_and_blank_lines_and_keeps_line_numbers() {
        let got = lines(b"# header\n\n{\"a\":1}\r\n  \n{\"b\":2}");
        assert_eq!(
            got,
            vec![
                (3, Ok(b"{\"a\":1}".to_vec())),
                (5, Ok(b"{\"b\":2}".to_vec()))
            ]
        );
    }

    #[test]
    fn measures_an_oversized_line_without_keeping_it() {
        let mut input = vec![b'x'; MAX_ENTRY_BYTES + 10];
        input.extend_from_slice(b"\n{}\n");
        let got = lines(&input);
        assert_eq!(
            got[0],
            (
                1,
                Err(EntryError::TooLarge {
                    len: MAX_ENTRY_BYTES + 10,
                    max: MAX_ENTRY_BYTES
                })
            )
        );
        assert_eq!(got[1], (2, Ok(b"{}".to_vec())));
    }
}
