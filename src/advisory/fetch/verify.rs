//! Checks that a downloaded file is an OSV archive before it may replace
//! the database: a zip (central directory readable, so not truncated) whose
//! entries are JSON objects and all decompress with the right CRC-32.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

// The scan's own limit (`advisory::db::MAX_ENTRY_BYTES`): a larger
// entry is a zip bomb, not an advisory, and the scan would skip it anyway.
use crate::advisory::db::MAX_ENTRY_BYTES;

/// Why a download is not an OSV archive.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not a zip at all, or a cut-off one.
    NotZip(String),
    /// A zip, but not of OSV JSON records.
    BadEntry { entry: String, reason: String },
}

/// Verifies the archive at `path`; returns the number of JSON records.
pub fn osv_archive(path: &Path) -> Result<usize, Rejection> {
    let mut file = File::open(path).map_err(|e| Rejection::NotZip(e.to_string()))?;
    let mut head = [0u8; 512];
    let n = read_up_to(&mut file, &mut head).map_err(|e| Rejection::NotZip(e.to_string()))?;
    if looks_like_html(head.get(..n).unwrap_or_default()) {
        return Err(Rejection::NotZip(
            "the server sent an HTML page, not a zip archive".into(),
        ));
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Rejection::NotZip(e.to_string()))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| Rejection::NotZip(format!("not a zip archive (truncated or corrupt: {e})")))?;

    let mut records = 0;
    let mut buf = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| Rejection::NotZip(format!("not a zip archive (entry {i}: {e})")))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_or_else(|_| format!("#{i}"), |n| n.into_owned());
        let bad = |reason: String| Rejection::BadEntry {
            entry: name.clone(),
            reason,
        };
        if !name.to_ascii_lowercase().ends_with(".json") {
            return Err(bad("not a .json file".into()));
        }
        buf.clear();
        // Reading to the end is what makes the zip crate check the CRC-32.
        (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| bad(format!("corrupt: {e}")))?;
        if buf.len() as u64 > MAX_ENTRY_BYTES {
            return Err(bad(format!("larger than {} MiB", MAX_ENTRY_BYTES >> 20)));
        }
        // Parsing every record here would parse the database twice; the
        // first one proves the format, the first byte of the rest catches a
        // zip of something else.
        if records == 0 {
            match serde_json::from_slice::<serde_json::Value>(&buf) {
                Ok(v) if v.get("id").is_some_and(serde_json::Value::is_string) => {}
                Ok(_) => return Err(bad("not an OSV record (no \"id\")".into())),
                Err(e) => return Err(bad(format!("not JSON: {e}"))),
            }
        } else if buf.iter().find(|c| !c.is_ascii_whitespace()) != Some(&b'{') {
            return Err(bad("not a JSON object".into()));
        }
        records += 1;
    }
    Ok(records)
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(buf.get_mut(n..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Captive portals and storage error pages answer 200 with HTML.
fn looks_like_html(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head)
        .trim_start()
        .to_ascii_lowercase();
    text.starts_with("<!doctype")
        || text.starts_with("<html")
        || text.starts_with("<?xml")
        || text.starts_with("<head")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in entries {
            w.start_file(*name, opts).expect("start entry");
            w.write_all(body.as_bytes()).expect("write entry");
        }
        w.finish().expect("finish zip").into_inner()
    }

    fn check(bytes: &[u8]) -> Result<usize, Rejection> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("all.zip");
        std::fs::write(&path, bytes).expect("write");
        osv_archive(&path)
    }

    const REC: &str = r#"{"id":"PYSEC-2020-1","affected":[]}"#;

    #[test]
    fn accepts_a_zip_of_osv_records() {
        let z = zip_of(&[
            ("PYSEC-2020-1.json", REC),
            ("GHSA-x.json", " {\"id\":\"GHSA-x\"}"),
        ]);
        assert_eq!(check(&z), Ok(2));
        assert_eq!(check(&zip_of(&[])), Ok(0));
    }

    #[test]
    fn rejects_html_truncated_and_garbage() {
        let html = b"\n<!DOCTYPE html><html><body>Service Unavailable</body></html>";
        assert_eq!(
            check(html),
            Err(Rejection::NotZip(
                "the server sent an HTML page, not a zip archive".into()
            ))
        );
        let z = zip_of(&[("a.json", REC)]);
        let cut = z.get(..z.len() / 2).expect("half");
        assert!(
            matches!(check(cut), Err(Rejection::NotZip(r)) if r.starts_with("not a zip archive (truncated or corrupt")),
        );
        assert!(matches!(check(b"hello"), Err(Rejection::NotZip(_))));
        assert!(matches!(check(b""), Err(Rejection::NotZip(_))));
    }

    #[test]
    fn rejects_entries_that_are_not_osv_json() {
        assert_eq!(
            check(&zip_of(&[("readme.txt", "hi")])),
            Err(Rejection::BadEntry {
                entry: "readme.txt".into(),
                reason: "not a .json file".into()
            })
        );
        assert!(matches!(
            check(&zip_of(&[("a.json", "{not json")])),
            Err(Rejection::BadEntry { entry, reason }) if entry == "a.json" && reason.starts_with("not JSON")
        ));
        assert_eq!(
            check(&zip_of(&[("a.json", "{\"x\":1}")])),
            Err(Rejection::BadEntry {
                entry: "a.json".into(),
                reason: "not an OSV record (no \"id\")".into()
            })
        );
        assert_eq!(
            check(&zip_of(&[("a.json", REC), ("b.json", "[1]")])),
            Err(Rejection::BadEntry {
                entry: "b.json".into(),
                reason: "not a JSON object".into()
            })
        );
    }

    #[test]
    fn rejects_a_corrupted_entry_by_its_checksum() {
        // Stored (uncompressed) so the record's bytes sit in the file as is.
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("a.json", opts).expect("start");
        w.write_all(REC.as_bytes()).expect("write");
        let mut z = w.finish().expect("finish").into_inner();
        let at = z
            .windows(12)
            .position(|win| win == b"PYSEC-2020-1")
            .expect("record in archive");
        z[at] = b'X';
        assert!(matches!(
            check(&z),
            Err(Rejection::BadEntry { entry, reason }) if entry == "a.json" && reason.starts_with("corrupt")
        ));
    }
}
