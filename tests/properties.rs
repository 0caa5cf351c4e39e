//! Property tests: arbitrary input never panics the parsers or the reader,
//! and normalising a domain is idempotent.

use misdirect::aggregate::Census;
use misdirect::correlate::Correlator;
use misdirect::domain::normalize_domain;
use misdirect::input::decode::RawReader;
use misdirect::input::lines::{read_lines, LineHandler};
use misdirect::parse::syslog::{PostfixNames, SyslogParser};
use misdirect::parse::LineParser;
use misdirect::progress::Counter;
use misdirect::time::{Clock, YearRule, Zone, DAY};
use proptest::prelude::*;

fn parser() -> SyslogParser {
    SyslogParser::new(
        Clock::new(YearRule::FirstLine(2023), Zone::utc()),
        PostfixNames::new(&[]),
    )
}

/// Postfix-shaped lines with hostile pieces.
fn postfix_line() -> impl Strategy<Value = Vec<u8>> {
    let stamp = prop_oneof![
        Just("Jul  7 10:12:01".to_string()),
        Just("2023-07-17T10:12:01.123+01:00".to_string()),
        Just("<22>1 2023-07-17T10:12:01Z".to_string()),
        "[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}",
    ];
    let body = prop_oneof![
        "from=<[^>]{0,20}>, size=[0-9]{0,25}, nrcpt=1 \\(queue active\\)",
        "to=<[^>]{0,20}>, (orig_to=<.{0,10}>, )?relay=.{0,20}, delay=1, dsn=.{0,6}, status=(sent|bounced|deferred|expired|x).{0,20}",
        "removed",
        "from=<.{0,10}>, status=expired, returned to sender",
        "reject: .{0,40} to=<.{0,20}>.{0,10}",
        "message-id=<.{0,20}",
        ".{0,60}",
    ];
    (
        stamp,
        "[a-z0-9]{0,5}",
        "postfix(-x)?/(qmgr|smtp|cleanup|local|lmtp|x)",
        "[0-9A-Za-z]{0,40}",
        body,
    )
        .prop_map(|(s, h, p, q, b)| format!("{s} {h} {p}[1]: {q}: {b}").into_bytes())
}

/// Exim-shaped lines with hostile pieces.
fn exim_line() -> impl Strategy<Value = Vec<u8>> {
    let stamp = prop_oneof![
        Just("2023-07-17 10:12:01".to_string()),
        Just("2023-07-17 10:12:01.123 +0100 [42]".to_string()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}.{0,8}",
    ];
    let id = prop_oneof![
        "[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}",
        "[0-9A-Za-z]{6}-[0-9A-Za-z]{11}-[0-9A-Za-z]{4}",
        ".{0,20}",
    ];
    let body = prop_oneof![
        "<= .{0,20}( S=[0-9]{0,25})?( id=.{0,10})?",
        "(=>|->|>>|\\*\\*|==|\\*>) .{0,20}( <.{0,15}>?)?( H=.{0,15})?( C=\".{0,20})?.{0,20}",
        "Completed",
        "H=.{0,20} rejected RCPT <?.{0,20}",
        ".{0,60}",
    ];
    (stamp, id, body).prop_map(|(s, i, b)| format!("{s} {i} {b}").into_bytes())
}

/// Sendmail-shaped lines with hostile pieces.
fn sendmail_line() -> impl Strategy<Value = Vec<u8>> {
    let body = prop_oneof![
        "from=<?[^>]{0,20}>?, size=[0-9]{0,25}, class=0, nrcpts=[0-9], msgid=<.{0,15}>?, relay=.{0,10}",
        "to=(<[^>]{0,12}>?,?|[a-z,]{0,10}){1,4}, (ctladdr=.{0,12}, )?delay=1, mailer=(esmtp|local|relay|x), pri=1, relay=.{0,15}, dsn=.{0,6}, stat=(Sent|Deferred|queued|User unknown).{0,25}",
        "[0-9A-Za-z]{6,16}: (DSN|return to sender|sender notify): (Cannot send message for 5 days|.{0,20})",
        "ruleset=check_(rcpt|mail), arg1=<?.{0,15}>?, relay=.{0,10}(, reject=.{0,20})?",
        "<.{0,15}>?\\.{0,3} .{0,15}",
        ".{0,60}",
    ];
    (
        "(sendmail|sm-mta|sm-msp-queue)",
        prop_oneof!["[0-9A-Za-z]{0,20}: ", Just("NOQUEUE: ".to_string())],
        body,
    )
        .prop_map(|(p, q, b)| format!("Jul  7 10:12:01 mx {p}[1]: {q}{b}").into_bytes())
}

