//! Lines of arbitrary bytes through the syslog parser (Postfix and Sendmail bodies), the
//! correlator, the cross-file join and the census: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use misdirect::aggregate::Census;
use misdirect::correlate::{join::join_fragments, Correlator};
use misdirect::parse::syslog::{PostfixNames, SyslogParser};
use misdirect::parse::LineParser;
use misdirect::time::{Clock, YearRule, YearSource, Zone, DAY};

fuzz_target!(|data: &[u8]| {
    let zone = Zone::named("Europe/London").unwrap();
    let rule = YearRule::NotAfter { date: (2024, 1, 2), source: YearSource::FileName };
    let mut parser = SyslogParser::new(Clock::new(rule, zone), PostfixNames::new(&["mta".into()]));
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
