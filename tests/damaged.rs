//! Damaged archives, built at test time: truncated gzip, bzip2, xz and zstd,
//! a bad CRC, corrupt data, trailing garbage, names that lie about the
//! compression, an empty file, a read error of the storage. Each run goes
//! on, exits 1 when something could not be read, says where reading
//! stopped, and keeps exactly the counts of everything before the damage:
//! the expected figures come from decoding the same bytes independently.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use sha2::Digest;

use crate::util::*;

const MESSAGES: usize = 20_000;

fn compress(kind: &str, data: &[u8]) -> Vec<u8> {
    match kind {
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "bzip2" => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "xz" => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "zstd" => zstd::encode_all(data, 3).unwrap(),
        _ => unreachable!(),
    }
}

/// Everything the decoder of `kind` can produce from `bytes` before it
/// stops, read in small pieces so no decoded byte is held back.
fn decodable_prefix(kind: &str, bytes: &[u8]) -> Vec<u8> {
    let mut r: Box<dyn Read> = match kind {
        "gzip" => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        "bzip2" => return bzip2_prefix(bytes),
        "xz" => return xz_prefix(bytes),
        "zstd" => return zstd_prefix(bytes),
        _ => unreachable!(),
    };
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    while let Ok(n @ 1..) = r.read(&mut buf) {
        out.extend_from_slice(&buf[..n]);
    }
    out
}

/// zstd's streaming call says nothing of a call that fails, so the
/// reference feeds it one byte of input per call: a call then decodes at
/// most one block, and gives all of it (the output has room for a whole
/// block), so a call that fails has given nothing.
fn zstd_prefix(bytes: &[u8]) -> Vec<u8> {
    use zstd::zstd_safe::{DCtx, InBuffer, OutBuffer};
    let mut d = DCtx::create();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 20];
    for i in 0..bytes.len() {
        let mut input = InBuffer::around(&bytes[i..i + 1]);
        loop {
            let mut o = OutBuffer::around(&mut buf[..]);
            let r = d.decompress_stream(&mut o, &mut input);
            let n = o.pos();
            if r.is_err() {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
            if n < buf.len() && input.pos() == 1 {
                break;
            }
        }
    }
    out
}

/// bzip2's readers drop what the call that meets damage decoded, so the
/// reference keeps it by driving the decompressor itself (one stream).
fn bzip2_prefix(mut bytes: &[u8]) -> Vec<u8> {
    let mut d = bzip2::Decompress::new(false);
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        let (out0, in0) = (d.total_out(), d.total_in());
        let status = d.decompress(bytes, &mut buf);
        out.extend_from_slice(&buf[..(d.total_out() - out0) as usize]);
        let consumed = (d.total_in() - in0) as usize;
        bytes = &bytes[consumed..];
        match status {
            Ok(bzip2::Status::StreamEnd) | Err(_) => return out,
            Ok(_) if consumed == 0 && d.total_out() == out0 => return out,
            Ok(_) => {}
        }
    }
}

/// Like [`bzip2_prefix`], for xz.
fn xz_prefix(mut bytes: &[u8]) -> Vec<u8> {
    use liblzma::stream::{Action, Status, Stream, CONCATENATED};
    let mut s = Stream::new_stream_decoder(u64::MAX, CONCATENATED).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        let (out0, in0) = (s.total_out(), s.total_in());
        let action = if bytes.is_empty() {
            Action::Finish
        } else {
            Action::Run
        };
        let status = s.process(bytes, &mut buf, action);
        out.extend_from_slice(&buf[..(s.total_out() - out0) as usize]);
        let consumed = (s.total_in() - in0) as usize;
        bytes = &bytes[consumed..];
        match status {
            Ok(Status::StreamEnd) | Err(_) => return out,
            Ok(_) if consumed == 0 && s.total_out() == out0 => return out,
            Ok(_) => {}
        }
    }
}