/// Exchange message tracking rows with hostile pieces, after a header.
fn exchange_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "#Fields: [a-z,-]{0,60}",
        "(2024-01-07T09:00:0[0-9].[0-9]{3}Z|.{0,10}),[0-9.]{0,8},[a-z]{0,5},,[a-z.]{0,8},,(Internet|Intra-Organization SMTP Send Connector|),SMTP,(RECEIVE|SEND|SENDEXTERNAL|DELIVER|FAIL|DEFER|DROP|DSN|X),[0-9]{0,4},<?.{0,8}>?,[a-f0-9-]{0,8},([a-z.@]{0,8};?){0,4},\"?[0-9. ;{}\\[\\]A-Z=]{0,30}\"?,[0-9]{0,22},.{0,40}",
        ".{0,80}",
    ]
    .prop_map(String::into_bytes)
}

/// Feeds `lines` to `p`, then finishes everything a run would: the file's
/// correlation, the cross-file join, the census rows and the parser's facts.
fn run_all<L: AsRef<[u8]>>(p: &mut dyn LineParser, lines: &[L]) {
    let mut c = Correlator::new(0, DAY, Census::new());
    for l in lines {
        p.parse_line(l.as_ref(), &mut c);
    }
    let (mut census, loose) = c.finish();
    misdirect::correlate::join::join_fragments(loose, DAY, &mut census);
    let _ = census.take_rows();
    let _ = p.finish();
}

struct Lines<'a>(&'a mut SyslogParser, Correlator<Census>);

impl LineHandler for Lines<'_> {
    fn begin(&mut self, _head: &[u8]) {}
    fn line(&mut self, line: &[u8], n: u64, _nul: bool) {
        self.1.set_line(n);
        self.0.parse_line(line, &mut self.1);
    }
    fn too_long(&mut self, _n: u64) {}
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parser_never_panics_on_bytes(line in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut p = parser();
        let mut c = Correlator::new(0, DAY, Census::new());
        p.parse_line(&line, &mut c);
        let _ = c.finish();
    }

    #[test]
    fn parser_never_panics_on_postfix_shaped_lines(lines in proptest::collection::vec(postfix_line(), 1..20)) {
        let mut p = parser();
        run_all(&mut p, &lines);
    }

    #[test]
    fn sendmail_lines_never_panic(lines in proptest::collection::vec(sendmail_line(), 1..20)) {
        let mut p = parser();
        run_all(&mut p, &lines);
    }

    #[test]
    fn exchange_parser_never_panics(lines in proptest::collection::vec(exchange_line(), 1..20)) {
        let mut p = misdirect::parse::exchange::ExchangeParser::new(
            Clock::new(YearRule::FirstLine(2024), Zone::utc()),
        );
        run_all(&mut p, &lines);
    }

    #[test]
    fn m365_parser_never_panics(header in prop_oneof![
        Just("\"origin_timestamp_utc\",\"sender_address\",\"recipient_status\",\"total_bytes\",\"network_message_id\",\"directionality\"".to_string()),
        Just("\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Status\",\"ToIP\",\"Size\",\"MessageTraceId\"".to_string()),
        Just("date_time_utc,event_id,network_message_id,recipient_address,recipient_status,sender_address".to_string()),
        ".{0,40}",
    ], rows in proptest::collection::vec(prop_oneof![
        "\"?([0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2} (AM|PM|XM)|2024-01-0[0-9]T0[0-9]:00:00(\\.[0-9]{0,9})?Z?)\"?,\"?[a-z@.<>]{0,10}\"?,\"?([a-z@.]{0,8}(##[A-Za-z, ]{0,20})?;?){0,3}\"?,\"?[A-Za-z0-9 ]{0,10}\"?,\"?[0-9.]{0,25}\"?,\"?.{0,10}\"?,.{0,20}",
        ".{0,60}",
    ], 0..20)) {
        let mut p = misdirect::parse::m365::M365Parser::new(
            Clock::new(YearRule::FirstLine(2024), Zone::utc()),
        );
        let lines: Vec<&str> = std::iter::once(header.as_str()).chain(rows.iter().map(String::as_str)).collect();
        run_all(&mut p, &lines);
    }

    #[test]
    fn exim_parser_never_panics(lines in proptest::collection::vec(prop_oneof![
        exim_line(),
        proptest::collection::vec(any::<u8>(), 0..200),
    ], 1..20)) {
        let mut p = misdirect::parse::exim::EximParser::new(
            Clock::new(YearRule::FirstLine(2023), Zone::utc()),
        );
        run_all(&mut p, &lines);
    }

    #[test]
    fn domain_normalisation_is_idempotent(raw in prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40),
        "[a-zA-Z0-9.\\-ü]{0,30}".prop_map(String::into_bytes),
        "\\PC{0,20}".prop_map(String::into_bytes),
    ]) {
        let mut once = Vec::new();
        normalize_domain(&raw, &mut once);
        let mut twice = Vec::new();
        normalize_domain(&once, &mut twice);
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn reader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000), magic in 0usize..8) {
        let prefixes: [&[u8]; 8] = [b"", &[0x1f, 0x8b], b"BZh9", &[0xfd, b'7', b'z', b'X', b'Z', 0], &[0x28, 0xb5, 0x2f, 0xfd], b"Jul  7 10:12:01 h postfix/qmgr[1]: ", &[0xff, 0xfe], &[0xfe, 0xff]];
        let mut data = prefixes[magic].to_vec();
        data.extend(bytes);
        let mut p = parser();
        let mut h = Lines(&mut p, Correlator::new(0, DAY, Census::new()));
        for pipeline in [false, true] {
            let raw = RawReader::new(std::io::Cursor::new(data.clone()), Counter::none());
            let _ = read_lines(raw, pipeline, &mut h);
        }
    }
}

