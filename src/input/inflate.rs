//! Whole-buffer gzip decompression with libdeflate, for inputs small enough
//! to hold in memory: about twice as fast as streaming inflate. Every
//! member is decoded (concatenated gzip), zero padding after the last one
//! is accepted; anything else makes the caller fall back to the streaming
//! decoder, which reports the damage with its offset.

use libdeflate_sys::{
    libdeflate_alloc_decompressor, libdeflate_decompressor, libdeflate_free_decompressor,
    libdeflate_gzip_decompress_ex, libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE,
    libdeflate_result_LIBDEFLATE_SUCCESS,
};

/// Why a buffer was not decompressed here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// More output than the limit.
    TooLarge,
    /// Corrupt, truncated, or followed by something that is not a member
    /// or zero padding.
    Damaged,
}

/// The result of decompressing a whole gzip file.
#[derive(Debug)]
pub struct Inflated {
    /// Bytes of content at the start of the output buffer.
    pub len: usize,
    pub members: u64,
    pub zero_padding: u64,
}

struct Decompressor(*mut libdeflate_decompressor);

impl Drop for Decompressor {
    fn drop(&mut self) {
        // SAFETY: the pointer came from libdeflate_alloc_decompressor and is
        // freed exactly once.
        unsafe { libdeflate_free_decompressor(self.0) }
    }
}

/// Decompresses every gzip member of `input` into the start of `out`,
/// producing at most `limit` bytes. `out` is reused from file to file and
/// only ever grows: neither fresh pages nor zeroing are paid per file.
pub fn gunzip_whole(input: &[u8], limit: usize, out: &mut Vec<u8>) -> Result<Inflated, Fallback> {
    // SAFETY: allocation has no preconditions; null is checked.
    let raw = unsafe { libdeflate_alloc_decompressor() };
    if raw.is_null() {
        return Err(Fallback::TooLarge);
    }
    let d = Decompressor(raw);
    // ISIZE (the last four bytes) is the size of the last member, modulo 2^32:
    // exact for the usual single-member file, a first guess otherwise.
    let hint = input
        .len()
        .checked_sub(4)
        .map(|at| u32::from_le_bytes(input[at..].try_into().expect("four bytes")) as usize)
        .unwrap_or(0);
    if hint > limit {
        // The last member alone is larger than the limit.
        return Err(Fallback::TooLarge);
    }
    // Deflate cannot expand more than 1032:1, whatever a hostile ISIZE says.
    let first = hint
        .min(input.len().saturating_mul(1032))
        .clamp(1 << 16, limit.max(1 << 16));
    if out.len() < first {
        grow(out, first, limit);
    }
    let (mut pos_in, mut pos_out, mut members) = (0usize, 0usize, 0u64);
    loop {
        let (mut used_in, mut used_out) = (0usize, 0usize);
        // SAFETY: the input and output pointers and lengths describe live,
        // properly sized slices; libdeflate writes at most out.len() - pos_out
        // bytes and reports how much it used through the two out-parameters.
        let result = unsafe {
            libdeflate_gzip_decompress_ex(
                d.0,
                input[pos_in..].as_ptr().cast(),
                input.len() - pos_in,
                out[pos_out..].as_mut_ptr().cast(),
                out.len() - pos_out,
                &mut used_in,
                &mut used_out,
            )
        };
        if result == libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE {
            if out.len() >= limit {
                return Err(Fallback::TooLarge);
            }
            grow(out, out.len() * 2, limit);
            continue;
        }
        if result != libdeflate_result_LIBDEFLATE_SUCCESS {
            return Err(Fallback::Damaged);
        }
        members += 1;
        pos_in += used_in;
        pos_out += used_out;
        let rest = &input[pos_in..];
        if rest.is_empty() {
            return Ok(Inflated {
                len: pos_out,
                members,
                zero_padding: 0,
            });
        }
        if rest.starts_with(&[0x1f, 0x8b]) {
            if out.len() - pos_out < 1 << 16 {
                if out.len() >= limit {
                    return Err(Fallback::TooLarge);
                }
                grow(out, out.len() * 2, limit);
            }
            continue;
        }
        if rest.iter().all(|&b| b == 0) {
            return Ok(Inflated {
                len: pos_out,
                members,
                zero_padding: rest.len() as u64,
            });
        }
        return Err(Fallback::Damaged);
    }
}

