//! Exim main log lines in the forms Exim's documentation and Debian's
//! exim4 write them.

use super::*;
use crate::parse::testutil::collect;
use crate::time::{format_utc, YearRule, Zone};

fn parser() -> EximParser {
    EximParser::new(Clock::new(YearRule::FirstLine(2023), Zone::utc()))
}

#[test]
fn arrival_gives_start_and_envelope() {
    let mut p = parser();
    let (o, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:01 1qLYsX-0001Ab-2C <= alice@example.org H=client.example.org [192.0.2.1] P=esmtp S=1234 id=abc@example.org",
    );
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0].kind, "start abc@example.org");
    assert_eq!(ev[1].kind, "arrival sender=alice@example.org size=1234");
    assert_eq!(ev[1].queue_id, "1qLYsX-0001Ab-2C");
    assert_eq!(format_utc(ev[1].time), "2023-07-17T10:12:01Z");
}

#[test]
fn new_style_ids_offsets_pids_and_the_null_sender() {
    let mut p = parser();
    let (o, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:04.123 +0100 [4242] 1qLYsX-000000001Ab-2C3D <= <> R=1qLYsX-0001Ab-2C U=Debian-exim P=local S=2345",
    );
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[1].kind, "arrival sender= size=2345");
    assert_eq!(ev[1].queue_id, "1qLYsX-000000001Ab-2C3D");
    assert_eq!(format_utc(ev[1].time), "2023-07-17T09:12:04Z");
}

#[test]
fn deliveries_by_outcome() {
    let mut p = parser();
    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:02 1qLYsX-0001Ab-2C => john@army.ml R=dnslookup T=remote_smtp H=mx.army.ml [192.0.2.9] X=TLS1.3:ECDHE_X25519__AES_256_GCM:256 CV=no C=\"250 2.0.0 Ok: queued as 4AB\"",
    );
    let d = ev[0].delivery.clone().unwrap();
    assert_eq!(
        (d.to.as_str(), d.status, d.class),
        ("john@army.ml", Status::Sent, RelayClass::Remote)
    );
    assert_eq!(d.relay, "mx.army.ml [192.0.2.9]");
    assert_eq!(
        (d.dsn.as_str(), d.reply.as_str()),
        ("2.0.0", "250 2.0.0 Ok: queued as 4AB")
    );

    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:02 1qLYsX-0001Ab-2C -> jane@army.ml R=dnslookup T=remote_smtp H=mx.army.ml [192.0.2.9] C=\"250 OK\"",
    );
    assert_eq!(ev[0].delivery.as_ref().unwrap().to, "jane@army.ml");

    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:03 1qLYsX-0001Ab-2C ** bad@gmail.cm R=dnslookup T=remote_smtp H=mx.gmail.cm [192.0.2.10]: SMTP error from remote mail server after RCPT TO:<bad@gmail.cm>: 550 5.1.1 <bad@gmail.cm>: Recipient address rejected",
    );
    let d = ev[0].delivery.clone().unwrap();
    assert_eq!((d.status, d.dsn.as_str()), (Status::Bounced, "5.1.1"));
    assert_eq!(d.relay, "mx.gmail.cm [192.0.2.10]");

    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:16:06 1qLYsZ-0001Ad-4E ** slow@x.example R=dnslookup T=remote_smtp: retry timeout exceeded",
    );
    assert_eq!(ev[0].delivery.as_ref().unwrap().status, Status::Expired);

    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:06 1qLYsZ-0001Ad-4E == slow@x.example R=dnslookup T=remote_smtp defer (-44) H=mx.x.example [192.0.2.11]: SMTP error from remote mail server after RCPT TO:<slow@x.example>: 451 4.7.1 Greylisted",
    );
    let d = ev[0].delivery.clone().unwrap();
    assert_eq!((d.status, d.dsn.as_str()), (Status::Deferred, "4.7.1"));

    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:02 1qLYsX-0001Ab-2C >> cut@army.ml R=dnslookup T=remote_smtp H=mx.army.ml [192.0.2.9] C=\"250 OK\"",
    );
    assert_eq!(ev[0].kind, "delivery sent");
}