/// The content as the line splitter saw it, lines joined with `\n`.
#[derive(Default)]
struct Content(Vec<u8>);

impl LineHandler for Content {
    fn begin(&mut self, _head: &[u8]) {}
    fn line(&mut self, line: &[u8], _n: u64, _nul: bool) {
        self.0.extend_from_slice(line);
        self.0.push(b'\n');
    }
    fn too_long(&mut self, _n: u64) {}
}

use misdirect::fuzzing::compress;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The decompression layer's promise: a compressed file cut anywhere is
    /// read as a prefix of its content, never more, with an error saying
    /// where; whole, it is read exactly; streamed and whole-file reads agree.
    #[test]
    fn cut_archives_read_as_a_prefix(
        kind in 0u8..4,
        lines in proptest::collection::vec("[ -~]{0,80}", 1..400),
        cut in any::<proptest::sample::Index>(),
    ) {
        let data: Vec<u8> = lines.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect();
        let full = compress(kind, &data);
        let at = cut.index(full.len() + 1);
        let bytes = &full[..at];
        let mut streamed = Content::default();
        let raw = RawReader::new(std::io::Cursor::new(bytes.to_vec()), Counter::none());
        let report = read_lines(raw, false, &mut streamed).unwrap();
        let mut whole = Content::default();
        let whole_report = misdirect::input::lines::read_whole(bytes.to_vec(), [0; 32], &mut whole).unwrap();
        prop_assert_eq!(&streamed.0, &whole.0);
        prop_assert_eq!(report.content_bytes, whole_report.content_bytes);
        if at == full.len() {
            prop_assert!(report.error.is_none());
            prop_assert_eq!(&streamed.0, &data);
        } else if at >= 6 {
            // (Shorter, the magic number is cut and the bytes are plain.)
            prop_assert!(report.error.is_some(), "a cut at {} of {} went unnoticed", at, full.len());
            // The last line may be cut short; the splitter ends it with \n.
            let got = &streamed.0[..streamed.0.len().saturating_sub(1)];
            prop_assert!(data.starts_with(got));
            prop_assert!(report.content_bytes <= data.len() as u64);
        }
    }
}

/// Ends a fork's stretch of lines: its facts join those of the forks before.
fn end_fork(
    fork: &mut Option<Box<dyn LineParser>>,
    facts: &mut Option<misdirect::parse::FileFacts>,
) {
    if let Some(mut f) = fork.take() {
        let got = f.finish();
        match facts {
            Some(acc) => acc.absorb(got),
            None => *facts = Some(got),
        }
    }
}

