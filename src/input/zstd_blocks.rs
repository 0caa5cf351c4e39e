//! zstd decoded block by block, so that damage loses only the damaged block.
//!
//! zstd's streaming call (`ZSTD_decompressStream`) reports nothing of a call
//! that fails, so the bytes it had already written in that call were lost
//! before a corrupt block (393,216 bytes in the damage test, 16 KiB once
//! calls were kept small). Here zstd's buffer-less API decodes one block per
//! call (`ZSTD_decompressContinue`), into a round buffer that keeps the
//! window the next blocks refer to: every byte of every good block is handed
//! out before the error of the first bad one. Concatenated and skippable
//! frames are read; content checksums are verified by zstd.
//!
//! This is the one place with zstd's C API: each call is given pointers into
//! buffers this struct owns, with their true lengths.

use std::ffi::CStr;
use std::io;
use std::ptr::NonNull;

use zstd_sys as z;

use super::salvage::Step;

/// The largest window accepted: zstd's own default limit (128 MiB), beyond
/// which its streaming decoder also refuses a frame (`zstd --long`).
const MAX_WINDOW: u64 = 1 << 27;

/// A zstd decompressor that decodes one block per call.
pub struct Zstd {
    dctx: NonNull<z::ZSTD_DCtx>,
    /// Input gathered for the next call, which takes an exact size.
    acc: Vec<u8>,
    /// Bytes the next call takes; 0 between frames.
    need: usize,
    /// The frame header read so far, until it is complete.
    header: Vec<u8>,
    header_done: bool,
    /// Decoded content and the window behind it.
    ring: Vec<u8>,
    /// Where the next block is decoded in `ring`.
    at: usize,
    /// The largest block of the current frame.
    block_max: usize,
    /// Content of the current frame still to come, if its header says.
    frame_left: Option<u64>,
    /// Decoded bytes of `ring` not yet handed out.
    out_start: usize,
    out_end: usize,
    /// Bytes of a skippable frame still to pass over: skipped here, since
    /// zstd would take them in one call (up to 4 GiB held in memory).
    skip: u64,
}

// The context is used by one thread at a time, through `&mut self`.
unsafe impl Send for Zstd {}

impl Zstd {
    pub fn new() -> io::Result<Zstd> {
        // SAFETY: no arguments; a null result means out of memory.
        let dctx = NonNull::new(unsafe { z::ZSTD_createDCtx() })
            .ok_or_else(|| io::Error::other("cannot allocate a zstd decoder"))?;
        Ok(Zstd {
            dctx,
            acc: Vec::new(),
            need: 0,
            header: Vec::new(),
            header_done: false,
            ring: Vec::new(),
            at: 0,
            block_max: 0,
            frame_left: None,
            out_start: 0,
            out_end: 0,
            skip: 0,
        })
    }

    fn check(code: usize) -> io::Result<usize> {
        // SAFETY: both take any value; the name is a static C string.
        if unsafe { z::ZSTD_isError(code) } != 0 {
            let name = unsafe { CStr::from_ptr(z::ZSTD_getErrorName(code)) };
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("zstd: {}", name.to_string_lossy()),
            ));
        }
        Ok(code)
    }

    fn begin_frame(&mut self) -> io::Result<()> {
        // SAFETY: the context is ours and alive.
        Self::check(unsafe { z::ZSTD_decompressBegin(self.dctx.as_ptr()) })?;
        self.need = unsafe { z::ZSTD_nextSrcSizeToDecompress(self.dctx.as_ptr()) };
        self.header.clear();
        self.header_done = false;
        self.at = 0;
        Ok(())
    }

    /// Sizes the round buffer once the frame header is complete.
    fn read_header(&mut self) -> io::Result<()> {
        // SAFETY: `fh` is plain data that the call fills; `header` is ours.
        let mut fh: z::ZSTD_FrameHeader = unsafe { std::mem::zeroed() };
        let r = Self::check(unsafe {
            z::ZSTD_getFrameHeader(&mut fh, self.header.as_ptr().cast(), self.header.len())
        })?;
        if r != 0 {
            return Ok(()); // not complete yet
        }
        self.header_done = true;
        self.header = Vec::new();
        if fh.frameType == z::ZSTD_FrameType_e::ZSTD_skippableFrame {
            // Its content, passed over by `step`; then the next frame.
            self.skip = self.need as u64;
            self.need = 0;
            return Ok(());
        }
        // The buffer-less API leaves the window to the caller (only the
        // streaming one applies zstd's 128 MiB limit), and a one-segment
        // frame's window is its claimed content size: up to 2^64.
        if fh.windowSize > MAX_WINDOW {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "zstd: a frame needs a window of {} MiB, more than the 128 MiB accepted (an archive made with `zstd --long`?)",
                    fh.windowSize >> 20
                ),
            ));
        }
        // SAFETY: plain arithmetic on the two values.
        let size = Self::check(unsafe {
            z::ZSTD_decodingBufferSize_min(fh.windowSize, fh.frameContentSize)
        })?;
        if self.ring.len() < size {
            self.ring = vec![0; size];
        }
        self.block_max = fh.blockSizeMax as usize;
        self.frame_left = (fh.frameContentSize != u64::MAX).then_some(fh.frameContentSize);
        Ok(())
    }

    /// Decodes the gathered `need` bytes (from `acc`, or `direct`).
    fn decode(&mut self, direct: Option<&[u8]>) -> io::Result<()> {
        // Room for the largest block, or for the rest of a frame whose size
        // is known (the buffer then holds the whole frame and never turns:
        // its blocks refer back to the start).
        let room = self
            .frame_left
            .map_or(self.block_max, |l| self.block_max.min(l as usize));
        if self.ring.len() - self.at < room {
            // Not enough: start again at the front, as the round-buffer rule
            // of the buffer-less API says.
            self.at = 0;
        }
        let src = direct.unwrap_or(&self.acc);
        let dst = &mut self.ring[self.at..];
        // SAFETY: `src` holds exactly the size zstd asked for; `dst` is a
        // live buffer of the given capacity (a dangling but non-null
        // pointer with capacity 0 while the header is read).
        let n = Self::check(unsafe {
            z::ZSTD_decompressContinue(
                self.dctx.as_ptr(),
                dst.as_mut_ptr().cast(),
                dst.len(),
                src.as_ptr().cast(),
                src.len(),
            )
        })?;
        if !self.header_done {
            self.header.extend_from_slice(src);
        }
        self.acc.clear();
        self.out_start = self.at;
        self.out_end = self.at + n;
        self.at += n;
        if let Some(l) = &mut self.frame_left {
            *l = l.saturating_sub(n as u64);
        }
        self.need = unsafe { z::ZSTD_nextSrcSizeToDecompress(self.dctx.as_ptr()) };
        if !self.header_done {
            self.read_header()?;
        }
        Ok(())
    }
}

