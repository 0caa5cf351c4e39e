//! The decompression layer against its promise: content compressed by each
//! format and then cut at a point the fuzzer picks is read as a prefix of
//! the original, never more, and exactly the original when whole; with a
//! flipped byte instead, nothing panics; streamed and whole-file reads
//! always agree.
#![no_main]


use libfuzzer_sys::fuzz_target;
use misdirect::fuzzing::compress;
use misdirect::input::decode::RawReader;
use misdirect::input::lines::{read_lines, read_whole, LineHandler};
use misdirect::progress::Counter;

/// The content as the line splitter saw it (lines joined with `\n`).
#[derive(Default)]
struct Collect(Vec<u8>, u64);

impl LineHandler for Collect {
    fn begin(&mut self, _head: &[u8]) {}
    fn line(&mut self, line: &[u8], _n: u64, _nul: bool) {
        self.0.extend_from_slice(line);
        self.0.push(b'\n');
    }
    fn too_long(&mut self, _n: u64) {
        self.1 += 1;
    }
}

fuzz_target!(|input: (u8, u16, u8, Vec<u8>)| {
    let (kind, cut, flip, data) = input;
    // Lines end in \n and hold no \r or NUL, so the splitter's output can be
    // compared with the original byte for byte.
    let mut data: Vec<u8> = data.into_iter().filter(|&b| b != b'\r').collect();
    if !data.ends_with(b"\n") {
        data.push(b'\n');
    }
    // A UTF-16 byte order mark makes the content UTF-16, converted on reading.
    if data.starts_with(&[0xfe, 0xff]) || data.starts_with(&[0xff, 0xfe]) {
        data.insert(0, b'x');
    }
    let mut bytes = compress(kind, &data);
    let damaged = cut as usize % (bytes.len() + 1) < bytes.len() || flip != 0;
    if flip != 0 {
        let at = cut as usize % bytes.len();
        bytes[at] ^= flip;
    } else {
        bytes.truncate(cut as usize % (bytes.len() + 1));
    }
    let mut streamed = Collect::default();
    let raw = RawReader::new(std::io::Cursor::new(bytes.clone()), Counter::none());
    let report = read_lines(raw, false, &mut streamed).unwrap();
    let mut whole = Collect::default();
    let _ = read_whole(bytes.clone(), [0; 32], &mut whole).unwrap();
    if !damaged {
        assert!(report.error.is_none());
        assert_eq!(streamed.0, data);
        assert_eq!(whole.0, data);
        return;
    }
    // A cut inside the magic number leaves bytes that are plain text, or a
    // flipped magic byte another format: nothing to compare with.
    if bytes.len() < 6 || (flip != 0 && (cut as usize % bytes.len()) < 6) {
        return;
    }
    // A flipped bit can give garbled bytes in any of the four before a
    // check fails (bzip2 and xz check a block's CRC after giving it; zstd
    // has no checksum by default): then the two paths must still agree.
    let garbled = flip != 0;
    assert_eq!(streamed.0, whole.0, "streamed and whole-file reads differ");
    if report.error.is_some() && !garbled && streamed.1 == 0 {
        // A cut or a detected corruption: what was read is a prefix (its
        // last line may be cut and so end with the \n we added).
        let got = &streamed.0[..streamed.0.len().saturating_sub(1)];
        assert!(data.starts_with(got), "not a prefix of the original");
    }
    assert!(report.content_bytes <= data.len() as u64 || garbled);
});
