//! Writing many new objects as one packfile (with its `.idx`) rather than one loose file each.
//!
//! A loose object costs a file creation and a rename; on a slow disk that is hundreds of
//! microseconds, so the first commit of a 10,000-skill library (over 100,000 objects) took tens
//! of seconds. Here objects are hashed in memory and written as a version-2 pack without deltas,
//! whose zlib streams use stored blocks (writing is a copy), plus a version-2 index. `git gc`
//! compresses the pack later, like any other. SHA-1 (object ids, checksums), Adler-32 (zlib) and
//! CRC-32 (index) are implemented here because no dependency offers them.

use std::io::Write;
use std::path::Path;

use git2::{ObjectType, Oid};

use crate::protocol::AppError;

/// Largest stored deflate block.
const STORED_BLOCK: usize = 65_535;

/// One object to pack.
pub struct PackObject {
    pub kind: ObjectType,
    pub oid: Oid,
    pub data: Vec<u8>,
}

/// The id git gives an object: SHA-1 of `"<kind> <len>\0"` and the content.
pub fn object_id(kind: ObjectType, data: &[u8]) -> Result<Oid, AppError> {
    let mut sha = Sha1::new();
    sha.update(format!("{} {}\0", kind.str(), data.len()).as_bytes());
    sha.update(data);
    Ok(Oid::from_bytes(&sha.finish())?)
}

/// Writes `objects` (unique ids) as `pack-<checksum>.pack` and `.idx` under `pack_dir`. The
/// `.pack` is renamed into place before the `.idx`, so readers never see an index without its pack.
pub fn write_pack_files(pack_dir: &Path, objects: &[PackObject]) -> Result<(), AppError> {
    let io = |e: std::io::Error| AppError::io(pack_dir, e);
    std::fs::create_dir_all(pack_dir).map_err(io)?;
    let count = u32::try_from(objects.len()).map_err(|_| AppError::Internal("too many objects for one pack".into()))?;
    let mut pack_file = tempfile::Builder::new().prefix("tmp_pack_").tempfile_in(pack_dir).map_err(io)?;
    let mut out =
        HashingWriter { inner: std::io::BufWriter::new(pack_file.as_file_mut()), sha: Sha1::new(), written: 0 };
    out.put(b"PACK")?;
    out.put(&2u32.to_be_bytes())?;
    out.put(&count.to_be_bytes())?;
    let mut index: Vec<(Oid, u32, u64)> = Vec::with_capacity(objects.len());
    for object in objects {
        let offset = out.written;
        let mut crc = Crc32::new();
        let mut put = |bytes: &[u8], out: &mut HashingWriter<'_, std::fs::File>| -> Result<(), AppError> {
            crc.update(bytes);
            out.put(bytes)
        };
        let kind = match object.kind {
            ObjectType::Commit => 1u8,
            ObjectType::Tree => 2,
            ObjectType::Blob => 3,
            ObjectType::Tag => 4,
            _ => return Err(AppError::Internal(format!("cannot pack object {}", object.oid))),
        };
        put(&entry_header(kind, object.data.len()), &mut out)?;
        put(&[0x78, 0x01], &mut out)?;
        let mut chunks = object.data.chunks(STORED_BLOCK).peekable();
        if chunks.peek().is_none() {
            put(&[1, 0, 0, 0xff, 0xff], &mut out)?;
        }
        while let Some(chunk) = chunks.next() {
            let len = chunk.len() as u16;
            put(&[u8::from(chunks.peek().is_none())], &mut out)?;
            put(&len.to_le_bytes(), &mut out)?;
            put(&(!len).to_le_bytes(), &mut out)?;
            put(chunk, &mut out)?;
        }
        put(&adler32(&object.data).to_be_bytes(), &mut out)?;
        index.push((object.oid, crc.finish(), offset));
    }
    let checksum = std::mem::take(&mut out.sha).finish();
    out.inner.write_all(&checksum).map_err(io)?;
    out.inner.flush().map_err(io)?;
    drop(out);
    pack_file.as_file().sync_all().map_err(io)?;
    let idx = index_bytes(&mut index, &checksum);
    let name: String = checksum.iter().map(|b| format!("{b:02x}")).collect();
    let mut idx_file = tempfile::Builder::new().prefix("tmp_idx_").tempfile_in(pack_dir).map_err(io)?;
    idx_file.write_all(&idx).map_err(io)?;
    idx_file.as_file().sync_all().map_err(io)?;
    pack_file.persist(pack_dir.join(format!("pack-{name}.pack"))).map_err(|e| io(e.error))?;
    idx_file.persist(pack_dir.join(format!("pack-{name}.idx"))).map_err(|e| io(e.error))?;
    Ok(())
}

