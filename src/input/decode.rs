//! Decompression: the compression of an input is detected from its first
//! bytes, never from its name, and the raw bytes are hashed (SHA-256) and
//! counted as they are read, so the manifest's hash costs no second pass.
//!
//! gzip is read member by member: concatenated members are one stream, and
//! zero padding after the last member (left by some copy tools and by
//! pre-allocating file systems) is accepted and noted. Other trailing bytes
//! are an error that names the offset.

use std::io::{self, BufRead, BufReader, Read};

use sha2::{Digest, Sha256};

use super::salvage::{self, Salvage};
use crate::progress::Counter;

/// The compressions misdirect reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Plain,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Compression {
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Plain => "plain",
            Compression::Gzip => "gzip",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
        }
    }
}

/// Detects the compression from the first bytes of a file. Formats that are
/// recognised but not read are an error naming them.
pub fn sniff(head: &[u8]) -> Result<Compression, &'static str> {
    Ok(match head {
        [0x1f, 0x8b, ..] => Compression::Gzip,
        [b'B', b'Z', b'h', ..] => Compression::Bzip2,
        [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Compression::Xz,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
        [0x1f, 0x9d, ..] => return Err("compress (.Z)"),
        [0x04, 0x22, 0x4d, 0x18, ..] => return Err("lz4"),
        [b'P', b'K', 0x03, 0x04, ..] => return Err("zip"),
        [b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c, ..] => return Err("7-zip"),
        [0x89, b'L', b'Z', b'O', ..] => return Err("lzop"),
        _ => Compression::Plain,
    })
}

/// Raw bytes of an input, hashed and counted as they are read.
pub struct RawReader<R> {
    inner: R,
    sha: Sha256,
    read: u64,
    progress: Counter,
    /// Bytes peeked at (already hashed and counted) and not yet handed out.
    pending: Vec<u8>,
    pending_pos: usize,
    /// The first error of the underlying reader: nothing is read after it,
    /// so the hash and size cover exactly the bytes that could be read.
    failure: Option<ReadFailure>,
}

/// An error of the storage itself (not of the compressed data), and the
/// offset of the file where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadFailure {
    pub offset: u64,
    pub message: String,
}

impl<R: Read> RawReader<R> {
    pub fn new(inner: R, progress: Counter) -> RawReader<R> {
        RawReader {
            inner,
            sha: Sha256::new(),
            read: 0,
            progress,
            pending: Vec::new(),
            pending_pos: 0,
            failure: None,
        }
    }

    /// The underlying reader, positioned after the bytes read so far.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The error that stopped reading the file as stored, if any.
    pub fn failure(&self) -> Option<&ReadFailure> {
        self.failure.as_ref()
    }

    /// Reads from the underlying reader, remembering its first error; after
    /// an error it reports the same error again and reads nothing more.
    fn read_inner(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(f) = &self.failure {
            return Err(io::Error::other(f.message.clone()));
        }
        loop {
            match self.inner.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failure = Some(ReadFailure {
                        offset: self.read,
                        message: crate::input::discover::describe_io(&e),
                    });
                    return Err(e);
                }
            }
        }
    }

    /// Bytes handed out so far.
    pub fn position(&self) -> u64 {
        self.read - (self.pending.len() - self.pending_pos) as u64
    }

    /// The first `n` bytes (fewer if the input is shorter), without
    /// consuming them: a pipe may deliver a magic number in pieces.
    fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        let mut chunk = [0u8; 64];
        while self.pending.len() < n {
            let want = n - self.pending.len();
            let got = match self.read_inner(&mut chunk[..want]) {
                Ok(0) => break,
                Ok(got) => got,
                Err(e) => return Err(e),
            };
            self.note_read(&chunk[..got]);
            self.pending.extend_from_slice(&chunk[..got]);
        }
        Ok(&self.pending)
    }

    fn note_read(&mut self, b: &[u8]) {
        self.sha.update(b);
        self.read += b.len() as u64;
        self.progress.add(b.len() as u64);
    }

    /// Reads what is left (after a decoding error), so that the hash and the
    /// size cover the whole file; returns the SHA-256 and size of the bytes
    /// read, and the storage error that stopped reading early, if any.
    pub fn finish(mut self) -> ([u8; 32], u64, Option<ReadFailure>) {
        let mut buf = vec![0u8; 1 << 16];
        // Stops at the end or at the first error, which `read_inner` keeps.
        while matches!(self.read(&mut buf), Ok(n) if n > 0) {}
        (self.sha.finalize().into(), self.read, self.failure)
    }
}

impl<R: Read> Read for RawReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending_pos < self.pending.len() {
            let n = buf.len().min(self.pending.len() - self.pending_pos);
            buf[..n].copy_from_slice(&self.pending[self.pending_pos..self.pending_pos + n]);
            self.pending_pos += n;
            return Ok(n);
        }
        let n = self.read_inner(buf)?;
        self.note_read(&buf[..n]);
        Ok(n)
    }
}

