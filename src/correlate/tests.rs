use super::join::join_fragments;
use super::*;
use crate::aggregate::Census;
use crate::parse::syslog::{PostfixNames, SyslogParser};
use crate::parse::{LineParser, Status};
use crate::time::{Clock, YearRule, Zone, DAY};

/// Correlates `text` as file `file`; returns the census of finished
/// messages and the loose fragments.
fn correlate(file: u32, text: &str) -> (Census, Vec<Fragment>) {
    let mut parser = SyslogParser::new(
        Clock::new(YearRule::FirstLine(2023), Zone::utc()),
        PostfixNames::new(&[]),
    );
    let mut c = Correlator::new(file, DAY, Census::new());
    for (i, line) in text.lines().enumerate() {
        c.set_line(i as u64 + 1);
        parser.parse_line(line.as_bytes(), &mut c);
    }
    c.finish()
}

/// Correlates one file and joins its loose fragments: the census of a run
/// over this file alone.
fn census_of(text: &str) -> Census {
    let (mut census, loose) = correlate(0, text);
    join_fragments(loose, DAY, &mut census);
    census
}

fn sent(census: &Census, domain: &str) -> u64 {
    census
        .domain(domain)
        .map_or(0, |d| d.deliveries[Status::Sent as usize])
}

#[test]
fn whole_message_in_one_file() {
    let (census, loose) = correlate(
        0,
        "Jul  7 10:00:00 mx1 postfix/cleanup[3]: AAAAA1: message-id=<AAAAA1@example.org>
Jul  7 10:00:00 mx1 postfix/qmgr[1]: AAAAA1: from=<a@example.org>, size=100, nrcpt=1 (queue active)
Jul  7 10:00:01 mx1 postfix/smtp[2]: AAAAA1: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  7 10:00:01 mx1 postfix/qmgr[1]: AAAAA1: removed",
    );
    assert!(loose.is_empty());
    let d = census.domain("army.ml").unwrap();
    assert_eq!((d.messages, d.bytes_sent, d.senders.len()), (1, 100, 1));
    assert_eq!(census.totals.messages, 1);
}

#[test]
fn join_across_rotation_boundary() {
    // mail.log.2 ends with the arrival; mail.log.1 starts with the delivery.
    let (mut census, mut loose) = correlate(
        0,
        "Jul  7 23:59:58 mx1 postfix/qmgr[1]: BBBBB2: from=<a@example.org>, size=5000, nrcpt=2 (queue active)
Jul  7 23:59:59 mx1 postfix/smtp[2]: BBBBB2: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)",
    );
    assert_eq!(census.totals.messages, 0, "nothing finished yet");
    let (c2, l2) = correlate(
        1,
        "Jul  8 00:00:01 mx1 postfix/smtp[2]: BBBBB2: to=<y@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  8 00:00:01 mx1 postfix/qmgr[1]: BBBBB2: removed",
    );
    census.merge(c2);
    loose.extend(l2);
    assert_eq!(loose.len(), 2);
    let stats = join_fragments(loose, DAY, &mut census);
    assert_eq!(stats.joined, 1);
    let d = census.domain("army.ml").unwrap();
    assert_eq!((d.messages, d.recipients.len(), d.bytes_sent), (1, 2, 5000));
    assert_eq!(census.totals.messages_without_arrival, 0);
}

#[test]
fn content_filter_hop_counted_once() {
    let (census, loose) = correlate(
        0,
        "Jul  7 10:00:00 mx1 postfix/cleanup[3]: CCCCC1: message-id=<CCCCC1@example.org>
Jul  7 10:00:00 mx1 postfix/qmgr[1]: CCCCC1: from=<a@example.org>, size=100, nrcpt=1 (queue active)
Jul  7 10:00:01 mx1 postfix/smtp[2]: CCCCC1: to=<x@army.mil>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as CCCCC2)
Jul  7 10:00:01 mx1 postfix/qmgr[1]: CCCCC1: removed
Jul  7 10:00:01 mx1 postfix/cleanup[3]: CCCCC2: message-id=<CCCCC1@example.org>
Jul  7 10:00:01 mx1 postfix/qmgr[1]: CCCCC2: from=<a@example.org>, size=180, nrcpt=1 (queue active)
Jul  7 10:00:02 mx1 postfix/smtp[2]: CCCCC2: to=<x@army.mil>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  7 10:00:02 mx1 postfix/qmgr[1]: CCCCC2: removed",
    );
    assert!(loose.is_empty());
    let d = census.domain("army.mil").unwrap();
    assert_eq!(
        (d.messages, sent(&census, "army.mil"), d.bytes_sent),
        (1, 1, 180)
    );
    assert_eq!(census.totals.content_filter_hops, 1);
    assert_eq!(census.totals.messages, 1);
}

