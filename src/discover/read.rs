//! Reading a candidate as text: files over the size limit, anything but a
//! regular file, binary data and invalid UTF-8 are refused, with why.

use std::fs;
use std::io::Read;
use std::path::Path;

/// How many leading bytes [`read_text`] inspects for a NUL byte.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// Why [`read_text`] refused a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Larger than `--max-file-size`.
    #[error("file is {size} bytes, over the {limit}-byte limit; not read")]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A NUL byte in the first 8 KiB: a binary file.
    #[error("binary file (a NUL byte in the first 8 KiB); not scanned")]
    Binary,
    /// Not UTF-8 text.
    #[error("not valid UTF-8 (first bad byte at offset {offset}); not scanned")]
    InvalidUtf8 {
        /// Byte offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// The file could not be opened or read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads a file for scanning. Refuses files over `max_size`, anything that is not a regular file
/// (a FIFO would block), binary content (a NUL byte in the first 8 KiB) and invalid UTF-8 (the
/// error names the byte offset). The text is returned exactly as stored, a byte-order mark
/// included, so byte spans computed on it are file offsets.
pub fn read_text(path: &Path, max_size: u64) -> Result<String, ReadError> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.len() > max_size {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max_size,
        });
    }
    let file = fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow between the stat and the read: never read past the limit.
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > max_size {
        return Err(ReadError::TooLarge {
            size: read,
            limit: max_size,
        });
    }
    if bytes.iter().take(BINARY_SNIFF_LEN).any(|&b| b == 0) {
        return Err(ReadError::Binary);
    }
    String::from_utf8(bytes).map_err(|err| ReadError::InvalidUtf8 {
        offset: err.utf8_error().valid_up_to(),
    })
}