type Raw<R> = BufReader<RawReader<R>>;

/// A decompressing reader over a hashed raw reader.
pub enum Decoder<R: Read> {
    Plain(Raw<R>),
    // Boxed: the inflate state is large and the other variants are not.
    Gzip(Box<GzMembers<Raw<R>>>),
    Bzip2(Salvage<Raw<R>, salvage::Bzip2>),
    Xz(Salvage<Raw<R>, salvage::Xz>),
    Zstd(Salvage<Raw<R>, super::zstd_blocks::Zstd>),
}

/// Buffer size of the raw reader.
const RAW_BUFFER: usize = 256 * 1024;

impl<R: Read> Decoder<R> {
    /// Wraps `raw`, detecting its compression from its first bytes.
    pub fn new(
        mut raw: RawReader<R>,
    ) -> io::Result<(Decoder<R>, Result<Compression, &'static str>)> {
        let sniffed = sniff(raw.peek(6)?);
        let buf = BufReader::with_capacity(RAW_BUFFER, raw);
        let dec = match sniffed {
            Ok(Compression::Gzip) => Decoder::Gzip(Box::new(GzMembers::new(buf))),
            Ok(Compression::Bzip2) => Decoder::Bzip2(Salvage::new(buf, salvage::Bzip2::new())),
            Ok(Compression::Xz) => Decoder::Xz(Salvage::new(buf, salvage::Xz::new()?)),
            Ok(Compression::Zstd) => {
                Decoder::Zstd(Salvage::new(buf, super::zstd_blocks::Zstd::new()?))
            }
            Ok(Compression::Plain) | Err(_) => Decoder::Plain(buf),
        };
        Ok((dec, sniffed))
    }

    /// The raw reader, positioned wherever decoding stopped.
    pub fn into_raw(self) -> RawReader<R> {
        match self {
            Decoder::Plain(b) => b.into_inner(),
            Decoder::Gzip(g) => g.into_inner().into_inner(),
            Decoder::Bzip2(d) => d.inner.into_inner(),
            Decoder::Xz(d) => d.inner.into_inner(),
            Decoder::Zstd(d) => d.inner.into_inner(),
        }
    }

    /// The raw reader under the decoder.
    pub fn raw(&self) -> &RawReader<R> {
        self.raw_and_buffered().0
    }

    /// Raw bytes consumed by the decoder so far (read minus buffered).
    pub fn raw_position(&self) -> u64 {
        let (raw, buffered) = self.raw_and_buffered();
        raw.position() - buffered as u64
    }

    fn raw_and_buffered(&self) -> (&RawReader<R>, usize) {
        match self {
            Decoder::Plain(b) => (b.get_ref(), b.buffer().len()),
            Decoder::Gzip(g) => {
                let b = g.get_ref();
                (b.get_ref(), b.buffer().len())
            }
            Decoder::Bzip2(d) => (d.inner.get_ref(), d.inner.buffer().len()),
            Decoder::Xz(d) => (d.inner.get_ref(), d.inner.buffer().len()),
            Decoder::Zstd(d) => (d.inner.get_ref(), d.inner.buffer().len()),
        }
    }

    /// Notes about the stream (e.g. gzip members, zero padding).
    pub fn notes(&self) -> Vec<String> {
        match self {
            Decoder::Gzip(g) => g.notes(),
            _ => Vec::new(),
        }
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(buf),
            Decoder::Gzip(r) => r.read(buf),
            Decoder::Bzip2(r) => r.read(buf),
            Decoder::Xz(r) => r.read(buf),
            Decoder::Zstd(r) => r.read(buf),
        }
    }
}

/// Reads concatenated gzip members as one stream.
pub struct GzMembers<B: BufRead> {
    current: Option<flate2::bufread::GzDecoder<B>>,
    /// Kept while between members or after the end.
    idle: Option<B>,
    members: u64,
    zero_padding: u64,
}

impl<B: BufRead> GzMembers<B> {
    pub fn new(inner: B) -> GzMembers<B> {
        GzMembers {
            current: Some(flate2::bufread::GzDecoder::new(inner)),
            idle: None,
            members: 1,
            zero_padding: 0,
        }
    }

    fn get_ref(&self) -> &B {
        match (&self.current, &self.idle) {
            (Some(d), _) => d.get_ref(),
            (None, Some(b)) => b,
            (None, None) => unreachable!("GzMembers always holds its reader"),
        }
    }

    fn into_inner(self) -> B {
        match (self.current, self.idle) {
            (Some(d), _) => d.into_inner(),
            (None, Some(b)) => b,
            (None, None) => unreachable!("GzMembers always holds its reader"),
        }
    }

    fn notes(&self) -> Vec<String> {
        gzip_notes(self.members, self.zero_padding)
    }
}

