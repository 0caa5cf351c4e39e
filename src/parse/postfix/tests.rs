use crate::parse::syslog::{PostfixNames, SyslogParser};
use crate::parse::testutil::{collect, Owned};
use crate::parse::{Outcome, RelayClass, SkipReason, Status};
use crate::time::{Clock, YearRule, Zone};

fn parser() -> SyslogParser {
    SyslogParser::new(
        Clock::new(YearRule::FirstLine(2023), Zone::utc()),
        PostfixNames::new(&[]),
    )
}

fn one(line: &str) -> (Outcome, Vec<Owned>) {
    collect(&mut parser(), line.as_bytes())
}

#[test]
fn qmgr_arrival() {
    let (o, ev) = one("Jul  8 17:05:25 mail postfix/qmgr[20149]: EA015DF2B6: from=<sender@sender.example.com>, size=17554, nrcpt=1 (queue active)");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[0].queue_id, "EA015DF2B6");
    assert_eq!(ev[0].host, "mail");
    assert_eq!(
        ev[0].kind,
        "arrival sender=sender@sender.example.com size=17554"
    );
}

#[test]
fn null_sender_and_long_queue_id() {
    let (_, ev) = one("Jul  5 06:52:11 prd-mx1 postfix/qmgr[20459]: 3mPVKl0Mhjz7sXv: from=<>, size=2666, nrcpt=2 (queue active)");
    assert_eq!(ev[0].queue_id, "3mPVKl0Mhjz7sXv");
    assert_eq!(ev[0].kind, "arrival sender= size=2666");
}

#[test]
fn absurd_size_is_unknown() {
    let (_, ev) = one("Jul  5 06:52:11 mx postfix/qmgr[1]: ABCDE1: from=<a@b>, size=99999999999999999999, nrcpt=1 (queue active)");
    assert_eq!(ev[0].kind, "arrival sender=a@b size=?");
}

#[test]
fn virtual_delivery() {
    let (_, ev) = one("Jul  8 17:05:25 mail postfix/virtual[21138]: EA015DF2B6: to=<recipient@recipient.example.com>, relay=virtual, delay=0.16, delays=0.11/0.03/0/0.02, dsn=2.0.0, status=sent (delivered to maildir)");
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(d.to, "recipient@recipient.example.com");
    assert_eq!(d.status, Status::Sent);
    assert_eq!(d.class, RelayClass::Local);
    assert_eq!(d.dsn, "2.0.0");
    assert_eq!(d.reply, "delivered to maildir");
}

#[test]
fn smtp_delivery_with_orig_to_and_conn_use() {
    let (_, ev) = one("2022-01-08T19:42:13.582889+00:00 mail postfix/smtp[19195]: 1F5A2194AA9: to=<user@army.ml>, orig_to=<list@example.org>, relay=mx.army.ml[192.0.2.9]:25, conn_use=2, delay=0.5, delays=0.47/0.01/0.01/0.01, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9XYZ)");
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(d.to, "user@army.ml");
    assert_eq!(d.orig_to.as_deref(), Some("list@example.org"));
    assert_eq!(d.relay, "mx.army.ml[192.0.2.9]:25");
    assert_eq!(
        d.class,
        RelayClass::Remote,
        "a remote 'queued as' is not a hop"
    );
}

#[test]
fn content_filter_hop() {
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/smtp[2]: 4F3B2A1C: to=<a@army.mil>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5A6B7C8D)");
    assert_eq!(ev[0].delivery.as_ref().unwrap().class, RelayClass::Hop);
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/lmtp[2]: 4F3B2A1C: to=<u@example.org>, relay=mail.example.org[private/dovecot-lmtp], delay=0.5, delays=0.47/0.01/0.01/0.01, dsn=2.0.0, status=sent (250 2.0.0 <u@example.org> JwAd Saved)");
    assert_eq!(ev[0].delivery.as_ref().unwrap().class, RelayClass::Local);
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/smtp[2]: 4F3B2A1C: to=<a@b.c>, relay=localhost[::1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 5A6B7C8D)");
    assert_eq!(ev[0].delivery.as_ref().unwrap().class, RelayClass::Hop);
}

#[test]
fn local_without_brackets_and_error_transport() {
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/local[2]: 892A0205B6: to=ghdsgfhdslfh@localhost, relay=local, delay=0.05, delays=0.02/0/0/0.02, dsn=5.1.1, status=bounced (unknown user: \"ghdsgfhdslfh\")");
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(d.to, "ghdsgfhdslfh@localhost");
    assert_eq!(d.status, Status::Bounced);
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/error[2]: 2DC5552A34: to=<user@yahoo.com>, relay=none, delay=63495, delays=63350/144/0/0, dsn=4.4.2, status=deferred (delivery temporarily suspended: lost connection)");
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!((d.status, d.class), (Status::Deferred, RelayClass::None));
}

#[test]
fn probes_are_not_deliveries() {
    let (o, ev) = one("Jul  8 17:05:25 mx1 postfix/smtp[2]: 3E29030F8637E: to=<user@yahoo.com>, relay=none, delay=0, delays=0/0/0/0, dsn=5.1.1, status=undeliverable-but-not-cached (User unknown in virtual alias table)");
    assert_eq!(o, Outcome::Skipped(SkipReason::AddressProbe));
    assert!(ev.is_empty());
    let (o, _) = one("Jul  8 17:05:25 mx1 postfix/smtp[2]: 3E29030F8637E: to=<user@yahoo.com>, relay=mx[1.2.3.4]:25, delay=0, delays=0/0/0/0, dsn=2.1.5, status=deliverable (250 ok)");
    assert_eq!(o, Outcome::Skipped(SkipReason::AddressProbe));
}