/// Lines in `content` (a last line without its newline counts) and the
/// `status=sent` deliveries to army.ml among them.
fn lines_and_sent(content: &[u8]) -> (u64, u64) {
    let text = String::from_utf8_lossy(content);
    let lines = text.split_terminator('\n').count() as u64;
    let sent = text
        .split_terminator('\n')
        .filter(|l| l.contains("@army.ml>") && l.contains("status=sent"))
        .count() as u64;
    (lines, sent)
}

/// The offsets in a manifest error: (byte of the file, byte of the content).
fn stopped_at(error: &str) -> (u64, u64) {
    let num = |after: &str| -> u64 {
        let at = error
            .find(after)
            .unwrap_or_else(|| panic!("{after:?} in {error}"))
            + after.len();
        error[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let content_at = error.find(" of the file, ").expect(error) + " of the file, ".len();
    (
        num("stopped at byte "),
        error[content_at..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap(),
    )
}

fn sha256_hex(b: &[u8]) -> String {
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn army_ml_sent(out: &Path) -> u64 {
    domains_by(out, "domain")
        .get("army.ml")
        .map_or(0, |r| r["deliveries_sent"].parse().unwrap())
}

/// Writes `bytes` as `name`, scans it, and checks the damaged row against
/// the independently decoded prefix `expected`. `garbled`: the decoder
/// gave bytes that are not the original (gzip finds damage only at its
/// CRC), so only lines and bytes can be checked, not message counts.
fn assert_damaged_keeps_prefix(name: &str, bytes: &[u8], expected: &[u8], garbled: bool) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    fs::write(&p, bytes).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = scan(&[&p], out.path(), &["--year", "2023"], 1);
    let m = &manifest(out.path())[name];
    assert_eq!(m["status"], "damaged", "{name}: {m:?}");
    assert!(r.stderr.contains(&format!("{name}: ")), "{}", r.stderr);
    let (raw_at, content_at) = stopped_at(&m["error"]);
    assert!(raw_at <= bytes.len() as u64, "{name}: {}", m["error"]);
    // Nothing the decoder could give was lost, and nothing was made up.
    let lost = expected.len() as u64 - content_at.min(expected.len() as u64);
    assert!(
        content_at <= expected.len() as u64,
        "{name}: {}",
        m["error"]
    );
    assert_eq!(lost, 0, "{name}: {lost} bytes lost; {}", m["error"]);
    let expected = &expected[..content_at as usize];
    assert_eq!(m["content_bytes"], expected.len().to_string(), "{name}");
    let (lines, sent) = lines_and_sent(expected);
    assert_eq!(m["lines_read"], lines.to_string(), "{name}");
    if !garbled {
        let tail = String::from_utf8_lossy(&expected[expected.len().saturating_sub(300)..]);
        assert_eq!(army_ml_sent(out.path()), sent, "{name}: ends {tail:?}");
    }
    // The whole file as stored is hashed, damage and all.
    assert_eq!(m["size"], bytes.len().to_string(), "{name}");
    assert_eq!(m["sha256"], sha256_hex(bytes), "{name}");
    let run = run_json(out.path());
    assert_eq!(run["complete"], false);
    assert_eq!(run["inputs"]["damaged"], 1);
    assert!(run["errors"][0]
        .as_str()
        .unwrap()
        .contains("stopped at byte"));
}

#[test]
fn truncated_archives_keep_every_line_before_the_cut() {
    let log = postfix_messages(0, MESSAGES);
    for kind in ["gzip", "bzip2", "xz", "zstd"] {
        let full = compress(kind, log.as_bytes());
        let cut = &full[..full.len() * 6 / 10];
        let expected = decodable_prefix(kind, cut);
        // The cut is well inside the data: some was read, some was not.
        assert!(!expected.is_empty() && expected.len() < log.len(), "{kind}");
        assert_damaged_keeps_prefix(&format!("mail.log.{kind}"), cut, &expected, false);
    }
}

#[test]
fn corrupt_data_in_the_middle_keeps_what_came_before() {
    let log = postfix_messages(0, MESSAGES);
    for kind in ["gzip", "bzip2", "xz", "zstd"] {
        let mut bytes = compress(kind, log.as_bytes());
        let at = bytes.len() / 2;
        for b in &mut bytes[at..at + 16] {
            *b ^= 0x55;
        }
        // gzip and xz find this damage only at a member's or block's check:
        // what they decoded up to there, garbled, is what any reader gets,
        // and is read. bzip2 and zstd meet it here before giving a byte of
        // the damaged block (not always so: fuzz/fuzz_targets/decompress.rs).
        let expected = decodable_prefix(kind, &bytes);
        assert_ne!(expected, log.as_bytes(), "{kind}");
        let garbled = matches!(kind, "gzip" | "xz");
        assert_damaged_keeps_prefix(&format!("corrupt.{kind}"), &bytes, &expected, garbled);
    }
}

#[test]
fn corrupt_second_gzip_member_keeps_the_first() {
    let first = postfix_messages(0, 5_000);
    let mut bytes = compress("gzip", first.as_bytes());
    let second_at = bytes.len();
    bytes.extend(compress("gzip", postfix_messages(5_000, 5_000).as_bytes()));
    // An unknown compression method in the second member's header.
    bytes[second_at + 2] = 9;
    let expected = decodable_prefix("gzip", &bytes);
    assert_eq!(expected, first.as_bytes());
    assert_damaged_keeps_prefix("second-member.gz", &bytes, &expected, false);
}

#[test]
fn bad_gzip_crc_keeps_every_line() {
    let log = postfix_messages(0, 500);
    let mut gz = compress("gzip", log.as_bytes());
    let crc = gz.len() - 8;
    gz[crc] ^= 0xff;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("badcrc.log.gz");
    fs::write(&p, &gz).unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[&p], out.path(), &["--year", "2023"], 1);
    let m = &manifest(out.path())["badcrc.log.gz"];
    assert_eq!(m["status"], "damaged");
    // The content was all there; only its checksum is wrong, so every line
    // was read and the error says where the check failed.
    assert_eq!(m["lines_read"], "2000");
    assert_eq!(m["content_bytes"], log.len().to_string());
    assert_eq!(
        stopped_at(&m["error"]).1,
        log.len() as u64,
        "{}",
        m["error"]
    );
    assert_eq!(army_ml_sent(out.path()), 500);
}

#[test]
fn garbage_and_zero_padding_after_the_last_gzip_member() {
    let log = postfix_messages(0, 300);
    let (a, b) = log.as_bytes().split_at(log.len() / 2);
    let mut members = compress("gzip", a);
    members.extend(compress("gzip", b));
    let end = members.len();
    let dir = tempfile::tempdir().unwrap();
    let mut padded = members.clone();
    padded.extend([0u8; 4096]);
    fs::write(dir.path().join("padded.gz"), &padded).unwrap();
    let mut garbage = members.clone();
    garbage.extend(b"\0\0\0\0not gzip at all\n");
    fs::write(dir.path().join("garbage.gz"), &garbage).unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[dir.path()], out.path(), &["--year", "2023"], 1);
    let m = manifest(out.path());
    assert_eq!(m["padded.gz"]["status"], "ok");
    assert_eq!(
        m["padded.gz"]["notes"],
        "2 gzip members; 4096 bytes of zero padding after the last gzip member"
    );
    assert_eq!(m["garbage.gz"]["status"], "damaged");
    // Both members were read whole; reading stopped after the zeros.
    assert_eq!(
        stopped_at(&m["garbage.gz"]["error"]),
        (end as u64 + 4, log.len() as u64)
    );
    for name in ["padded.gz", "garbage.gz"] {
        assert_eq!(m[name]["lines_read"], "1200", "{name}");
        assert_eq!(m[name]["lines_used"], "1200", "{name}");
    }
    // garbage.gz is not a duplicate of padded.gz (it is damaged), so each
    // message counts twice.
    assert_eq!(army_ml_sent(out.path()), 600);
}

#[test]
fn names_that_lie_about_the_compression() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("plain.log.gz"), postfix_messages(0, 10)).unwrap();
    fs::write(
        dir.path().join("mail.log.1"),
        compress("gzip", postfix_messages(10, 20).as_bytes()),
    )
    .unwrap();
    fs::write(
        dir.path().join("really-xz.bz2"),
        compress("xz", postfix_messages(30, 5).as_bytes()),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[dir.path()], out.path(), &["--year", "2023"], 0);
    let m = manifest(out.path());
    let row = |n: &str| {
        [
            m[n]["status"].as_str(),
            m[n]["compression"].as_str(),
            m[n]["lines_used"].as_str(),
            m[n]["notes"].as_str(),
        ]
    };
    assert_eq!(
        row("plain.log.gz"),
        [
            "ok",
            "plain",
            "40",
            "the name says gzip but the content is plain; read as plain"
        ]
    );
    assert_eq!(
        row("mail.log.1"),
        [
            "ok",
            "gzip",
            "80",
            "gzip-compressed content under a name without its extension; read as gzip"
        ]
    );
    assert_eq!(
        row("really-xz.bz2"),
        [
            "ok",
            "xz",
            "20",
            "the name says bzip2 but the content is xz; read as xz"
        ]
    );
    assert_eq!(army_ml_sent(out.path()), 35);
}

