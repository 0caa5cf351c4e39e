//! Reading an input as lines: decompression (optionally on its own thread),
//! content fingerprinting (XXH3-128), and cutting the content into lines without
//! copying.
//!
//! Small inputs are read whole: a gzip file is inflated in one call by
//! libdeflate ([`super::inflate`]) and its lines are cut straight from the
//! buffer. Large inputs are streamed; with `pipeline`, one thread reads and
//! decompresses into large blocks and another splits and parses them, so a
//! single large file uses two cores. Blocks are recycled between the two,
//! so the steady state allocates nothing.
//!
//! The content's fingerprint is XXH3-128, not a cryptographic hash: it only
//! finds candidate twins (a `.gz` and its plain copy), which the merge then
//! confirms byte by byte (`scan::merge`), so it can be as cheap as reading
//! the bytes. A cryptographic hash of every decompressed byte cost a tenth
//! of a scan's time. The file as stored gets its SHA-256 for the manifest.

use std::io::{self, Read};
use std::sync::mpsc;

use memchr::memchr_iter;
use xxhash_rust::xxh3::Xxh3;

use super::decode::{Compression, Decoder, RawReader, ReadFailure};
use super::utf16::{Order, Utf16ToUtf8};

/// Size of the blocks the decompressor hands to the line splitter.
pub const BLOCK: usize = 1 << 20;

/// Longest line accepted; longer lines are counted and dropped unparsed.
pub const MAX_LINE: usize = 64 * 1024;

/// Receives the lines of an input.
pub trait LineHandler {
    /// Called once, before any line, with the start of the decompressed
    /// content (up to one block).
    fn begin(&mut self, head: &[u8]);
    /// A line, without its line ending; `number` counts from 1.
    /// `may_hold_nul` is false when the line is known to hold no NUL byte
    /// (checked once per block, not per line).
    fn line(&mut self, line: &[u8], number: u64, may_hold_nul: bool);
    /// A line longer than [`MAX_LINE`], dropped.
    fn too_long(&mut self, number: u64);
}

/// Lines seen by the splitter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineStats {
    pub lines: u64,
    /// The content was UTF-16 (with a byte order mark) and read as UTF-8.
    pub utf16: Option<&'static str>,
    /// Whether the content ended without a final newline.
    pub unterminated_last_line: bool,
}

/// Where reading stopped early, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
    /// Offset in the file as stored where decoding stopped.
    pub raw_offset: u64,
    /// Offset in the decompressed content up to which lines were read.
    pub content_offset: u64,
    /// The storage failed (an I/O error), rather than the data being damaged.
    pub storage: bool,
}

/// What reading an input found, beside its lines.
#[derive(Clone, Debug)]
pub struct ReadReport {
    pub compression: Result<Compression, &'static str>,
    /// SHA-256 of the file as stored, and its size.
    pub sha256: [u8; 32],
    pub raw_bytes: u64,
    /// XXH3-128 of the decompressed content, and its size.
    pub content_xxh3: u128,
    pub content_bytes: u64,
    pub lines: LineStats,
    pub notes: Vec<String>,
    pub error: Option<ReadError>,
}

/// Reads `source` to its end, handing its lines to `handler`.
pub fn read_lines<R: Read + Send>(
    source: RawReader<R>,
    pipeline: bool,
    handler: &mut dyn LineHandler,
) -> io::Result<ReadReport> {
    let (decoder, compression) = Decoder::new(source)?;
    if compression.is_err() {
        // A recognised but unsupported compression: hash it whole, read nothing.
        let (sha256, raw_bytes, failure) = decoder.into_raw().finish();
        return Ok(ReadReport {
            compression,
            sha256,
            raw_bytes,
            content_xxh3: 0,
            content_bytes: 0,
            lines: LineStats::default(),
            notes: Vec::new(),
            error: failure.map(|f| storage_error(&f, 0)),
        });
    }
    let mut splitter = Splitter::new();
    let produced = if pipeline {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::sync_channel::<Vec<u8>>(2);
            let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
            let producer = s.spawn(move || {
                produce(decoder, |block| {
                    tx.send(block).map_err(|_| ())?;
                    Ok(back_rx.try_recv().ok())
                })
            });
            for block in rx {
                splitter.feed(&block, handler);
                let _ = back_tx.send(block);
            }
            producer.join().expect("decompression thread panicked")
        })
    } else {
        produce(decoder, |block| {
            splitter.feed(&block, handler);
            Ok(Some(block))
        })
    };
    let Produced {
        decoder,
        content_xxh3,
        content_bytes,
        error,
    } = produced;
    splitter.end(handler);
    let mut notes = decoder.notes();
    notes.extend(encoding_note(&splitter.stats));
    // A storage error while decoding is what stopped the lines, whatever
    // the decoder made of it; one while hashing the rest (after a decoding
    // error) only shortens the hash.
    let failed_while_decoding = decoder.raw().failure().is_some();
    let (sha256, raw_bytes, failure) = decoder.into_raw().finish();
    let error = match (error, failure) {
        (e, Some(f)) if failed_while_decoding || e.is_none() => {
            let content = e.map_or(content_bytes, |e| e.content_offset);
            Some(storage_error(&f, content))
        }
        (e, Some(f)) => {
            notes.push(format!(
                "the file could not be read past byte {} ({}); its size and SHA-256 are of the bytes before",
                f.offset, f.message
            ));
            e
        }
        (e, None) => e,
    };
    Ok(ReadReport {
        compression,
        sha256,
        raw_bytes,
        content_xxh3,
        content_bytes,
        lines: splitter.stats,
        notes,
        error,
    })
}

