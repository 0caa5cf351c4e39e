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
use crate::parse::recorded::Recorded;
use crate::parse::syslog::{PostfixNames, SyslogParser};
use crate::parse::{Event, EventSink, FileFacts, LineParser};
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
            let make = || SyslogParser::new(Clock::new(rule, zone.clone()), names.clone());
            lines(make, data, b"");
        }
        "sendmail" => {
            let make = || {
                let clock = Clock::new(YearRule::FirstLine(2024), utc());
                SyslogParser::new(clock, PostfixNames::new(&[]))
            };
            lines(make, data, b"Jul  7 10:12:01 mx sm-mta[1]: ");
        }
        "exim" => {
            let zone = Zone::named("Europe/London").expect("bundled zone");
            let make = || EximParser::new(Clock::new(YearRule::FirstLine(2024), zone.clone()));
            lines(make, data, b"");
        }
        "exchange" => {
            let make = || ExchangeParser::new(Clock::new(YearRule::FirstLine(2024), utc()));
            lines(make, data, b"");
        }
        "m365" => lines(
            || M365Parser::new(Clock::new(YearRule::FirstLine(2024), utc())),
            data,
            b"",
        ),
        "journal" => {
            let make = || {
                let clock = Clock::new(YearRule::FirstLine(2024), utc());
                JournalParser::new(clock, PostfixNames::new(&[]))
            };
            lines(make, data, b"");
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

/// Every line of `data` (after `prefix`) through a parser, then the join
/// and the census, as one file of a scan. Then, for formats whose parsers
/// fork (`scan::segments`), the same lines cut into segments (where a
/// line starts with an odd byte) and parsed by forks of a parser that
/// scouts every line, their events recorded and replayed: the events, the
/// outcomes and the file facts must be those of the one parser.
fn lines<P: LineParser>(make: impl Fn() -> P, data: &[u8], prefix: &[u8]) {
    let with_prefix = |body: &[u8], line: &mut Vec<u8>| {
        line.clear();
        line.extend_from_slice(prefix);
        line.extend_from_slice(body);
    };
    let mut parser = make();
    let mut tee = Tee {
        texts: Vec::new(),
        inner: Correlator::new(0, DAY, Census::new()),
    };
    let mut outcomes = Vec::new();
    let mut line = Vec::new();
    for (i, body) in data.split(|&b| b == b'\n').enumerate() {
        with_prefix(body, &mut line);
        tee.inner.set_line(i as u64 + 1);
        outcomes.push(parser.parse_line(&line, &mut tee));
    }
    let facts = parser.finish();
    let (mut census, loose) = tee.inner.finish();
    join_fragments(loose, DAY, &mut census);
    let _ = census.take_rows();

    let mut file = make();
    if file.fork().is_none() {
        return;
    }
    let mut replayed = Texts(Vec::new());
    let mut cut_outcomes = Vec::new();
    let mut fork_facts: Option<FileFacts> = None;
    let mut segment: Option<(Box<dyn LineParser>, Recorded)> = None;
    let mut end = |segment: &mut Option<(Box<dyn LineParser>, Recorded)>, replayed: &mut Texts| {
        if let Some((mut f, rec)) = segment.take() {
            rec.replay(&mut |_, e| replayed.event(e));
            let got = f.finish();
            match &mut fork_facts {
                Some(acc) => acc.absorb(got),
                None => fork_facts = Some(got),
            }
        }
    };
    for (i, body) in data.split(|&b| b == b'\n').enumerate() {
        if segment.is_none() || body.first().is_some_and(|b| b % 2 == 1) {
            end(&mut segment, &mut replayed);
            segment = Some((file.fork().expect("forked before"), Recorded::default()));
        }
        with_prefix(body, &mut line);
        file.scout(&line);
        let (f, rec) = segment.as_mut().expect("a segment is open");
        rec.set_line(i as u64 + 1);
        cut_outcomes.push(f.parse_line(&line, rec));
    }
    end(&mut segment, &mut replayed);
    let mut cut_facts = file.finish();
    if let Some(f) = fork_facts {
        cut_facts.absorb(f);
    }
    assert_eq!(replayed.0, tee.texts, "forked parsers gave other events");
    assert_eq!(cut_outcomes, outcomes, "forked parsers gave other outcomes");
    assert_eq!(
        format!("{cut_facts:?}"),
        format!("{facts:?}"),
        "forked parsers gave other file facts"
    );
}

/// Events as text, for comparing two parsings.
struct Texts(Vec<String>);

impl EventSink for Texts {
    fn event(&mut self, e: &Event<'_>) {
        self.0.push(format!("{e:?}"));
    }
}

/// Passes events on, keeping them as text.
struct Tee<S: EventSink> {
    texts: Vec<String>,
    inner: S,
}

impl<S: EventSink> EventSink for Tee<S> {
    fn event(&mut self, e: &Event<'_>) {
        self.texts.push(format!("{e:?}"));
        self.inner.event(e);
    }
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