#[test]
fn expired_message_marks_deferred_recipients() {
    let census = census_of(
        "Jul  7 10:00:00 mx1 postfix/cleanup[3]: DDDDD1: message-id=<DDDDD1@example.org>
Jul  7 10:00:00 mx1 postfix/qmgr[1]: DDDDD1: from=<a@example.org>, size=100, nrcpt=2 (queue active)
Jul  7 10:00:01 mx1 postfix/smtp[2]: DDDDD1: to=<x@modgov.uk>, relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (connect refused)
Jul  7 10:00:01 mx1 postfix/smtp[2]: DDDDD1: to=<y@army.mil>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  7 11:00:01 mx1 postfix/smtp[2]: DDDDD1: to=<x@modgov.uk>, relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (connect refused)
Jul  7 12:00:00 mx1 postfix/qmgr[1]: DDDDD1: from=<a@example.org>, status=expired, returned to sender
Jul  7 12:00:00 mx1 postfix/qmgr[1]: DDDDD1: removed",
    );
    let d = census.domain("modgov.uk").unwrap();
    assert_eq!(d.deliveries, [0, 0, 0, 1]);
    assert_eq!(d.bytes_sent, 0);
    assert_eq!(census.totals.deferral_attempts, 2);
    assert_eq!(census.totals.messages_expired, 1);
    assert_eq!(sent(&census, "army.mil"), 1);
}

#[test]
fn reused_queue_id_after_gap_is_a_new_message() {
    let census = census_of(
        "Jul  1 10:00:00 mx1 postfix/qmgr[1]: EEEEE1: from=<a@example.org>, size=100, nrcpt=1 (queue active)
Jul  1 10:00:01 mx1 postfix/smtp[2]: EEEEE1: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  9 09:59:59 mx1 postfix/smtpd[4]: EEEEE1: client=x[192.0.2.3]
Jul  9 10:00:00 mx1 postfix/qmgr[1]: EEEEE1: from=<b@example.org>, size=200, nrcpt=1 (queue active)
Jul  9 10:00:01 mx1 postfix/smtp[2]: EEEEE1: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  9 10:00:01 mx1 postfix/qmgr[1]: EEEEE1: removed",
    );
    let d = census.domain("army.ml").unwrap();
    assert_eq!((d.messages, d.bytes_sent, d.senders.len()), (2, 300, 2));
    assert_eq!(census.totals.messages_not_removed, 1);
}

#[test]
fn same_queue_id_on_two_hosts_is_two_messages() {
    let (census, loose) = correlate(
        0,
        "Jul  7 10:00:00 mx1 postfix/cleanup[3]: FFFFF1: message-id=<f1@example.org>
Jul  7 10:00:00 mx2 postfix/cleanup[3]: FFFFF1: message-id=<f2@example.org>
Jul  7 10:00:00 mx1 postfix/qmgr[1]: FFFFF1: from=<a@example.org>, size=100, nrcpt=1 (queue active)
Jul  7 10:00:00 mx2 postfix/qmgr[1]: FFFFF1: from=<b@example.org>, size=200, nrcpt=1 (queue active)
Jul  7 10:00:01 mx1 postfix/smtp[2]: FFFFF1: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  7 10:00:01 mx2 postfix/smtp[2]: FFFFF1: to=<y@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (no)
Jul  7 10:00:02 mx1 postfix/qmgr[1]: FFFFF1: removed
Jul  7 10:00:02 mx2 postfix/qmgr[1]: FFFFF1: removed",
    );
    assert!(loose.is_empty());
    let d = census.domain("army.ml").unwrap();
    assert_eq!((d.messages, d.bytes_sent), (2, 100));
    assert_eq!(d.deliveries, [1, 1, 0, 0]);
}

#[test]
fn headless_message_late_in_file_is_counted_without_sender() {
    let (census, loose) = correlate(
        0,
        "Jul  7 10:00:00 mx1 postfix/cleanup[3]: GGGGG1: message-id=<GGGGG1@example.org>
Jul  7 10:00:00 mx1 postfix/qmgr[1]: GGGGG1: from=<a@example.org>, size=100, nrcpt=1 (queue active)
Jul  7 10:00:00 mx1 postfix/qmgr[1]: GGGGG1: removed
Jul  9 10:00:01 mx1 postfix/smtp[2]: HHHHH1: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  9 10:00:02 mx1 postfix/qmgr[1]: HHHHH1: removed",
    );
    assert!(loose.is_empty());
    assert_eq!(census.totals.messages_without_arrival, 1);
    assert_eq!(census.totals.deliveries_without_arrival, 1);
    let d = census.domain("army.ml").unwrap();
    assert_eq!((d.messages, d.senders.len()), (1, 0));
}