/// Inputs read whole are inflated into at most this much memory; larger
/// content is streamed.
pub const WHOLE_CONTENT_LIMIT: usize = 64 << 20;

/// Reads an input already held in memory (`raw`, with its SHA-256).
pub fn read_whole(
    raw: Vec<u8>,
    sha256: [u8; 32],
    handler: &mut dyn LineHandler,
) -> io::Result<ReadReport> {
    thread_local! {
        // One inflate buffer per worker thread, reused from file to file.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| read_whole_with(raw, sha256, handler, buffer))
}

fn read_whole_with(
    raw: Vec<u8>,
    sha256: [u8; 32],
    handler: &mut dyn LineHandler,
    buffer: &mut Vec<u8>,
) -> io::Result<ReadReport> {
    let compression = super::decode::sniff(&raw);
    let inflated = match compression {
        Ok(Compression::Gzip) => {
            super::inflate::gunzip_whole(&raw, WHOLE_CONTENT_LIMIT, buffer).ok()
        }
        _ => None,
    };
    let (content, notes): (&[u8], Vec<String>) = match (&inflated, compression) {
        (Some(i), _) => (
            &buffer[..i.len],
            super::decode::gzip_notes(i.members, i.zero_padding),
        ),
        (None, Ok(Compression::Plain)) => (&raw, Vec::new()),
        _ => {
            // Other compressions, damaged gzip, or too large: stream it,
            // which also locates any damage.
            let raw_bytes = raw.len() as u64;
            let source = RawReader::new(io::Cursor::new(raw), crate::progress::Counter::none());
            let mut report = read_lines(source, false, handler)?;
            report.sha256 = sha256;
            report.raw_bytes = raw_bytes;
            return Ok(report);
        }
    };
    // Hash and parse block by block, so each block is read from memory once
    // and parsed while still in cache.
    let mut splitter = Splitter::new();
    let mut hasher = Xxh3::new();
    for block in content.chunks(BLOCK / 4) {
        hasher.update(block);
        splitter.feed(block, handler);
    }
    splitter.end(handler);
    let mut notes = notes;
    notes.extend(encoding_note(&splitter.stats));
    Ok(ReadReport {
        compression,
        sha256,
        raw_bytes: raw.len() as u64,
        content_xxh3: hasher.digest128(),
        content_bytes: content.len() as u64,
        lines: splitter.stats,
        notes,
        error: None,
    })
}

/// The manifest's note on a text that was not UTF-8.
fn encoding_note(stats: &LineStats) -> Option<String> {
    stats.utf16.map(|e| {
        format!(
            "{e} text (byte order mark), converted to UTF-8 to be read; hashes are of the file as stored"
        )
    })
}

struct Produced<R: Read> {
    decoder: Decoder<R>,
    content_xxh3: u128,
    content_bytes: u64,
    error: Option<ReadError>,
}

/// Decompresses into blocks and passes each to `emit`, which may hand back
/// a used block to fill next.
fn produce<R: Read>(
    mut decoder: Decoder<R>,
    mut emit: impl FnMut(Vec<u8>) -> Result<Option<Vec<u8>>, ()>,
) -> Produced<R> {
    let mut hasher = Xxh3::new();
    let mut content_bytes = 0u64;
    let mut error = None;
    let mut spare: Option<Vec<u8>> = None;
    'outer: loop {
        if crate::interrupt::requested() {
            // The run ends without reports; what this says is never shown.
            error = Some(ReadError {
                message: "interrupted".to_string(),
                raw_offset: decoder.raw_position(),
                content_offset: content_bytes,
                storage: false,
            });
            break;
        }
        let mut block = spare.take().unwrap_or_else(|| Vec::with_capacity(BLOCK));
        block.clear();
        block.resize(BLOCK, 0);
        let mut filled = 0;
        let mut eof = false;
        while filled < BLOCK {
            match decoder.read(&mut block[filled..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    error = Some(ReadError {
                        message: describe_decode_error(&e),
                        raw_offset: decoder.raw_position(),
                        content_offset: content_bytes + filled as u64,
                        storage: false,
                    });
                    eof = true;
                    break;
                }
            }
        }
        block.truncate(filled);
        hasher.update(&block);
        content_bytes += filled as u64;
        if !block.is_empty() {
            match emit(block) {
                Ok(back) => spare = back,
                Err(()) => break 'outer,
            }
        }
        if eof {
            break;
        }
    }
    Produced {
        decoder,
        content_xxh3: hasher.digest128(),
        content_bytes,
        error,
    }
}

