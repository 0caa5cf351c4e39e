//! Criterion micro-benchmarks of the parsing hot path, one group per format,
//! over real or documented logs bundled with the repository: each parser
//! alone (events thrown away), and for Postfix also with correlation and
//! the census (bytes per second of log text).
//!
//! `cargo bench --bench parse`; results in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use misdirect::aggregate::Census;
use misdirect::correlate::Correlator;
use misdirect::parse::exchange::ExchangeParser;
use misdirect::parse::exim::EximParser;
use misdirect::parse::journal::JournalParser;
use misdirect::parse::m365::M365Parser;
use misdirect::parse::syslog::{PostfixNames, SyslogParser};
use misdirect::parse::{Event, EventSink, LineParser};
use misdirect::time::{Clock, YearRule, Zone, DAY};

struct Discard;

impl EventSink for Discard {
    fn event(&mut self, _e: &Event<'_>) {}
}

fn read(rel: &str) -> Vec<u8> {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn clock() -> Clock {
    Clock::new(YearRule::FirstLine(2026), Zone::utc())
}

fn syslog() -> Box<dyn LineParser> {
    Box::new(SyslogParser::new(clock(), PostfixNames::new(&[])))
}

/// Benchmarks one parser over one log, events discarded.
fn parse_only(c: &mut Criterion, name: &str, rel: &str, make: fn() -> Box<dyn LineParser>) {
    let data = read(rel);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            let mut p = make();
            let mut sink = Discard;
            for line in data.split(|&c| c == b'\n') {
                p.parse_line(line.strip_suffix(b"\r").unwrap_or(line), &mut sink);
            }
        })
    });
    g.finish();
}

fn postfix(c: &mut Criterion) {
    parse_only(c, "postfix", "tests/data/postfix-real/bsd.log", syslog);
    let data = read("tests/data/postfix-real/bsd.log");
    let mut g = c.benchmark_group("postfix");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("parse+correlate+census", |b| {
        b.iter(|| {
            let mut p = syslog();
            let mut c = Correlator::new(0, DAY, Census::new());
            for (i, line) in data.split(|&c| c == b'\n').enumerate() {
                c.set_line(i as u64);
                p.parse_line(line, &mut c);
            }
            c.finish()
        })
    });
    g.finish();
}

fn others(c: &mut Criterion) {
    parse_only(c, "exim", "samples/exim/mainlog", || {
        Box::new(EximParser::new(clock()))
    });
    parse_only(c, "sendmail", "samples/sendmail/maillog", syslog);
    parse_only(c, "journal", "tests/data/journal/sendmail.json", || {
        Box::new(JournalParser::new(clock(), PostfixNames::new(&[])))
    });
    parse_only(
        c,
        "exchange",
        "tests/data/exchange/MSGTRK2024010700-1.LOG",
        || Box::new(ExchangeParser::new(clock())),
    );
    parse_only(c, "m365", "tests/data/m365/trace-enhanced.csv", || {
        Box::new(M365Parser::new(clock()))
    });
}

criterion_group!(benches, postfix, others);
criterion_main!(benches);