#[test]
fn local_deliveries_take_the_address_in_brackets() {
    let mut p = parser();
    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:05 1qLYsY-0001Ac-3D => jdoe <jdoe@example.org> R=local_user T=mail_spool",
    );
    let d = ev[0].delivery.clone().unwrap();
    assert_eq!(
        (d.to.as_str(), d.orig_to, d.class),
        ("jdoe@example.org", None, RelayClass::Local)
    );
    // Aliased to a remote address: the original is kept.
    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:05 1qLYsY-0001Ac-3D => john@army.ml <alias@example.org> R=dnslookup T=remote_smtp H=mx.army.ml [192.0.2.9]",
    );
    let d = ev[0].delivery.clone().unwrap();
    assert_eq!(
        (d.to.as_str(), d.orig_to.as_deref()),
        ("john@army.ml", Some("alias@example.org"))
    );
}

/// Pipes, files and autoreplies name their parent in parentheses before
/// the original address, and a pipe may carry arguments (the first line is
/// a real cPanel line, found by the eximstats cross-check).
#[test]
fn pipes_files_and_parents() {
    let mut p = parser();
    let to = |p: &mut EximParser, line: &str| -> (String, RelayClass, Status) {
        let (o, ev) = collect(p, line.as_bytes());
        assert_eq!(o, Outcome::Used, "{line}");
        let d = ev[0].delivery.clone().unwrap();
        (d.to, d.class, d.status)
    };
    let l = "2019-04-12 10:00:00 1hQkUr-0016NY-2h => |/usr/local/cpanel/bin/autorespond deniseteo@abwinbus.sg /home/abwinbus/.autorespond (deniseteo@abwinbus.sg) <deniseteo@abwinbus.sg> R=virtual_aliases_nostar T=cagefs_virtual_address_pipe";
    assert_eq!(
        to(&mut p, l),
        (
            "deniseteo@abwinbus.sg".into(),
            RelayClass::Local,
            Status::Sent
        )
    );
    let l = "2023-07-17 10:12:05 1qLYsY-0001Ac-3D => /home/bob/Mail/inbox (bob@example.org) <team@example.org> R=userforward T=address_file";
    assert_eq!(to(&mut p, l).0, "team@example.org");
    let l = "2023-07-17 10:12:05 1qLYsY-0001Ac-3D => carol (sub@example.org) <list@example.org> R=local_user T=local_delivery";
    assert_eq!(to(&mut p, l).0, "list@example.org");
    let l = "2023-07-17 10:12:05 1qLYsY-0001Ac-3D ** |/home/bob/mailReader.php (bob@example.org) <team@example.org> R=virtual_aliases_nostar T=virtual_address_pipe: Child process of virtual_address_pipe transport returned 127";
    assert_eq!(
        to(&mut p, l),
        ("team@example.org".into(), RelayClass::None, Status::Bounced)
    );
    let l = "2023-07-17 10:12:05 1qLYsY-0001Ac-3D => |/usr/bin/procmail (bob@example.org) R=procmail T=procmail_pipe";
    assert_eq!(to(&mut p, l).0, "bob@example.org");
    let l = "2023-07-17 10:12:05 1qLYsY-0001Ac-3D ** x@nxdomain.example: Unrouteable address";
    assert_eq!(
        to(&mut p, l),
        (
            "x@nxdomain.example".into(),
            RelayClass::None,
            Status::Bounced
        )
    );
    let l = "2023-07-17 10:12:05 1qLYsY-0001Ac-3D => \"j smith\"@army.ml R=dnslookup T=remote_smtp H=mx.army.ml [192.0.2.9]";
    assert_eq!(
        to(&mut p, l),
        (
            "\"j smith\"@army.ml".into(),
            RelayClass::Remote,
            Status::Sent
        )
    );
    // Redirected to :blackhole:: thrown away, not delivered anywhere.
    let l =
        "2023-07-17 10:12:05 1qLYsY-0001Ac-3D => :blackhole: <spam@example.org> R=blackhole_router";
    assert_eq!(
        to(&mut p, l),
        ("spam@example.org".into(), RelayClass::None, Status::Sent)
    );
    // A DATA ACL's discard names no recipient and delivers nothing.
    let (o, ev) = collect(&mut p, b"2023-07-17 10:12:05 1aaaaL-0000AL-0A => blackhole (DATA ACL discarded recipients): This message contains a virus");
    assert_eq!(o, Outcome::Skipped(SkipReason::Informational));
    assert!(ev.is_empty());
}