/// What a sink was given, as text (events are compared field by field).
#[derive(Default)]
struct Texts(Vec<String>);

impl misdirect::parse::EventSink for Texts {
    fn event(&mut self, e: &misdirect::parse::Event<'_>) {
        self.0.push(format!("{e:?}"));
    }
}

/// Year-less syslog lines whose months go forward, roll over December ->
/// January, step back a little (syslog does not sort) and jump back half a
/// year (a late line), mixed with stamps that carry a year (RFC 3339,
/// RFC 5424) and with noise.
fn dated_lines() -> impl Strategy<Value = Vec<Vec<u8>>> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const BODIES: [&str; 5] = [
        "mx1 postfix/qmgr[1]: 4A1B: from=<s@example.org>, size=100, nrcpt=1 (queue active)",
        "mx1 postfix/smtp[2]: 4A1B: to=<r@army.ml>, relay=mx.army.ml[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok)",
        "mx1 postfix/qmgr[1]: 4A1B: removed",
        "mx2 sendmail[3]: x7AB: to=<a@example.com>,<b@example.net>, delay=00:00:01, mailer=esmtp, stat=Sent (ok)",
        "mx1 postfix/smtpd[4]: connect from unknown[192.0.2.9]",
    ];
    let step =
        prop_oneof![8 => Just(0i32), 3 => Just(1), 1 => Just(-11), 1 => Just(6), 1 => Just(-1)];
    let stamp_kind = prop_oneof![12 => Just(0u8), 1 => Just(1), 1 => Just(2), 1 => Just(3)];
    let line = (
        step,
        1u32..=28,
        0u32..86_400,
        0usize..BODIES.len(),
        stamp_kind,
        "[ -~]{0,30}",
    );
    proptest::collection::vec(line, 1..80).prop_map(|v| {
        let mut month = 7i32;
        v.into_iter()
            .map(|(step, day, secs, body, kind, noise)| {
                month = (month - 1 + step).rem_euclid(12) + 1;
                let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
                let body = BODIES[body];
                match kind {
                    0 => format!(
                        "{} {day:>2} {h:02}:{m:02}:{s:02} {body}",
                        MONTHS[month as usize - 1]
                    ),
                    1 => format!("2024-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}+01:00 {body}"),
                    2 => format!("<22>1 2024-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z {body}"),
                    _ => noise,
                }
                .into_bytes()
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// A file's lines parsed by forks of its parser (`scan::segments`),
    /// with the file's parser scouting every line, give the events, the
    /// outcomes and the file facts (range, year rule and rollovers, year
    /// warning, second-reading rule, programs) of one parser reading them
    /// all, wherever the file is cut.
    #[test]
    fn forks_of_a_scouting_parser_read_like_one_parser(
        lines in dated_lines(),
        cuts in proptest::collection::vec(any::<bool>(), 80),
        date in prop_oneof![Just((2024, 7, 17)), Just((2024, 1, 3)), Just((2025, 12, 31))],
    ) {
        use misdirect::time::YearSource;
        let new = || SyslogParser::new(
            Clock::new(YearRule::NotAfter { date, source: YearSource::ModTime }, Zone::utc()),
            PostfixNames::new(&[]),
        );
        let mut one = new();
        let (mut direct, mut direct_outcomes) = (Texts::default(), Vec::new());
        for l in &lines {
            direct_outcomes.push(one.parse_line(l, &mut direct));
        }
        let direct_facts = one.finish();

        let mut file = new();
        let (mut forked, mut forked_outcomes) = (Texts::default(), Vec::new());
        let mut fork: Option<Box<dyn LineParser>> = None;
        let mut facts: Option<misdirect::parse::FileFacts> = None;
        for (i, l) in lines.iter().enumerate() {
            if i == 0 || cuts[i] {
                end_fork(&mut fork, &mut facts);
                fork = file.fork();
            }
            file.scout(l);
            let f = fork.as_mut().expect("syslog parsers fork");
            forked_outcomes.push(f.parse_line(l, &mut forked));
        }
        end_fork(&mut fork, &mut facts);
        let mut forked_facts = file.finish();
        if let Some(f) = facts {
            forked_facts.absorb(f);
        }
        prop_assert_eq!(forked.0, direct.0);
        prop_assert_eq!(forked_outcomes, direct_outcomes);
        prop_assert_eq!(format!("{forked_facts:?}"), format!("{direct_facts:?}"));
    }
}
