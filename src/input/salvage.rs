//! Streaming bzip2 and xz decoders that lose nothing before damage.
//!
//! The crates' readers return an error from the call that meets damage and
//! drop the bytes that same call had already decoded: up to a whole read
//! buffer (a megabyte) of lines before a corrupt block. Found by the
//! damage tests (`tests/damaged.rs`). Here each decompressor is driven
//! step by step; bytes decoded before an error are handed out first and
//! the error is reported by the next read.
//!
//! zstd's streaming call cannot be driven so (it says nothing of a call
//! that fails); its step, block by block, is in `zstd_blocks`.

use std::io::{self, BufRead, Read};

/// One step of a decompressor.
pub trait Step {
    /// Decodes from `input` (empty at the end of the file) into `out`.
    /// Returns the bytes consumed, the bytes produced, and whether the
    /// compressed data ended properly (or the error that stopped it).
    fn step(&mut self, input: &[u8], out: &mut [u8]) -> (usize, usize, io::Result<bool>);
}

/// A reader over a decompressor that keeps every decoded byte.
pub struct Salvage<B: BufRead, S: Step> {
    pub(crate) inner: B,
    step: S,
    pending: Option<io::Error>,
    ended: bool,
}

impl<B: BufRead, S: Step> Salvage<B, S> {
    pub fn new(inner: B, step: S) -> Salvage<B, S> {
        Salvage {
            inner,
            step,
            pending: None,
            ended: false,
        }
    }
}

impl<B: BufRead, S: Step> Read for Salvage<B, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        if self.ended || buf.is_empty() {
            return Ok(0);
        }
        loop {
            let input = self.inner.fill_buf()?;
            let eof = input.is_empty();
            let (consumed, read, result) = self.step.step(input, buf);
            self.inner.consume(consumed);
            match result {
                Err(e) if read == 0 => return Err(e),
                Err(e) => {
                    self.pending = Some(e);
                    return Ok(read);
                }
                Ok(true) => {
                    self.ended = true;
                    return Ok(read);
                }
                Ok(false) if read > 0 => return Ok(read),
                Ok(false) if eof => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "compressed data ends early",
                    ))
                }
                Ok(false) if consumed == 0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the decompressor makes no progress",
                    ))
                }
                Ok(false) => {}
            }
        }
    }
}

/// bzip2, every concatenated stream (as `pbzip2` writes them).
pub struct Bzip2 {
    data: bzip2::Decompress,
    /// The current stream ended; another may follow.
    stream_ended: bool,
}

impl Bzip2 {
    pub fn new() -> Bzip2 {
        Bzip2 {
            data: bzip2::Decompress::new(false),
            stream_ended: false,
        }
    }
}

impl Default for Bzip2 {
    fn default() -> Self {
        Bzip2::new()
    }
}

impl Step for Bzip2 {
    fn step(&mut self, input: &[u8], out: &mut [u8]) -> (usize, usize, io::Result<bool>) {
        if self.stream_ended {
            if input.is_empty() {
                return (0, 0, Ok(true));
            }
            self.data = bzip2::Decompress::new(false);
            self.stream_ended = false;
        }
        let (out0, in0) = (self.data.total_out(), self.data.total_in());
        let status = self.data.decompress(input, out);
        let read = (self.data.total_out() - out0) as usize;
        let consumed = (self.data.total_in() - in0) as usize;
        let result = match status {
            Ok(bzip2::Status::StreamEnd) => {
                // Ended for good only if nothing follows: asked next step.
                self.stream_ended = true;
                Ok(false)
            }
            Ok(_) => Ok(false),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
        };
        (consumed, read, result)
    }
}

/// xz, every concatenated stream.
pub struct Xz {
    stream: liblzma::stream::Stream,
}

impl Xz {
    pub fn new() -> io::Result<Xz> {
        let stream =
            liblzma::stream::Stream::new_stream_decoder(u64::MAX, liblzma::stream::CONCATENATED)
                .map_err(io::Error::other)?;
        Ok(Xz { stream })
    }
}

impl Step for Xz {
    fn step(&mut self, input: &[u8], out: &mut [u8]) -> (usize, usize, io::Result<bool>) {
        let action = if input.is_empty() {
            liblzma::stream::Action::Finish
        } else {
            liblzma::stream::Action::Run
        };
        let (out0, in0) = (self.stream.total_out(), self.stream.total_in());
        let status = self.stream.process(input, out, action);
        let read = (self.stream.total_out() - out0) as usize;
        let consumed = (self.stream.total_in() - in0) as usize;
        let result = match status {
            Ok(liblzma::stream::Status::StreamEnd) => Ok(true),
            Ok(_) => Ok(false),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        };
        (consumed, read, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn decode(step: impl Step, bytes: &[u8]) -> (Vec<u8>, Option<io::ErrorKind>) {
        let mut r = Salvage::new(io::BufReader::with_capacity(1 << 16, bytes), step);
        let mut out = Vec::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some(e.kind())),
            }
        }
    }

    fn data() -> Vec<u8> {
        (0..200_000u32)
            .flat_map(|i| format!("line {i} of a mail log\n").into_bytes())
            .collect()
    }

    #[test]
    fn whole_and_concatenated_streams() {
        let d = data();
        let mut bz = Vec::new();
        let mut xz = Vec::new();
        for half in [&d[..d.len() / 2], &d[d.len() / 2..]] {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(half).unwrap();
            bz.extend(e.finish().unwrap());
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(half).unwrap();
            xz.extend(e.finish().unwrap());
        }
        assert_eq!(decode(Bzip2::new(), &bz), (d.clone(), None));
        assert_eq!(decode(Xz::new().unwrap(), &xz), (d.clone(), None));
    }

    #[test]
    fn truncated_streams_end_early_with_their_prefix() {
        let d = data();
        let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
        e.write_all(&d).unwrap();
        let xz = e.finish().unwrap();
        let (got, err) = decode(Xz::new().unwrap(), &xz[..xz.len() / 2]);
        assert_eq!(err, Some(io::ErrorKind::UnexpectedEof));
        assert!(!got.is_empty() && d.starts_with(&got));
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(&d).unwrap();
        let bz = e.finish().unwrap();
        let (got, err) = decode(Bzip2::new(), &bz[..bz.len() / 2]);
        assert_eq!(err, Some(io::ErrorKind::UnexpectedEof));
        assert!(!got.is_empty() && d.starts_with(&got));
    }
}
