//! The bodies of the fuzz targets, in the library so that `fuzz/` (cargo-fuzz,
//! nightly, sanitizers) and `cargo test` (stable, every CI run: the committed
//! corpora and fixtures with seeded mutations, `tests/fuzz_replay.rs`) run the
//! same code. Each target feeds arbitrary bytes through one stage the way a
//! scan does and must neither panic nor break the stage's own promise
//! (normalising a domain twice changes nothing).
//!
//! Not an API: nothing outside the fuzz targets and their replay uses it.

use crate::aggregate::Census;
use crate::correlate::{join::join_fragments, Correlator};
use crate::domain::{normalize_domain, registrable, split_address, unicode_form, unquote_local};
use crate::input::decode::RawReader;
use crate::input::lines::{read_lines, LineHandler};
use crate::parse::exchange::ExchangeParser;
use crate::parse::exim::EximParser;
use crate::parse::journal::JournalParser;
use crate::parse::m365::M365Parser;
use crate::parse::syslog::{PostfixNames, SyslogParser};
use crate::parse::LineParser;
use crate::progress::Counter;
use crate::time::{Clock, YearRule, YearSource, Zone, DAY};

/// The targets [`run`] knows, as `fuzz/fuzz_targets/` names them
/// (`decompress` takes structured input and stays in `fuzz/`).
pub const TARGETS: [&str; 8] = [
    "syslog_postfix",
    "sendmail",
    "exim",
    "exchange",
    "m365",
    "journal",
    "domain",
    "read_lines",
];

/// Runs target `name` on `data`; false for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    let utc = || Zone::utc();
    match name {
        "syslog_postfix" => {
            let zone = Zone::named("Europe/London").expect("bundled zone");
            let rule = YearRule::NotAfter {
                date: (2024, 1, 2),
                source: YearSource::FileName,
            };
            let names = PostfixNames::new(&["mta".into()]);
            lines(SyslogParser::new(Clock::new(rule, zone), names), data, b"");
        }
        "sendmail" => {
            let clock = Clock::new(YearRule::FirstLine(2024), utc());
            let p = SyslogParser::new(clock, PostfixNames::new(&[]));
            lines(p, data, b"Jul  7 10:12:01 mx sm-mta[1]: ");
        }
        "exim" => {
            let zone = Zone::named("Europe/London").expect("bundled zone");
            lines(
                EximParser::new(Clock::new(YearRule::FirstLine(2024), zone)),
                data,
                b"",
            );
        }
        "exchange" => {
            let clock = Clock::new(YearRule::FirstLine(2024), utc());
            lines(ExchangeParser::new(clock), data, b"");
        }
        "m365" => lines(
            M365Parser::new(Clock::new(YearRule::FirstLine(2024), utc())),
            data,
            b"",
        ),
        "journal" => {
            let clock = Clock::new(YearRule::FirstLine(2024), utc());
            lines(JournalParser::new(clock, PostfixNames::new(&[])), data, b"");
        }
        "domain" => domain(data),
        "read_lines" => {
            for pipeline in [false, true] {
                let raw = RawReader::new(std::io::Cursor::new(data.to_vec()), Counter::none());
                let _ = read_lines(raw, pipeline, &mut Count(0));
            }
        }
        _ => return false,
    }
    true
}

/// Every line of `data` (after `prefix`) through `parser`, then the join
/// and the census, as one file of a scan.
fn lines(mut parser: impl LineParser, data: &[u8], prefix: &[u8]) {
    let mut c = Correlator::new(0, DAY, Census::new());
    let mut line = Vec::new();
    for (i, body) in data.split(|&b| b == b'\n').enumerate() {
        line.clear();
        line.extend_from_slice(prefix);
        line.extend_from_slice(body);
        c.set_line(i as u64 + 1);
        parser.parse_line(&line, &mut c);
    }
    let _ = parser.finish();
    let (mut census, loose) = c.finish();
    join_fragments(loose, DAY, &mut census);
    let _ = census.take_rows();
}

fn domain(data: &[u8]) {
    let a = split_address(data);
    let _ = unquote_local(a.local);
    let mut once = Vec::new();
    normalize_domain(a.domain, &mut once);
    let mut twice = Vec::new();
    normalize_domain(&once, &mut twice);
    assert_eq!(once, twice, "normalising twice changed the domain");
    let s = String::from_utf8_lossy(&once);
    let _ = registrable(&s);
    let _ = unicode_form(&s);
}

/// `data` compressed fast as gzip, bzip2, xz or zstd (`kind` % 4): the
/// inputs of the decompression target and of its property test.
pub fn compress(kind: u8, data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let out = match kind % 4 {
        0 => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).and_then(|_| e.finish())
        }
        1 => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(data).and_then(|_| e.finish())
        }
        2 => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 0);
            e.write_all(data).and_then(|_| e.finish())
        }
        _ => zstd::encode_all(data, 1),
    };
    out.expect("compressing in memory")
}

struct Count(u64);

impl LineHandler for Count {
    fn begin(&mut self, _head: &[u8]) {}
    fn line(&mut self, line: &[u8], _n: u64, _nul: bool) {
        self.0 += line.len() as u64;
    }
    fn too_long(&mut self, _n: u64) {}
}
