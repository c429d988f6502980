//! The import limits of skill-format §3.2, in one table, so the archive reader, the folder copy
//! and the GitHub downloader enforce the same numbers.

const MIB: u64 = 1024 * 1024;

/// An archive on disk larger than this is refused before it is opened (`SB301`).
pub const ARCHIVE_BYTES: u64 = 50 * MIB;
/// Entries of any kind (files, folders, links) in one archive (`SB303`).
pub const ENTRIES: usize = 2_000;
/// Files in one skill (`SB303`).
pub const FILES: usize = 1_000;
/// One file, uncompressed (`SB304`).
pub const FILE_BYTES: u64 = 10 * MIB;
/// SKILL.md itself (`SB204`).
pub const SKILL_MD_BYTES: u64 = MIB;
/// Everything unpacked (`SB305`).
pub const TOTAL_BYTES: u64 = 50 * MIB;
/// Entries that unpack to more than [`RATIO_MIN_BYTES`] may be at most this many times their
/// compressed size (`SB306`).
pub const RATIO: u64 = 100;
pub const RATIO_MIN_BYTES: u64 = MIB;
/// Folders above a file, bytes of a whole path and of one name (`SB310`).
pub const DEPTH: usize = 8;
pub const PATH_BYTES: usize = 240;
pub const NAME_BYTES: usize = 255;