/// Grows `out` to at least `needed` bytes (at most `limit`), and by at
/// least a quarter: a worker's files are often each a little larger than
/// the one before (daily logs of a growing site), and growing to the exact
/// size each time moved the whole buffer into fresh pages for every file
/// (a sixth of a one-thread scan of 32 MiB gzip files went to the kernel
/// zeroing them).
fn grow(out: &mut Vec<u8>, needed: usize, limit: usize) {
    let amortized = out.len().saturating_add(out.len() / 4);
    let len = needed.max(amortized).next_multiple_of(1 << 20).min(limit);
    if len > out.len() {
        out.resize(len, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn single_and_multi_member_and_padding() {
        let a = b"first line\n".repeat(1000);
        let b = b"second\n".repeat(50_000);
        let mut out = Vec::new();
        let r = gunzip_whole(&gz(&a), 1 << 30, &mut out).unwrap();
        assert_eq!((&out[..r.len], r.members), (&a[..], 1));
        let mut two = gz(&a);
        two.extend(gz(&b));
        two.extend([0u8; 100]);
        let r = gunzip_whole(&two, 1 << 30, &mut out).unwrap();
        assert_eq!(r.len, a.len() + b.len());
        assert_eq!(&out[a.len()..r.len], &b[..]);
        assert_eq!((r.members, r.zero_padding), (2, 100));
        // The same member twice is two members, not one.
        let mut twice = gz(&a);
        twice.extend(gz(&a));
        assert_eq!(
            gunzip_whole(&twice, 1 << 30, &mut out).unwrap().len,
            2 * a.len()
        );
    }

    /// Files that each grow a little (daily logs of a growing site) do not
    /// make the buffer grow for every file: it grows by a quarter at least.
    #[test]
    fn the_buffer_grows_rarely_for_files_each_a_little_larger() {
        let mut out = Vec::new();
        let mut growths = 0;
        for i in 0..40 {
            let data = b"mail\n".repeat(400_000 + i * 1_000);
            let before = out.len();
            let r = gunzip_whole(&gz(&data), 1 << 30, &mut out).unwrap();
            assert_eq!(&out[..r.len], &data[..]);
            growths += usize::from(out.len() != before);
        }
        // 2.0 MB to 2.2 MB: the first file's buffer, then at most one more
        // (growing to each file's exact size grew it 40 times).
        assert!(growths <= 2, "{growths} growths");
    }

    #[test]
    fn damage_and_limits_fall_back() {
        let data = b"x".repeat(1 << 20);
        let z = gz(&data);
        let out = &mut Vec::new();
        assert_eq!(
            gunzip_whole(&z, 1 << 16, out).unwrap_err(),
            Fallback::TooLarge
        );
        // A huge limit, so that the bogus ISIZE read from damaged tails does
        // not turn the verdict into TooLarge (the caller falls back either way).
        let huge = 1 << 40;
        assert_eq!(
            gunzip_whole(&z[..z.len() / 2], huge, out).unwrap_err(),
            Fallback::Damaged
        );
        let mut garbage = z.clone();
        garbage.extend(b"junk");
        assert_eq!(
            gunzip_whole(&garbage, huge, out).unwrap_err(),
            Fallback::Damaged
        );
        assert_eq!(gunzip_whole(b"", huge, out).unwrap_err(), Fallback::Damaged);
        // A hostile ISIZE does not make us allocate it.
        assert!(out.len() < 64 << 20);
    }
}
