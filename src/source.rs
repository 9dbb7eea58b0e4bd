//! Source files and positions: owns the text of every scanned file and turns
//! byte offsets into 1-based line and column numbers, only when a report needs them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in the [`SourceMap`] of one scan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file. Every node of a parsed document and every
/// value of the model carries one, so findings point at the offending text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset just past the last byte (equal to `start` for an empty range).
    pub end: u32,
}

impl Span {
    pub(crate) fn new(file: FileId, start: usize, end: usize) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The smallest span covering both (same file assumed; `self` wins otherwise).
    pub fn join(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A 1-based line and column (column counted in characters).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct LineCol {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters (not bytes).
    pub column: u32,
}

/// One scanned file: its path as shown to users and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the scan root, with `/` separators (what reports show).
    pub display: String,
    /// Path on disk.
    pub path: PathBuf,
    /// The whole text, as read (UTF-8).
    pub text: Arc<str>,
    line_starts: Vec<u32>,
    /// The text is ASCII: a column is a byte count (no walk of the line,
    /// which made each finding on a one-line 40 MB template cost a scan of
    /// it).
    ascii: bool,
}

impl SourceFile {
    /// A file and its text; line starts are indexed once, here.
    pub fn new(display: String, path: PathBuf, text: Arc<str>) -> Self {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        let ascii = text.is_ascii();
        SourceFile {
            display,
            path,
            text,
            line_starts,
            ascii,
        }
    }

    /// Line and column of a byte offset. Offsets past the end clamp to the end;
    /// offsets inside a UTF-8 sequence round down to its first byte.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = (offset as usize).min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_idx).copied().unwrap_or(0) as usize;
        let mut end = offset;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = if self.ascii {
            end - start
        } else {
            self.text.get(start..end).map_or(0, |s| s.chars().count())
        } + 1;
        LineCol {
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let idx = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(idx) else {
            return "";
        };
        let end = self
            .line_starts
            .get(idx + 1)
            .map_or(self.text.len(), |&e| e as usize);
        let s = self.text.get(start as usize..end).unwrap_or("");
        s.trim_end_matches(['\n', '\r'])
    }

    /// Newlines in the text plus one (a text ending in a newline counts the empty line after it).
    pub fn line_count(&self) -> u32 {
        u32::try_from(self.line_starts.len()).unwrap_or(u32::MAX)
    }
}

/// All files of one scan, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub(crate) fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    /// The file `id` names, if it is of this map.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The file read from `path` (compared as given, not canonicalized), if any.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    /// No file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t".into(), PathBuf::from("t"), Arc::from(text))
    }

    #[test]
    fn line_col_counts_from_one() {
        let f = file("ab\ncd\n\nx");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 2 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(7), LineCol { line: 4, column: 1 });
        assert_eq!(f.line_col(999), LineCol { line: 4, column: 2 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = file("é: x");
        assert_eq!(f.line_col(4), LineCol { line: 1, column: 4 });
        // inside the two-byte é rounds down
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn line_text_strips_breaks() {
        let f = file("a\r\nb");
        assert_eq!(f.line_text(1), "a");
        assert_eq!(f.line_text(2), "b");
        assert_eq!(f.line_text(3), "");
    }
}