#[test]
fn lost_removed_line_and_new_sender_starts_new_message() {
    let census = census_of(
        "Jul  7 10:00:00 mx1 postfix/cleanup[3]: IIIII1: message-id=<IIIII1@example.org>
Jul  7 10:00:00 mx1 postfix/qmgr[1]: IIIII1: from=<a@example.org>, size=100, nrcpt=1 (queue active)
Jul  7 10:00:01 mx1 postfix/smtp[2]: IIIII1: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  7 10:05:00 mx1 postfix/cleanup[3]: IIIII1: message-id=<i2@example.org>
Jul  7 10:05:00 mx1 postfix/qmgr[1]: IIIII1: from=<b@example.org>, size=200, nrcpt=1 (queue active)
Jul  7 10:05:01 mx1 postfix/smtp[2]: IIIII1: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  7 10:05:01 mx1 postfix/qmgr[1]: IIIII1: removed",
    );
    let d = census.domain("army.ml").unwrap();
    assert_eq!((d.messages, d.bytes_sent), (2, 300));
}

#[test]
fn deferred_retries_span_files_and_join_into_one_message() {
    // A deferred message repeats its arrival line on every retry, so each
    // file holds a fragment with sender and size; only the first file saw
    // the message created.
    let (mut census, mut loose) = correlate(
        0,
        "Jul  7 23:57:33 mx1 postfix/cleanup[3]: JJJJJ1: message-id=<j@example.org>
Jul  7 23:57:33 mx1 postfix/qmgr[1]: JJJJJ1: from=<a@example.org>, size=100, nrcpt=2 (queue active)
Jul  7 23:57:33 mx1 postfix/smtp[2]: JJJJJ1: to=<w@mod.gov.uk>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  7 23:57:33 mx1 postfix/smtp[2]: JJJJJ1: to=<g@modgov.uk>, relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (refused)",
    );
    for (file, text) in [
        (1, "Jul  8 00:30:00 mx1 postfix/qmgr[1]: JJJJJ1: from=<a@example.org>, size=100, nrcpt=2 (queue active)
Jul  8 00:30:00 mx1 postfix/smtp[2]: JJJJJ1: to=<g@modgov.uk>, relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (refused)"),
        (2, "Jul  8 01:30:00 mx1 postfix/qmgr[1]: JJJJJ1: from=<a@example.org>, size=100, nrcpt=2 (queue active)
Jul  8 01:30:00 mx1 postfix/smtp[2]: JJJJJ1: to=<g@modgov.uk>, relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (refused)
Jul  8 01:30:00 mx1 postfix/qmgr[1]: JJJJJ1: from=<a@example.org>, status=expired, returned to sender
Jul  8 01:30:00 mx1 postfix/qmgr[1]: JJJJJ1: removed"),
    ] {
        let (c, l) = correlate(file, text);
        assert_eq!(c.totals.messages, 0, "file {file} finished nothing");
        census.merge(c);
        loose.extend(l);
    }
    let stats = join_fragments(loose, DAY, &mut census);
    assert_eq!(stats.joined, 2);
    assert_eq!(census.totals.messages, 1);
    let d = census.domain("modgov.uk").unwrap();
    assert_eq!((d.messages, d.deliveries), (1, [0, 0, 0, 1]));
    assert_eq!(census.totals.deferral_attempts, 3);
}

#[test]
fn created_fragment_is_not_joined_to_an_older_one() {
    let (mut census, mut loose) = correlate(
        0,
        "Jul  7 23:00:00 mx1 postfix/qmgr[1]: KKKKK1: from=<a@example.org>, size=100, nrcpt=1 (queue active)
Jul  7 23:00:01 mx1 postfix/smtp[2]: KKKKK1: to=<x@army.ml>, relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (refused)",
    );
    let (c, l) = correlate(
        1,
        "Jul  8 00:00:00 mx1 postfix/cleanup[3]: KKKKK1: message-id=<k2@example.org>
Jul  8 00:00:00 mx1 postfix/qmgr[1]: KKKKK1: from=<a@example.org>, size=200, nrcpt=1 (queue active)
Jul  8 00:00:01 mx1 postfix/smtp[2]: KKKKK1: to=<x@army.ml>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)
Jul  8 00:00:01 mx1 postfix/qmgr[1]: KKKKK1: removed",
    );
    census.merge(c);
    loose.extend(l);
    join_fragments(loose, DAY, &mut census);
    let d = census.domain("army.ml").unwrap();
    assert_eq!((d.messages, d.deliveries), (2, [1, 0, 1, 0]));
}

/// Sendmail logs no end of a message: one whose recipients all have a final
/// outcome is finished once quiet (not held for the whole join gap, nor
/// kept as a fragment at the file's end); one with a deferred recipient is
/// kept, and its retry joins it.
#[test]
fn messages_without_an_end_line_finish_when_done_and_quiet() {
    let (census, loose) = correlate(
        0,
        "Jul  7 10:00:00 mx1 sm-mta[1]: 36HACD1s000001: from=<a@example.org>, size=100, class=0, nrcpts=1, msgid=<m1@example.org>, relay=ws [10.0.0.5]
Jul  7 10:00:01 mx1 sm-mta[2]: 36HACD1s000001: to=<x@army.ml>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)
Jul  7 10:00:05 mx1 sm-mta[1]: 36HACD1s000002: from=<b@example.org>, size=200, class=0, nrcpts=1, msgid=<m2@example.org>, relay=ws [10.0.0.5]
Jul  7 10:00:06 mx1 sm-mta[2]: 36HACD1s000002: to=<y@navy.ml>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx. [192.0.2.2], dsn=4.0.0, stat=Deferred: Connection refused
Jul  7 10:20:00 mx1 sm-mta[3]: 36HACD1s000003: from=<c@example.org>, size=300, class=0, nrcpts=1, msgid=<m3@example.org>, relay=ws [10.0.0.5]
Jul  7 10:20:01 mx1 sm-mta[3]: 36HACD1s000003: to=<z@army.mil>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx. [192.0.2.3], dsn=2.0.0, stat=Sent (ok)
Jul  7 10:40:00 mx1 sm-mta[4]: 36HACD1s000002: to=<y@navy.ml>, delay=00:40:00, mailer=esmtp, pri=1, relay=mx. [192.0.2.2], dsn=2.0.0, stat=Sent (ok)",
    );
    // The first message was finished by the sweep at 10:20 and the third at
    // the file's end (done, and quiet for 20 minutes); the deferred one
    // stayed open, took its retry, and is recent at the end of the file (it
    // may continue in the next).
    assert_eq!(sent(&census, "army.ml"), 1);
    assert_eq!(sent(&census, "army.mil"), 1);
    assert_eq!(census.totals.messages, 2);
    assert_eq!(loose.len(), 1);
    let joined = census_of(
        "Jul  7 10:00:05 mx1 sm-mta[1]: 36HACD1s000002: from=<b@example.org>, size=200, class=0, nrcpts=1, msgid=<m2@example.org>, relay=ws [10.0.0.5]
Jul  7 10:00:06 mx1 sm-mta[2]: 36HACD1s000002: to=<y@navy.ml>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx. [192.0.2.2], dsn=4.0.0, stat=Deferred: Connection refused
Jul  7 10:40:00 mx1 sm-mta[4]: 36HACD1s000002: to=<y@navy.ml>, delay=00:40:00, mailer=esmtp, pri=1, relay=mx. [192.0.2.2], dsn=2.0.0, stat=Sent (ok)
Jul  7 11:40:00 mx1 sm-mta[5]: 36HACD1s000009: from=<d@example.org>, size=1, class=0, nrcpts=0, msgid=<m9@example.org>, relay=ws [10.0.0.5]",
    );
    let d = joined.domain("navy.ml").unwrap();
    assert_eq!(
        (
            d.messages,
            d.deliveries[Status::Sent as usize],
            d.bytes_sent
        ),
        (1, 1, 200)
    );
    assert_eq!(joined.totals.deferral_attempts, 1);
}

