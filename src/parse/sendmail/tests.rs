//! Sendmail lines: the published examples of fluent-plugin-sendmail's README
//! and the shapes Sendmail 8.17 writes on Debian 12 (see samples/sendmail).

use crate::parse::syslog::{PostfixNames, SyslogParser};
use crate::parse::testutil::{collect, Owned};
use crate::parse::{LineParser, Outcome, RelayClass, SkipReason, Status};
use crate::time::{Clock, YearRule, Zone};

fn parser() -> SyslogParser {
    SyslogParser::new(
        Clock::new(YearRule::FirstLine(2016), Zone::utc()),
        PostfixNames::new(&[]),
    )
}

fn one(line: &str) -> (Outcome, Vec<Owned>) {
    collect(&mut parser(), line.as_bytes())
}

#[test]
fn arrival_is_start_and_arrival() {
    let (o, ev) = one("Apr  2 00:15:25 mta001 sendmail[32300]: u31FFPtp032300: from=<grandeur09@gmail.com>, size=5938, class=0, nrcpts=5, msgid=<201604011515.u31FFIAj012911@gmail.com>, proto=ESMTP, daemon=MTA, relay=[64.233.187.27]");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0].queue_id, "u31FFPtp032300");
    assert_eq!(ev[0].host, "mta001");
    assert_eq!(ev[0].kind, "start 201604011515.u31FFIAj012911@gmail.com");
    assert_eq!(ev[1].kind, "arrival sender=grandeur09@gmail.com size=5938");
}

#[test]
fn local_sender_without_brackets_and_absurd_size() {
    let (_, ev) = one("Jul 17 10:12:01 mx sm-msp-queue[9]: 36HACD1s001234: from=root, size=99999999999999999999, class=0, nrcpts=1, msgid=<x@mx>, relay=root@localhost");
    assert_eq!(ev[1].kind, "arrival sender=root size=?");
}

#[test]
fn several_recipients_on_one_line() {
    let (o, ev) = one("Apr  2 00:15:26 mta001 sendmail[32302]: u31FFPtp032300: to=<sent3@example2.com>,<sent4@example2.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=245938, relay=[93.184.216.34] [93.184.216.34], dsn=2.0.0, stat=Sent (ok:  Message 40279895 accepted)");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev.len(), 2);
    let tos: Vec<&str> = ev
        .iter()
        .map(|e| e.delivery.as_ref().unwrap().to.as_str())
        .collect();
    assert_eq!(tos, ["sent3@example2.com", "sent4@example2.com"]);
    let d = ev[1].delivery.as_ref().unwrap();
    assert_eq!(d.status, Status::Sent);
    assert_eq!(d.class, RelayClass::Remote);
    assert_eq!(d.relay, "[93.184.216.34] [93.184.216.34]");
    assert_eq!(d.dsn, "2.0.0");
    assert_eq!(d.reply, "ok:  Message 40279895 accepted");
}

#[test]
fn deferral_with_reason() {
    let (_, ev) = one("Apr  2 00:15:25 mta001 sendmail[12566]: u31FFPtp032300: to=<deferred1@example.com>, delay=00:00:15, xdelay=00:00:15, mailer=esmtp, pri=120000, relay=mx.example.com. [192.0.2.7], dsn=4.3.5, stat=Deferred: 451 4.3.5 Server configuration problem, try later");
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(d.status, Status::Deferred);
    assert_eq!(d.reply, "451 4.3.5 Server configuration problem, try later");
    assert_eq!(d.relay, "mx.example.com. [192.0.2.7]");
}

#[test]
fn bounce_by_dsn_class() {
    let (_, ev) = one("Jul 17 10:12:03 mx sm-mta[77]: 36HACD1s001234: to=<x@af.ml>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=121234, relay=[127.0.0.1] [127.0.0.1], dsn=5.1.1, stat=User unknown");
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(d.status, Status::Bounced);
    assert_eq!(d.reply, "User unknown");
    assert_eq!(d.class, RelayClass::Remote);
}

#[test]
fn local_recipients_are_bare_and_local() {
    let (_, ev) = one("Jul 17 10:12:03 mx sm-mta[77]: 36HACD1s001234: to=root,alice, ctladdr=<team@example.org> (8/0), delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30500, dsn=2.0.0, stat=Sent");
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0].delivery.as_ref().unwrap().to, "root");
    let d = ev[1].delivery.as_ref().unwrap();
    assert_eq!(d.to, "alice");
    assert_eq!(d.class, RelayClass::Local);
    assert_eq!(d.status, Status::Sent);
    assert_eq!(d.reply, "");
}

#[test]
fn submission_hand_off_is_a_hop() {
    let (_, ev) = one("Jul 17 10:12:01 mx sendmail[55]: 36HACD1s001230: to=<john@army.ml>, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=30100, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (36HACD1s001234 Message accepted for delivery)");
    assert_eq!(ev[0].delivery.as_ref().unwrap().class, RelayClass::Hop);
    // Deferred because the MTA was not up yet (a real Sendmail 8.17 line):
    // still a hop, and every bare address of the list is read.
    let (_, ev) = one("Nov 29 11:35:10 mx1 sendmail[30]: 6ATBZAsS000030: to=a.clark@navy.mil,fleet.ops@navy.mil,d.lewis@navy.mil,k.brown@army.mil, ctladdr=frank@example.org (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=121025, relay=[127.0.0.1] [127.0.0.1], dsn=4.4.1, stat=Deferred: Connection refused by [127.0.0.1]");
    assert_eq!(ev.len(), 4);
    assert_eq!(ev[3].delivery.as_ref().unwrap().to, "k.brown@army.mil");
    for e in &ev {
        let d = e.delivery.as_ref().unwrap();
        assert_eq!((d.class, d.status), (RelayClass::Hop, Status::Deferred));
    }
}