/// The report's error for a storage failure (not damage in the data).
pub fn storage_error(f: &ReadFailure, content_offset: u64) -> ReadError {
    ReadError {
        message: format!(
            "read error: {}; lines before this point were read",
            f.message
        ),
        raw_offset: f.offset,
        content_offset,
        storage: true,
    }
}

fn describe_decode_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            "compressed data ends early (truncated file); lines before this point were read"
                .to_string()
        }
        _ => format!("cannot decompress: {e}; lines before this point were read"),
    }
}

/// Cuts blocks into lines, carrying a partial line from one block to the next.
struct Splitter {
    /// Set when the content starts with a UTF-16 byte order mark.
    utf16: Option<Utf16ToUtf8>,
    carry: Vec<u8>,
    /// The current line is longer than the limit and is being skipped.
    skipping: bool,
    started: bool,
    stats: LineStats,
}

impl Splitter {
    fn new() -> Splitter {
        Splitter {
            utf16: None,
            carry: Vec::new(),
            skipping: false,
            started: false,
            stats: LineStats::default(),
        }
    }

    fn feed(&mut self, block: &[u8], h: &mut dyn LineHandler) {
        if !self.started {
            if let Some(order) = Order::sniff(block) {
                self.stats.utf16 = Some(order.as_str());
                self.utf16 = Some(Utf16ToUtf8::new(order));
            }
        }
        match self.utf16.take() {
            None => self.feed_utf8(block, h),
            Some(mut t) => {
                self.feed_utf8(t.convert(block, false), h);
                self.utf16 = Some(t);
            }
        }
    }

    fn feed_utf8(&mut self, block: &[u8], h: &mut dyn LineHandler) {
        if !self.started {
            self.started = true;
            h.begin(block);
        }
        let nul = memchr::memchr(0, block).is_some();
        let mut start = 0;
        for nl in memchr_iter(b'\n', block) {
            if start == 0 && (self.skipping || !self.carry.is_empty()) {
                if self.skipping || self.carry.len() + nl > MAX_LINE {
                    self.stats.lines += 1;
                    h.too_long(self.stats.lines);
                } else {
                    self.carry.extend_from_slice(&block[..nl]);
                    self.stats.lines += 1;
                    let line = std::mem::take(&mut self.carry);
                    h.line(trim_cr(&line), self.stats.lines, true);
                    self.carry = line;
                }
                self.carry.clear();
                self.skipping = false;
            } else {
                self.stats.lines += 1;
                let line = &block[start..nl];
                if line.len() > MAX_LINE {
                    h.too_long(self.stats.lines);
                } else {
                    h.line(trim_cr(line), self.stats.lines, nul);
                }
            }
            start = nl + 1;
        }
        let tail = &block[start..];
        if self.skipping {
            return;
        }
        if self.carry.len() + tail.len() > MAX_LINE {
            self.skipping = true;
            self.carry.clear();
        } else {
            self.carry.extend_from_slice(tail);
        }
    }