#[test]
fn keys_differ_in_any_byte_of_any_word() {
    let long: Vec<u8> = (0..60u8).map(|i| b'A' + i % 26).collect();
    for id in [&b"4F9D1C2A3B"[..], &long[..16], &long[..47], &long[..]] {
        assert!(Key::new(1, id) == Key::new(1, id));
        assert!(Key::new(1, id) != Key::new(2, id), "another host");
        for at in 0..id.len() {
            let mut other = id.to_vec();
            other[at] ^= 0x20;
            assert!(
                Key::new(1, id) != Key::new(1, &other),
                "{at} of {}",
                id.len()
            );
        }
    }
    assert!(
        Key::new(1, b"ABC") != Key::new(1, b"ABC\0"),
        "the length counts"
    );
}

/// `same_name` agrees with `==` for every length it special-cases, with the
/// names differing in any single byte, or in length only.
#[test]
fn host_names_compare_like_slices() {
    for n in 0..40usize {
        let a: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
        assert!(same_name(&a, &a.clone()), "{n}");
        for i in 0..n {
            let mut b = a.clone();
            b[i] ^= 0x20;
            assert!(!same_name(&a, &b), "{n} {i}");
        }
        let mut longer = a.clone();
        longer.push(b'x');
        assert!(!same_name(&a, &longer), "{n}");
    }
}
