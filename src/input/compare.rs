//! Comparing the decompressed content of two inputs byte by byte.
//!
//! The scan fingerprints each input's content with a fast, non-cryptographic
//! hash. Two inputs with the same fingerprint are only candidate twins: this
//! confirms it before one of them is left out of the counts, so no input is
//! ever dropped on the word of a hash that log contents could be built to
//! collide with. It reads both inputs again; it never writes.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::decode::{Decoder, RawReader};
use crate::progress::Counter;

/// Bytes compared at a time.
const CHUNK: usize = 256 * 1024;

/// Whether the files at `a` and `b` decompress to the same bytes. An error
/// (a file that cannot be opened, damaged data) means they could not be
/// compared.
pub fn same_content(a: &Path, b: &Path) -> io::Result<bool> {
    let open = |p: &Path| -> io::Result<Decoder<File>> {
        let raw = RawReader::new(File::open(p)?, Counter::none());
        Ok(Decoder::new(raw)?.0)
    };
    same_stream(open(a)?, open(b)?)
}

/// Whether two readers give the same bytes to their end.
pub fn same_stream(mut a: impl Read, mut b: impl Read) -> io::Result<bool> {
    let (mut x, mut y) = (vec![0u8; CHUNK], vec![0u8; CHUNK]);
    loop {
        let n = fill(&mut a, &mut x)?;
        let m = fill(&mut b, &mut y)?;
        if x[..n] != y[..m] {
            return Ok(false);
        }
        if n < CHUNK {
            return Ok(true);
        }
    }
}

/// Reads until `buf` is full or the reader ends; gives the bytes read.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A reader that hands out at most `step` bytes per call.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn streams_are_compared_whatever_their_read_sizes() {
        let data: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
        let t = |step| Trickle { data: &data, step };
        assert!(same_stream(t(1000), t(CHUNK + 3)).unwrap());
        let mut other = data.clone();
        *other.last_mut().unwrap() ^= 1;
        assert!(!same_stream(t(7), &other[..]).unwrap());
        assert!(
            !same_stream(t(7), &data[..data.len() - 1]).unwrap(),
            "a prefix is not the same"
        );
        assert!(
            !same_stream(&data[..CHUNK], &data[..]).unwrap(),
            "nor is a prefix of whole chunks"
        );
        assert!(same_stream(&b""[..], &b""[..]).unwrap());
    }

    #[test]
    fn a_gzip_file_and_its_plain_twin_are_the_same_content() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"Jul  7 10:12:01 mx postfix/qmgr[1]: ABC: removed\n".repeat(9000);
        let plain = dir.path().join("mail.log.1");
        std::fs::write(&plain, &text).unwrap();
        let gz = dir.path().join("mail.log.1.gz");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&text).unwrap();
        std::fs::write(&gz, e.finish().unwrap()).unwrap();
        assert!(same_content(&plain, &gz).unwrap());
        let other = dir.path().join("other");
        std::fs::write(&other, &text[1..]).unwrap();
        assert!(!same_content(&gz, &other).unwrap());
        assert!(same_content(&gz, &dir.path().join("missing")).is_err());
    }
}