    fn end(&mut self, h: &mut dyn LineHandler) {
        if let Some(mut t) = self.utf16.take() {
            self.feed_utf8(t.convert(&[], true), h);
        }
        if !self.started {
            self.started = true;
            h.begin(&[]);
        }
        if self.skipping {
            self.stats.lines += 1;
            self.stats.unterminated_last_line = true;
            h.too_long(self.stats.lines);
        } else if !self.carry.is_empty() {
            self.stats.lines += 1;
            self.stats.unterminated_last_line = true;
            let line = std::mem::take(&mut self.carry);
            h.line(trim_cr(&line), self.stats.lines, true);
        }
        self.skipping = false;
    }
}

fn trim_cr(l: &[u8]) -> &[u8] {
    l.strip_suffix(b"\r").unwrap_or(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Counter;
    use sha2::Digest;

    #[derive(Default)]
    struct Lines {
        head: Vec<u8>,
        lines: Vec<(u64, Vec<u8>)>,
        long: Vec<u64>,
    }

    impl LineHandler for Lines {
        fn begin(&mut self, head: &[u8]) {
            self.head = head[..head.len().min(8)].to_vec();
        }
        fn line(&mut self, line: &[u8], n: u64, _nul: bool) {
            self.lines.push((n, line.to_vec()));
        }
        fn too_long(&mut self, n: u64) {
            self.long.push(n);
        }
    }

    fn read(data: &[u8], pipeline: bool) -> (Lines, ReadReport) {
        let mut h = Lines::default();
        let raw = RawReader::new(io::Cursor::new(data.to_vec()), Counter::none());
        let r = read_lines(raw, pipeline, &mut h).unwrap();
        (h, r)
    }

    #[test]
    fn lines_across_blocks_both_modes() {
        let mut data = Vec::new();
        for i in 0..300_000u32 {
            data.extend_from_slice(format!("line number {i}\r\n").as_bytes());
        }
        data.extend_from_slice(b"last without newline");
        for pipeline in [false, true] {
            let (h, r) = read(&data, pipeline);
            assert_eq!(h.lines.len(), 300_001);
            assert_eq!(h.lines[123_456], (123_457, b"line number 123456".to_vec()));
            assert_eq!(h.lines[300_000].1, b"last without newline");
            assert!(r.lines.unterminated_last_line);
            assert_eq!(r.content_bytes, data.len() as u64);
            assert_eq!(r.raw_bytes, data.len() as u64);
            assert_eq!(r.content_xxh3, xxhash_rust::xxh3::xxh3_128(&data));
            assert_eq!(h.head, b"line num");
        }
    }

    #[test]
    fn overlong_lines_are_counted_not_parsed() {
        let mut data = b"short\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3 * BLOCK));
        data.extend_from_slice(b"\nafter\n");
        data.extend(std::iter::repeat_n(b'y', MAX_LINE + 1));
        for pipeline in [false, true] {
            let (h, r) = read(&data, pipeline);
            let texts: Vec<&[u8]> = h.lines.iter().map(|(_, l)| &l[..]).collect();
            assert_eq!(texts, [&b"short"[..], b"after"]);
            assert_eq!(h.long, [2, 4]);
            assert_eq!(r.lines.lines, 4);
        }
    }

    /// Gives `data`, then fails as a disk with a bad sector would.
    struct FailsAfter {
        data: io::Cursor<Vec<u8>>,
    }

    impl Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.data.read(buf)? {
                0 => Err(io::Error::from_raw_os_error(libc::EIO)),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn storage_error_keeps_the_lines_before_it() {
        let mut data = Vec::new();
        for i in 0..100_000u32 {
            data.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        data.extend_from_slice(b"cut li");
        for pipeline in [false, true] {
            let mut h = Lines::default();
            let raw = RawReader::new(
                FailsAfter {
                    data: io::Cursor::new(data.clone()),
                },
                Counter::none(),
            );
            let r = read_lines(raw, pipeline, &mut h).unwrap();
            // Every complete line, and the piece of the last one.
            assert_eq!(h.lines.len(), 100_001);
            assert_eq!(h.lines[100_000].1, b"cut li");
            let e = r.error.unwrap();
            assert!(e.storage);
            assert!(e.message.starts_with("read error: "), "{}", e.message);
            assert_eq!(e.raw_offset, data.len() as u64);
            assert_eq!(e.content_offset, data.len() as u64);
            assert_eq!(r.raw_bytes, data.len() as u64);
            assert_eq!(r.sha256, <[u8; 32]>::from(sha2::Sha256::digest(&data)));
        }
    }

    #[test]
    fn empty_input() {
        let (h, r) = read(b"", true);
        assert!(h.lines.is_empty());
        assert_eq!(r.lines.lines, 0);
        assert_eq!(r.raw_bytes, 0);
    }
}
