//! journald JSON exports (`journalctl -o json`) of arbitrary bytes through
//! the parser, the correlator, the join and the census: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use misdirect::aggregate::Census;
use misdirect::correlate::{join::join_fragments, Correlator};
use misdirect::parse::journal::JournalParser;
use misdirect::parse::syslog::PostfixNames;
use misdirect::parse::LineParser;
use misdirect::time::{Clock, YearRule, Zone, DAY};

fuzz_target!(|data: &[u8]| {
    let clock = Clock::new(YearRule::FirstLine(2024), Zone::utc());
    let mut parser = JournalParser::new(clock, PostfixNames::new(&[]));
    let mut c = Correlator::new(0, DAY, Census::new());
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        c.set_line(i as u64 + 1);
        parser.parse_line(line, &mut c);
    }
    let _ = parser.finish();
    let (mut census, loose) = c.finish();
    join_fragments(loose, DAY, &mut census);
    let _ = census.rows();
});