impl Drop for Zstd {
    fn drop(&mut self) {
        // SAFETY: created by ZSTD_createDCtx, freed once.
        unsafe { z::ZSTD_freeDCtx(self.dctx.as_ptr()) };
    }
}

impl Step for Zstd {
    fn step(&mut self, input: &[u8], out: &mut [u8]) -> (usize, usize, io::Result<bool>) {
        let (mut consumed, mut produced) = (0, 0);
        loop {
            // Everything decoded goes out before anything else is decoded.
            if self.out_start < self.out_end {
                let n = (self.out_end - self.out_start).min(out.len() - produced);
                out[produced..produced + n]
                    .copy_from_slice(&self.ring[self.out_start..self.out_start + n]);
                self.out_start += n;
                produced += n;
                if self.out_start < self.out_end {
                    return (consumed, produced, Ok(false));
                }
            }
            if self.skip > 0 {
                let n = (input.len() - consumed).min(self.skip.min(usize::MAX as u64) as usize);
                consumed += n;
                self.skip -= n as u64;
                if self.skip > 0 {
                    // The end of the file inside the frame is reported by
                    // the reader as a cut archive.
                    return (consumed, produced, Ok(false));
                }
            }
            let rest = &input[consumed..];
            if self.need == 0 && self.acc.is_empty() {
                // Between frames: the end of the file ends the stream well.
                if input.is_empty() {
                    return (consumed, produced, Ok(true));
                }
                if rest.is_empty() {
                    return (consumed, produced, Ok(false));
                }
                if let Err(e) = self.begin_frame() {
                    return (consumed, produced, Err(e));
                }
            }
            let result = if self.acc.is_empty() && rest.len() >= self.need {
                // The whole input of the call is here: no copy.
                let n = self.need;
                consumed += n;
                self.decode(Some(&rest[..n]))
            } else {
                let take = (self.need - self.acc.len()).min(rest.len());
                self.acc.extend_from_slice(&rest[..take]);
                consumed += take;
                if self.acc.len() < self.need {
                    // More input needed (or the file ends mid-frame, which
                    // the reader reports).
                    return (consumed, produced, Ok(false));
                }
                self.decode(None)
            };
            if let Err(e) = result {
                return (consumed, produced, Err(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::salvage::Salvage;
    use std::io::{Read, Write};

    /// Everything read before the reader stops, and how it stopped.
    fn read_all(bytes: &[u8], buf_size: usize) -> (Vec<u8>, Option<io::Error>) {
        let mut r = Salvage::new(
            io::BufReader::with_capacity(1 << 16, bytes),
            Zstd::new().unwrap(),
        );
        let mut out = Vec::new();
        let mut buf = vec![0u8; buf_size];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn log(lines: std::ops::Range<u32>) -> Vec<u8> {
        lines
            .flat_map(|i| {
                format!("Jul  7 10:12:01 mx postfix/smtp[{i}]: 3F2A{i:06X}: to=<u{i}@army.ml>, status=sent\n")
                    .into_bytes()
            })
            .collect()
    }

    fn skippable(content: &[u8]) -> Vec<u8> {
        let mut f = 0x184D_2A50u32.to_le_bytes().to_vec();
        f.extend((content.len() as u32).to_le_bytes());
        f.extend_from_slice(content);
        f
    }

    #[test]
    fn frames_of_every_kind_read_whole() {
        let a = log(0..40_000);
        let b = log(40_000..41_000);
        // A small window, no size pledged and a checksum: the round buffer
        // wraps many times in the first frame.
        let mut e = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
        e.window_log(17).unwrap();
        e.include_checksum(true).unwrap();
        e.write_all(&a).unwrap();
        let mut bytes = e.finish().unwrap();
        bytes.extend(skippable(b"not log lines"));
        bytes.extend(zstd::encode_all(&b[..], 19).unwrap());
        bytes.extend(skippable(b""));
        // A frame that says its size (as the zstd program writes): its
        // window is that size, and the buffer holds it whole.
        let c = log(41_000..44_000);
        bytes.extend(zstd::encode_all(&c[..], 3).unwrap());
        // One that says its size but has a smaller window: the buffer turns.
        let d = log(44_000..60_000);
        let mut e = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
        e.window_log(17).unwrap();
        e.set_pledged_src_size(Some(d.len() as u64)).unwrap();
        e.write_all(&d).unwrap();
        bytes.extend(e.finish().unwrap());
        let b = [&b[..], &c[..], &d[..]].concat();
        for buf_size in [1, 4096, 1 << 20] {
            let (out, err) = read_all(&bytes, buf_size);
            assert!(err.is_none(), "{err:?}");
            assert_eq!(out.len(), a.len() + b.len());
            assert!(out == [&a[..], &b[..]].concat(), "{buf_size}");
        }
    }

    #[test]
    fn a_damaged_block_loses_nothing_before_it() {
        // Frames of 32 KiB of text, one block each; the block header of
        // the fourth is given the reserved block type.
        let text = log(0..10_000);
        let chunks: Vec<&[u8]> = text.chunks(32 * 1024).collect();
        let mut bytes = Vec::new();
        let mut damaged_at = 0;
        for (i, c) in chunks.iter().enumerate() {
            let frame = zstd::encode_all(*c, 3).unwrap();
            // SAFETY: the frame is a live buffer of the given length.
            let header = unsafe { z::ZSTD_frameHeaderSize(frame.as_ptr().cast(), frame.len()) };
            if i == 3 {
                damaged_at = bytes.len() + header;
            }
            bytes.extend(frame);
        }
        bytes[damaged_at] |= 0b110;
        for buf_size in [7, 1 << 20] {
            let (out, err) = read_all(&bytes, buf_size);
            let expected: Vec<u8> = chunks[..3].concat();
            assert_eq!(out.len(), expected.len(), "{buf_size}");
            assert!(out == expected);
            let err = err.expect("the damage is reported");
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            assert!(err.to_string().contains("zstd: "), "{err}");
        }
    }

    #[test]
    fn a_cut_archive_reads_as_the_blocks_before_the_cut() {
        let text = log(0..20_000);
        let bytes = zstd::encode_all(&text[..], 3).unwrap();
        for cut in [1, 5, 9, bytes.len() / 3, bytes.len() - 1] {
            let (out, err) = read_all(&bytes[..cut], 1 << 16);
            assert!(text.starts_with(&out), "{cut}");
            assert_eq!(err.unwrap().kind(), io::ErrorKind::UnexpectedEof, "{cut}");
        }
        let mut cut_skippable = zstd::encode_all(&text[..100], 3).unwrap();
        cut_skippable.extend(&skippable(&[7; 1000])[..500]);
        let (out, err) = read_all(&cut_skippable, 1 << 16);
        assert_eq!(out, &text[..100]);
        assert_eq!(err.unwrap().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn an_absurd_window_is_refused_before_allocating() {
        let magic = [0x28, 0xb5, 0x2f, 0xfd];
        // A window of 2^41 (zstd refuses it), of 2^28 (more than misdirect
        // takes), and a one-segment frame claiming 2^62 bytes of content.
        for (header, says) in [
            (&[0x00, 0xf8][..], "too much memory"),
            (&[0x00, 0x90][..], "256 MiB, more than the 128 MiB"),
            (
                &[0xe0, 0, 0, 0, 0, 0, 0, 0, 0x40][..],
                "more than the 128 MiB",
            ),
        ] {
            let bytes = [&magic[..], header, &[0; 8]].concat();
            let (out, err) = read_all(&bytes, 1 << 16);
            assert!(out.is_empty());
            let err = err.unwrap();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            assert!(err.to_string().contains(says), "{err}");
        }
    }
}