#[test]
fn completion_rejects_and_chatter() {
    let mut p = parser();
    let (o, ev) = collect(&mut p, b"2023-07-17 10:12:03 1qLYsX-0001Ab-2C Completed");
    assert_eq!((o, ev[0].kind.as_str()), (Outcome::Used, "removed"));
    let (o, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:07 H=(helo) [203.0.113.5] F=<spam@bad.example> rejected RCPT <user@example.org>: relay not permitted",
    );
    assert_eq!(
        (o, ev[0].kind.as_str()),
        (Outcome::Used, "reject user@example.org")
    );
    for l in [
        &b"2023-07-17 10:12:08 1qLYsX-0001Ab-2C *> test@x.example R=dnslookup T=remote_smtp"[..],
        b"2023-07-17 10:12:09 exim 4.96 daemon started: pid=123, -q30m, listening for SMTP on [127.0.0.1]:25",
        b"2023-07-17 10:12:09 1qLYsX-0001Ab-2C Frozen",
        b"2023-07-17 10:12:09 Start queue run: pid=99",
    ] {
        let (o, ev) = collect(&mut p, l);
        assert_eq!(o, Outcome::Skipped(SkipReason::Informational));
        assert!(ev.is_empty());
    }
    for l in [
        &b"Jul 17 10:12:01 mx postfix/qmgr[1]: X: removed"[..],
        b"",
        b"garbage",
    ] {
        assert_eq!(
            collect(&mut p, l).0,
            Outcome::Skipped(SkipReason::NoTimestamp)
        );
    }
}

#[test]
fn message_ids() {
    assert!(is_message_id(b"1qLYsX-0001Ab-2C"));
    assert!(is_message_id(b"1qLYsX-000000001Ab-2C3D"));
    assert!(!is_message_id(b"1qLYsX-0001Ab-2"));
    assert!(!is_message_id(b"1qLYsX_0001Ab-2C"));
    assert!(!is_message_id(b"exim"));
}

#[test]
fn subjects_with_log_selector_subject() {
    let mut p = parser();
    let (_, ev) = collect(
        &mut p,
        br#"2023-07-17 10:12:01 1qLYsX-0001Ab-2C <= alice@example.org H=(ws) [192.0.2.1] P=esmtp S=1234 id=abc@example.org T="OFFICIAL-SENSITIVE: \"draft\" plan \303\251t\351""#,
    );
    assert_eq!(ev.len(), 3);
    assert_eq!(
        ev[2].kind,
        "subject OFFICIAL-SENSITIVE: \"draft\" plan \u{e9}t\u{fffd}"
    );
    let (_, ev) = collect(
        &mut p,
        br#"2023-07-17 10:12:02 1qLYsY-0001Ab-2C <= bob@example.org H=(ws) [192.0.2.1] P=esmtp S=99 T="Lunch""#,
    );
    assert_eq!(ev[2].kind, "subject Lunch");
    // `T=` of a delivery is the transport, not a subject.
    let (_, ev) = collect(
        &mut p,
        b"2023-07-17 10:12:03 1qLYsY-0001Ab-2C => x@army.ml R=dnslookup T=remote_smtp H=mx.army.ml [192.0.2.9]",
    );
    assert!(ev.iter().all(|e| !e.kind.starts_with("subject")));
}
