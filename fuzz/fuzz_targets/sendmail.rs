//! Sendmail message bodies: each input line is put behind a fixed
//! `sm-mta[1]: ` syslog header, so the fuzzer spends its time in the
//! Sendmail body parser (queue IDs, recipient lists, octal escapes, DSN and
//! reject lines), then the correlator and census. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use misdirect::aggregate::Census;
use misdirect::correlate::{join::join_fragments, Correlator};
use misdirect::parse::syslog::{PostfixNames, SyslogParser};
use misdirect::parse::LineParser;
use misdirect::time::{Clock, YearRule, Zone, DAY};

fuzz_target!(|data: &[u8]| {
    let mut parser = SyslogParser::new(
        Clock::new(YearRule::FirstLine(2024), Zone::utc()),
        PostfixNames::new(&[]),
    );
    let mut c = Correlator::new(0, DAY, Census::new());
    let mut line = Vec::new();
    for (i, body) in data.split(|&b| b == b'\n').enumerate() {
        line.clear();
        line.extend_from_slice(b"Jul  7 10:12:01 mx sm-mta[1]: ");
        line.extend_from_slice(body);
        c.set_line(i as u64 + 1);
        parser.parse_line(&line, &mut c);
    }
    let _ = parser.finish();
    let (mut census, loose) = c.finish();
    join_fragments(loose, DAY, &mut census);
    let _ = census.rows();
});