/// A version-2 pack index: fan-out, sorted ids, CRC-32s, offsets, checksums.
fn index_bytes(index: &mut [(Oid, u32, u64)], pack_checksum: &[u8; 20]) -> Vec<u8> {
    index.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = Vec::with_capacity(1032 + index.len() * 28 + 40);
    out.extend_from_slice(&[0xff, b't', b'O', b'c']);
    out.extend_from_slice(&2u32.to_be_bytes());
    let mut fanout = [0u32; 256];
    for (oid, _, _) in index.iter() {
        fanout[usize::from(oid.as_bytes()[0])] += 1;
    }
    let mut total = 0u32;
    for slot in fanout {
        total += slot;
        out.extend_from_slice(&total.to_be_bytes());
    }
    for (oid, _, _) in index.iter() {
        out.extend_from_slice(oid.as_bytes());
    }
    for (_, crc, _) in index.iter() {
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut large = Vec::new();
    for (_, _, offset) in index.iter() {
        match u32::try_from(*offset) {
            Ok(small) if small < 0x8000_0000 => out.extend_from_slice(&small.to_be_bytes()),
            _ => {
                out.extend_from_slice(&(0x8000_0000u32 | large.len() as u32).to_be_bytes());
                large.push(*offset);
            }
        }
    }
    for offset in large {
        out.extend_from_slice(&offset.to_be_bytes());
    }
    out.extend_from_slice(pack_checksum);
    let mut sha = Sha1::new();
    sha.update(&out);
    out.extend_from_slice(&sha.finish());
    out
}

/// Type and size of a pack entry: 3 type bits, then the size in 4 + 7·n bits.
fn entry_header(kind: u8, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    let mut byte = (kind << 4) | (size & 0x0f) as u8;
    let mut rest = size >> 4;
    while rest > 0 {
        out.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    out.push(byte);
    out
}

struct HashingWriter<'w, W: Write> {
    inner: std::io::BufWriter<&'w mut W>,
    sha: Sha1,
    written: u64,
}

impl<W: Write> HashingWriter<'_, W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), AppError> {
        self.sha.update(bytes);
        self.written += bytes.len() as u64;
        self.inner.write_all(bytes).map_err(|e| AppError::Git { reason: "operation_failed", message: e.to_string() })
    }
}

/// CRC-32 (IEEE), as pack indexes store it per object.
struct Crc32(u32);

impl Crc32 {
    fn new() -> Self {
        Crc32(!0)
    }

    fn update(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = CRC_TABLE[((self.0 ^ u32::from(*byte)) & 0xff) as usize] ^ (self.0 >> 8);
        }
    }

    fn finish(&self) -> u32 {
        !self.0
    }
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before the 32-bit sums could overflow.
    for chunk in data.chunks(5552) {
        for byte in chunk {
            a += u32::from(*byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// SHA-1, streaming.
#[derive(Clone)]
pub struct Sha1 {
    state: [u32; 5],
    block: [u8; 64],
    filled: usize,
    length: u64,
}

impl Default for Sha1 {
    fn default() -> Self {
        Sha1::new()
    }
}

impl Sha1 {
    pub fn new() -> Self {
        Sha1 {
            state: [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0],
            block: [0; 64],
            filled: 0,
            length: 0,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            let take = (64 - self.filled).min(data.len());
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == 64 {
                let block = self.block;
                self.compress(&block);
                self.filled = 0;
            }
        }
    }

    pub fn finish(mut self) -> [u8; 20] {
        let bits = self.length.wrapping_mul(8);
        self.update(&[0x80]);
        while self.filled != 56 {
            self.update(&[0]);
        }
        self.update(&bits.to_be_bytes());
        let mut out = [0u8; 20];
        for (slot, word) in out.chunks_mut(4).zip(self.state) {
            slot.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn compress(&mut self, block: &[u8; 64]) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = self.state;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (slot, value) in self.state.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha1_matches_the_standard_vectors() {
        let digest = |input: &[u8]| {
            let mut sha = Sha1::new();
            sha.update(input);
            hex(&sha.finish())
        };
        assert_eq!(digest(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(digest(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            digest(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(digest(&vec![b'a'; 1_000_000]), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }

    #[test]
    fn adler32_and_entry_headers() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(&vec![0xff; 100_000]), {
            let (mut a, mut b) = (1u64, 0u64);
            for _ in 0..100_000 {
                a = (a + 255) % 65_521;
                b = (b + a) % 65_521;
            }
            ((b << 16) | a) as u32
        });
        assert_eq!(entry_header(3, 10), [0x3a]);
        assert_eq!(entry_header(3, 100), [0xb4, 0x06]);
    }

    #[test]
    fn crc32_matches_the_standard_vector() {
        let mut crc = Crc32::new();
        crc.update(b"123456789");
        assert_eq!(crc.finish(), 0xCBF4_3926);
    }

    #[test]
    fn written_packs_are_read_back_by_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let big = vec![b'x'; 200_000];
        let objects: Vec<PackObject> = [b"hello".to_vec(), Vec::new(), big.clone()]
            .into_iter()
            .map(|data| PackObject { kind: ObjectType::Blob, oid: object_id(ObjectType::Blob, &data).unwrap(), data })
            .collect();
        assert_eq!(objects[0].oid, Oid::hash_object(ObjectType::Blob, b"hello").unwrap());
        write_pack_files(&dir.path().join(".git/objects/pack"), &objects).unwrap();
        assert_eq!(repo.find_blob(objects[0].oid).unwrap().content(), b"hello");
        assert_eq!(repo.find_blob(objects[1].oid).unwrap().content(), b"");
        assert_eq!(repo.find_blob(objects[2].oid).unwrap().content(), &big[..]);
        let names: Vec<String> = std::fs::read_dir(dir.path().join(".git/objects/pack"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "one .pack and its .idx: {names:?}");
        // When the git command-line tool is present, it checks every CRC, offset and checksum.
        let idx = names.iter().find(|n| n.ends_with(".idx")).unwrap();
        if let Ok(out) = std::process::Command::new("git")
            .args(["verify-pack", "-v"])
            .arg(dir.path().join(".git/objects/pack").join(idx))
            .output()
        {
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}