impl<B: BufRead> Read for GzMembers<B> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(dec) = self.current.as_mut() else {
                return Ok(0);
            };
            let n = dec.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member ended. Another may follow, or zero padding.
            let mut inner = self.current.take().expect("checked above").into_inner();
            let head = inner.fill_buf()?;
            if head.is_empty() {
                self.idle = Some(inner);
                return Ok(0);
            }
            if head.starts_with(&[0x1f, 0x8b]) {
                self.members += 1;
                self.current = Some(flate2::bufread::GzDecoder::new(inner));
                continue;
            }
            loop {
                let head = inner.fill_buf()?;
                if head.is_empty() {
                    self.idle = Some(inner);
                    return Ok(0);
                }
                let zeros = head.iter().take_while(|&&b| b == 0).count();
                let whole = zeros == head.len();
                inner.consume(zeros);
                self.zero_padding += zeros as u64;
                if !whole {
                    self.idle = Some(inner);
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "trailing data after the last gzip member is neither gzip nor zero padding",
                    ));
                }
            }
        }
    }
}

/// The manifest notes of a gzip input: several members, zero padding after
/// the last one. Shared by the streaming decoder and the whole-file path.
pub fn gzip_notes(members: u64, zero_padding: u64) -> Vec<String> {
    let mut n = Vec::new();
    if members > 1 {
        n.push(format!("{members} gzip members"));
    }
    if zero_padding > 0 {
        n.push(format!(
            "{zero_padding} bytes of zero padding after the last gzip member"
        ));
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn decode_all(bytes: Vec<u8>) -> (io::Result<Vec<u8>>, Vec<String>, u64) {
        let raw = RawReader::new(io::Cursor::new(bytes), Counter::none());
        let (mut d, _) = Decoder::new(raw).unwrap();
        let mut out = Vec::new();
        let r = d.read_to_end(&mut out).map(|_| out);
        let notes = d.notes();
        let pos = d.raw_position();
        (r, notes, pos)
    }

    #[test]
    fn sniffs_magic_not_names() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Ok(Compression::Gzip));
        assert_eq!(sniff(b"BZh91AY"), Ok(Compression::Bzip2));
        assert_eq!(
            sniff(&[0xfd, b'7', b'z', b'X', b'Z', 0]),
            Ok(Compression::Xz)
        );
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd]), Ok(Compression::Zstd));
        assert_eq!(sniff(b"Jul  7 10:12:01"), Ok(Compression::Plain));
        assert_eq!(sniff(b""), Ok(Compression::Plain));
        assert_eq!(sniff(&[0x1f, 0x9d, 0x90]), Err("compress (.Z)"));
    }

    #[test]
    fn multi_member_gzip_and_zero_padding() {
        let mut bytes = gz(b"first\n");
        bytes.extend(gz(b"second\n"));
        bytes.extend([0u8; 4096]);
        let total = bytes.len() as u64;
        let (r, notes, pos) = decode_all(bytes);
        assert_eq!(r.unwrap(), b"first\nsecond\n");
        assert_eq!(
            notes,
            [
                "2 gzip members",
                "4096 bytes of zero padding after the last gzip member"
            ]
        );
        assert_eq!(pos, total);
    }

    #[test]
    fn trailing_garbage_is_an_error_with_data_kept() {
        let mut bytes = gz(b"line\n");
        let member = bytes.len() as u64;
        bytes.extend(b"\0\0garbage");
        let raw = RawReader::new(io::Cursor::new(bytes), Counter::none());
        let (mut d, _) = Decoder::new(raw).unwrap();
        let mut out = [0u8; 64];
        let n = d.read(&mut out).unwrap();
        assert_eq!(&out[..n], b"line\n");
        assert!(d.read(&mut out).is_err());
        assert_eq!(d.raw_position(), member + 2);
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let data: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let mut bytes = gz(&data);
        bytes.truncate(bytes.len() / 2);
        let (r, _, _) = decode_all(bytes);
        assert!(r.is_err());
    }

    #[test]
    fn every_compression_round_trips() {
        let data = b"Jul  7 10:12:01 mx1 postfix/qmgr[1]: ABCDE: removed\n".repeat(100);
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        bz.write_all(&data).unwrap();
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
        xz.write_all(&data).unwrap();
        let zs = zstd::encode_all(&data[..], 3).unwrap();
        for (bytes, c) in [
            (data.clone(), Compression::Plain),
            (gz(&data), Compression::Gzip),
            (bz.finish().unwrap(), Compression::Bzip2),
            (xz.finish().unwrap(), Compression::Xz),
            (zs, Compression::Zstd),
        ] {
            let raw = RawReader::new(io::Cursor::new(bytes), Counter::none());
            let (mut d, sniffed) = Decoder::new(raw).unwrap();
            assert_eq!(sniffed, Ok(c));
            let mut out = Vec::new();
            d.read_to_end(&mut out).unwrap();
            assert_eq!(out, data, "{c:?}");
        }
    }
}