#[test]
fn expired_and_removed() {
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/qmgr[2]: 66C15648577B: from=<uvnhbl@yahoo.com.tw>, status=expired, returned to sender");
    assert_eq!(ev[0].kind, "expired");
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/qmgr[2]: 66C15648577B: removed");
    assert_eq!(ev[0].kind, "removed");
}

#[test]
fn rejects() {
    let (o, ev) = one("Jul  8 17:05:25 mx1 postfix/smtpd[2]: NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 <x@army.ml>: Relay access denied; from=<a@b.c> to=<x@army.ml> proto=ESMTP helo=<h>");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[0].kind, "reject x@army.ml");
    assert_eq!(ev[0].queue_id, "");
    // The reply text is the client's to control; the last to=<> wins.
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/smtpd[2]: 4F3B2A1C: reject: RCPT from u[192.0.2.1]: 550 5.1.1 <y to=<evil@x>>: no; from=<a@b.c> to=<y@z.org> proto=ESMTP helo=<h>");
    assert_eq!(ev[0].kind, "reject y@z.org");
}

#[test]
fn informational_lines() {
    for line in [
        "Jul  8 17:05:25 mx1 postfix/smtpd[2]: connect from unknown[192.0.2.1]",
        "Jul  8 17:05:25 mx1 postfix/smtp[2]: warning: TLS library problem",
        "Jul  8 17:05:25 mx1 postfix/anvil[2]: statistics: max connection rate 1/60s",
        "Jul  8 17:05:25 mx1 postfix/bounce[2]: 4F3B2A1C: sender non-delivery notification: 5A6B7C",
    ] {
        assert_eq!(
            one(line).0,
            Outcome::Skipped(SkipReason::Informational),
            "{line}"
        );
    }
    assert_eq!(
        one("Jul  8 17:05:25 mx1 CRON[2]: (root) CMD (run-parts)").0,
        Outcome::Skipped(SkipReason::OtherProgram)
    );
}

#[test]
fn message_start_lines() {
    let (o, ev) = one("Jul  8 17:05:25 mx1 postfix/cleanup[2]: 4F3B2A1C: message-id=<a@b>");
    assert_eq!((o, ev[0].kind.as_str()), (Outcome::Used, "start a@b"));
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/reinject/smtpd[2]: 4F3B2A1C: client=localhost[127.0.0.1], orig_queue_id=ABC, orig_client=x[192.0.2.1]");
    assert_eq!(ev[0].kind, "start ");
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/pickup[2]: 4F3B2A1C: uid=0 from=<root>");
    assert_eq!(ev[0].kind, "start ");
    // A message-id line from another daemon is not a start.
    assert_eq!(
        one("Jul  8 17:05:25 mx1 postfix/smtp[2]: 4F3B2A1C: message-id=<a@b>").0,
        Outcome::Skipped(SkipReason::Informational)
    );
}

#[test]
fn malformed_delivery_lines() {
    for line in [
        "Jul  8 17:05:25 mx1 postfix/smtp[2]: 4F3B2A1C: to=<a@b.c>",
        "Jul  8 17:05:25 mx1 postfix/smtp[2]: 4F3B2A1C: to=<a@b.c, relay=x",
        "Jul  8 17:05:25 mx1 postfix/smtp[2]: 4F3B2A1C: to=<a@b.c>, relay=x, status=exploded",
        "Jul  8 17:05:25 mx1 postfix/qmgr[2]: 4F3B2A1C: from=<a@b.c>, flavour=mint",
    ] {
        assert_eq!(
            one(line).0,
            Outcome::Skipped(SkipReason::Malformed),
            "{line}"
        );
    }
}

#[test]
fn quoted_local_part_with_angle_bracket() {
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/smtp[2]: 4F3B2A1C: to=<\"a>, relay=x\"@b.c>, relay=mx[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)");
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(d.to, "\"a>, relay=x\"@b.c");
    assert_eq!(d.relay, "mx[192.0.2.2]:25");
}

#[test]
fn header_checks_subjects() {
    let (o, ev) = one("Jul  8 17:05:25 mx1 postfix/cleanup[2]: 4F3B2A1C: info: header Subject: SECRET from the lab; budget from ws1.example.org[10.0.0.1]; from=<a@example.org> to=<j@army.ml> proto=ESMTP helo=<ws1>");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[0].kind, "subject SECRET from the lab; budget");
    let (_, ev) = one("Jul  8 17:05:25 mx1 postfix/cleanup[2]: 4F3B2A1C: warning: header subject: =?UTF-8?B?VE9QIFNFQ1JFVA==?= from local; from=<root@mx1> to=<j@army.ml>: logged by policy");
    assert_eq!(ev[0].kind, "subject =?UTF-8?B?VE9QIFNFQ1JFVA==?=");
    let (o, _) = one("Jul  8 17:05:25 mx1 postfix/cleanup[2]: 4F3B2A1C: info: header X-Mailer: mutt from local; from=<root@mx1> to=<j@army.ml>");
    assert_eq!(o, Outcome::Skipped(SkipReason::Informational));
}