#[test]
fn empty_files_are_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("empty.log"), "").unwrap();
    fs::write(dir.path().join("empty.log.gz"), compress("gzip", b"")).unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[dir.path()], out.path(), &[], 0);
    let m = manifest(out.path());
    for name in ["empty.log", "empty.log.gz"] {
        assert_eq!(m[name]["status"], "ok", "{name}");
        assert_eq!(m[name]["format"], "empty", "{name}");
        assert_eq!(m[name]["lines_read"], "0", "{name}");
        assert_eq!(m[name]["content_bytes"], "0", "{name}");
    }
    assert_eq!(m["empty.log"]["sha256"], sha256_hex(b""));
    assert_eq!(m["empty.log"]["notes"], "");
    assert_eq!(run_json(out.path())["complete"], true);
}

/// A read error of the storage: the kernel refuses to read this process's
/// own memory at address 0 (EIO), on the first read, even for root.
#[test]
fn read_error_of_the_storage_is_unreadable_with_its_offset() {
    let mem = Path::new("/proc/self/mem");
    if !mem.exists() {
        eprintln!("skipped: no /proc/self/mem on this system");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.log");
    fs::write(&good, postfix_messages(0, 7)).unwrap();
    let r = scan(&[mem, &good], out.path(), &["--year", "2023"], 1);
    let m = manifest(out.path());
    assert_eq!(m["mem"]["status"], "unreadable");
    assert!(
        m["mem"]["error"].starts_with("read error: ")
            && m["mem"]["error"].contains("stopped at byte 0 of the file"),
        "{}",
        m["mem"]["error"]
    );
    assert!(
        r.stderr.contains("/proc/self/mem: read error"),
        "{}",
        r.stderr
    );
    assert_eq!(m["good.log"]["status"], "ok");
    assert_eq!(army_ml_sent(out.path()), 7);
    assert_eq!(run_json(out.path())["inputs"]["unreadable"], 1);
}

/// A zeroed file (a crash, a pre-allocating copy): read whole, nothing to
/// parse, and the manifest says it is not really empty.
#[test]
fn file_of_nul_bytes_is_read_and_said_to_hold_no_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut zeros = vec![0u8; 3 << 20];
    zeros[1 << 20] = b'\n';
    fs::write(dir.path().join("zeroed.log"), &zeros).unwrap();
    let out = tempfile::tempdir().unwrap();
    scan(&[dir.path()], out.path(), &[], 0);
    let m = &manifest(out.path())["zeroed.log"];
    let row = [
        "status",
        "format",
        "lines_read",
        "skipped_too_long",
        "content_bytes",
    ]
    .map(|c| m[c].as_str());
    assert_eq!(row, ["ok", "empty", "2", "2", "3145728"]);
    assert_eq!(
        m["notes"],
        "no line with text: its 3145728 bytes are blank lines, NUL bytes or lines too long to read"
    );
}