#[test]
fn octal_escapes_are_decoded() {
    let (_, ev) = one(
        r"Jul 17 10:12:03 mx sm-mta[77]: 36HACD1s001234: to=<x@rolls-royc\320\265.com>, delay=00:00:01, mailer=esmtp, pri=1, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (OK)",
    );
    assert_eq!(ev[0].delivery.as_ref().unwrap().to, "x@rolls-roycе.com");
}

#[test]
fn expiry_and_bounce_message() {
    let (o, ev) = one("Jul 17 10:20:01 mx sm-mta[80]: 36HACD1s001234: 36HAK11s001299: DSN: Cannot send message for 3 minutes");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[0].queue_id, "36HACD1s001234");
    assert_eq!(ev[0].kind, "expired");
    assert_eq!(ev[1].queue_id, "36HAK11s001299");
    assert_eq!(ev[2].kind, "arrival sender= size=?");
    let (_, ev) =
        one("Jul 17 10:20:01 mx sm-mta[80]: 36HACD1s001234: 36HAK11s001299: DSN: User unknown");
    assert_eq!(ev.len(), 2, "a bounce notice, no expiry");
    assert!(ev[0].kind.starts_with("start"));
}

#[test]
fn rejects() {
    let (o, ev) = one("Jul 17 10:12:01 mx sm-mta[81]: 36HACD1s001235: ruleset=check_rcpt, arg1=<x@elsewhere.example>, relay=localhost [127.0.0.1], reject=550 5.7.1 <x@elsewhere.example>... Relaying denied");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[0].kind, "reject x@elsewhere.example");
    assert_eq!(ev[0].queue_id, "");
    let (_, ev) =
        one("Jul 17 10:12:01 mx sm-mta[81]: 36HACD1s001235: <nobody@example.org>... User unknown");
    assert_eq!(ev[0].kind, "reject nobody@example.org");
    let (_, ev) = one("Jul 17 10:12:01 mx sm-mta[81]: NOQUEUE: ruleset=check_relay, arg1=bad.example, arg2=192.0.2.1, relay=bad.example [192.0.2.1], reject=550 5.7.1 Access denied");
    assert_eq!(ev[0].kind, "reject ");
}

#[test]
fn noise_is_informational() {
    for l in [
        "Jul 17 10:12:01 mx sm-mta[81]: starting daemon (8.17.1.9): SMTP+queueing@00:15:00",
        "Jul 17 10:12:01 mx sm-mta[81]: STARTTLS=client, relay=mx.example.com., version=TLSv1.3, verify=FAIL",
        "Jul 17 10:12:01 mx sm-mta[81]: 36HACD1s001235: Milter: no active filter",
        "Jul 17 10:12:01 mx sm-mta[81]: 36HACD1s001235: to=<a@b>, delay=00:00:00, mailer=esmtp, pri=1, stat=queued",
        "Jul 17 10:12:01 mx sm-mta[81]: NOQUEUE: connect from localhost [127.0.0.1]",
    ] {
        assert_eq!(one(l).0, Outcome::Skipped(SkipReason::Informational), "{l}");
    }
}

#[test]
fn malformed_lines_are_counted_not_parsed() {
    for l in [
        "Jul 17 10:12:01 mx sm-mta[81]: 36HACD1s001235: to=<a@b, delay=1",
        "Jul 17 10:12:01 mx sm-mta[81]: 36HACD1s001235: to=<a@b>, delay=1, mailer=esmtp",
        "Jul 17 10:12:01 mx sm-mta[81]: 36HACD1s001235: from=<a@b",
    ] {
        assert_eq!(one(l).0, Outcome::Skipped(SkipReason::Malformed), "{l}");
    }
}

#[test]
fn rfc5424_header() {
    let (o, ev) = one("<22>1 2023-07-17T10:12:01.5+02:00 mx1 sm-mta 1234 - - 36HACD1s001234: to=<a@army.ml>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx.army.ml. [198.51.100.8], dsn=2.0.0, stat=Sent (OK)");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[0].host, "mx1");
    assert_eq!(crate::time::format_utc(ev[0].time), "2023-07-17T08:12:01Z");
    assert_eq!(ev[0].delivery.as_ref().unwrap().to, "a@army.ml");
}

#[test]
fn exim_through_syslog() {
    let mut p = parser();
    let (o, ev) = collect(&mut p, b"Jul 17 10:12:01 mx3 exim[77]: 2016-07-17 10:12:01 1qLYsX-0001Ab-2C <= a@example.org H=ws [10.0.0.5] P=esmtp S=1234 id=m1@example.org");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[1].kind, "arrival sender=a@example.org size=1234");
    assert_eq!(ev[1].host, "mx3");
    let (o, _) = collect(
        &mut p,
        b"Jul 17 10:12:02 mx3 exim4[78]: 1qLYsX-0001Ab-2C Completed",
    );
    assert_eq!(o, Outcome::Used);
    assert_eq!(p.finish().programs, ["exim"]);
}
