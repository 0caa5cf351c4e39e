//! Criterion micro-benchmarks of the parsing hot path: the syslog envelope
//! and Postfix body parser alone, and with correlation and the census, over
//! the real Postfix sample log (bytes per second of log text).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use misdirect::aggregate::Census;
use misdirect::correlate::Correlator;
use misdirect::parse::syslog::{PostfixNames, SyslogParser};
use misdirect::parse::{Event, EventSink, LineParser};
use misdirect::time::{Clock, YearRule, Zone, DAY};

struct Discard;

impl EventSink for Discard {
    fn event(&mut self, _e: &Event<'_>) {}
}

fn log() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/postfix-real/bsd.log"
    );
    std::fs::read(path).expect("sample log")
}

fn parser() -> SyslogParser {
    SyslogParser::new(
        Clock::new(YearRule::FirstLine(2026), Zone::utc()),
        PostfixNames::new(&[]),
    )
}

fn bench(c: &mut Criterion) {
    let data = log();
    let mut g = c.benchmark_group("postfix");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            let mut p = parser();
            let mut sink = Discard;
            for line in data.split(|&c| c == b'\n') {
                p.parse_line(line, &mut sink);
            }
        })
    });
    g.bench_function("parse+correlate+census", |b| {
        b.iter(|| {
            let mut p = parser();
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

criterion_group!(benches, bench);
criterion_main!(benches);
