//! Deterministic skill archives (skill-format §3.1, backend.md §10.5): one top folder, every
//! entry (folders too) sorted by name, timestamps 1980-01-01 00:00, modes 0644 (0755 for
//! folders and executables), made-by Unix on every OS, Deflate level 6 except for formats that
//! are already compressed (stored). The same files therefore give the same bytes and SHA-256,
//! whatever their mtimes, owner or the OS that packed them.

use std::collections::BTreeSet;
use std::io::{Cursor, Write as _};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::files::ExportFile;
use crate::protocol::AppError;

/// Extensions stored rather than deflated: compressing them again only costs time.
const STORED: [&str; 6] = ["png", "jpg", "jpeg", "gif", "zip", "pdf"];

fn options(mode: u32, method: CompressionMethod) -> SimpleFileOptions {
    let level = (method == CompressionMethod::Deflated).then_some(6);
    SimpleFileOptions::default()
        .system(System::Unix)
        .last_modified_time(DateTime::default())
        .unix_permissions(mode)
        .compression_method(method)
        .compression_level(level)
}

fn method_for(path: &str) -> CompressionMethod {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if STORED.contains(&ext.as_str()) { CompressionMethod::Stored } else { CompressionMethod::Deflated }
}

/// An archive's bytes and their SHA-256.
pub struct Archive {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Packs `files` (paths relative to `top`) under the folder `top/`.
pub fn pack(top: &str, files: &[ExportFile]) -> Result<Archive, AppError> {
    let zip_err = |e: zip::result::ZipError| AppError::Internal(format!("zip: {e}"));
    let mut folders = BTreeSet::new();
    folders.insert(format!("{top}/"));
    for file in files {
        let mut at = 0;
        while let Some(i) = file.path[at..].find('/') {
            folders.insert(format!("{top}/{}/", &file.path[..at + i]));
            at += i + 1;
        }
    }
    // One sorted list of folders and files, so a folder comes right before its contents.
    let mut entries: Vec<(String, Option<&ExportFile>)> = folders.into_iter().map(|f| (f, None)).collect();
    entries.extend(files.iter().map(|f| (format!("{top}/{}", f.path), Some(f))));
    entries.sort_by(|a, b| a.0.cmp(&b.0));

    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, file) in entries {
        match file {
            None => zip.add_directory(name, options(0o755, CompressionMethod::Stored)).map_err(zip_err)?,
            Some(file) => {
                let mode = if file.executable { 0o755 } else { 0o644 };
                zip.start_file(name, options(mode, method_for(&file.path))).map_err(zip_err)?;
                zip.write_all(&file.bytes).map_err(|e| AppError::Internal(format!("zip: {e}")))?;
            }
        }
    }
    let bytes = zip.finish().map_err(zip_err)?.into_inner();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(Archive { bytes, sha256 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &[u8], executable: bool) -> ExportFile {
        ExportFile { path: path.into(), bytes: bytes.to_vec(), executable }
    }

    #[test]
    fn sorted_entries_fixed_times_and_modes() {
        let files = vec![
            file("SKILL.md", b"---\nname: demo\n---\n", false),
            file("assets/logo.png", b"\x89PNG....", false),
            file("scripts/run.sh", b"#!/bin/sh\necho hi\n", true),
        ];
        let archive = pack("demo", &files).unwrap();
        assert_eq!(pack("demo", &files).unwrap().sha256, archive.sha256, "same files, same bytes");
        let mut zip = zip::ZipArchive::new(Cursor::new(archive.bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert_eq!(
            names,
            ["demo/", "demo/SKILL.md", "demo/assets/", "demo/assets/logo.png", "demo/scripts/", "demo/scripts/run.sh"]
        );
        for i in 0..zip.len() {
            let entry = zip.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let expected = if entry.is_dir() || name.ends_with(".sh") { 0o755 } else { 0o644 };
            assert_eq!(entry.unix_mode().unwrap() & 0o777, expected, "{name}");
            assert_eq!(entry.last_modified(), Some(DateTime::default()), "{name}");
            let method = if name.ends_with(".png") || entry.is_dir() {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            };
            assert_eq!(entry.compression(), method, "{name}");
        }
    }
}
