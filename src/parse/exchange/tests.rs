//! Exchange message tracking rows in the documented 2016/2019 layout.

use super::*;
use crate::parse::testutil::collect;
use crate::time::{format_utc, YearRule, Zone};

fn parser() -> ExchangeParser {
    ExchangeParser::new(Clock::new(YearRule::FirstLine(2024), Zone::utc()))
}

/// The row of elastic/integrations' message tracking test log.
const ELASTIC: &str = "2024-01-07T00:00:07.463Z,192.168.0.1,exchange,192.168.0.2,exchange.example.com,;250 2.0.0OK,Intra-Organization SMTP Send Connector,SMTP,SEND,29519319995411,20240107001234.567E6224C8@monitor.example.com,0b7099ea-aaaa-bbbb-cccc-08dc0f0a0000,uwe.musterman@example.com,250 2.1.5Recipient OK,38663,1,,,ein Titel,support@example.com,support@example.com,2024-01-07T00:00:05.535Z;LSRV=EX1,Originating,,,,S:E2ELatency=1.928,Email,a7ae9ef9-0000-0000-0000-000000000000,15.01.2507.035";

#[test]
fn intra_organization_send_is_a_hop() {
    let (o, ev) = collect(&mut parser(), ELASTIC.as_bytes());
    assert_eq!(o, Outcome::Used);
    assert_eq!(format_utc(ev[0].time), "2024-01-07T00:00:07Z");
    assert_eq!(ev[0].queue_id, "0b7099ea-aaaa-bbbb-cccc-08dc0f0a0000");
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(d.to, "uwe.musterman@example.com");
    assert_eq!(d.class, RelayClass::Hop);
    assert_eq!(d.relay, "exchange.example.com[192.168.0.2]");
    assert_eq!(d.reply, "250 2.1.5Recipient OK");
}

#[test]
fn columns_by_name_and_parallel_statuses() {
    let mut p = parser();
    let header = "#Fields: event-id,date-time,recipient-address,recipient-status,server-hostname,connector-id,message-id,total-bytes,return-path";
    assert_eq!(
        collect(&mut p, header.as_bytes()).0,
        Outcome::Skipped(SkipReason::Informational)
    );
    let (o, ev) = collect(&mut p, b"RECEIVE,2024-01-07T09:00:00.000Z,a@army.ml;b@army.ml,,mbx1,,<m1@example.org>,1234,alice@example.org");
    assert_eq!(o, Outcome::Used);
    assert_eq!(ev[0].kind, "start m1@example.org");
    assert_eq!(ev[1].kind, "arrival sender=alice@example.org size=1234");
    let (_, ev) = collect(&mut p, b"SEND,2024-01-07T09:00:01.000Z,a@army.ml;b@army.ml,\"250 2.0.0 OK;450 4.2.0 busy, later\",mx.army.ml,Internet,<m1@example.org>,1234,alice@example.org");
    assert_eq!(ev.len(), 2);
    let (a, b) = (
        ev[0].delivery.as_ref().unwrap(),
        ev[1].delivery.as_ref().unwrap(),
    );
    assert_eq!(
        (a.to.as_str(), a.reply.as_str(), a.dsn.as_str()),
        ("a@army.ml", "250 2.0.0 OK", "2.0.0")
    );
    assert_eq!((b.to.as_str(), b.dsn.as_str()), ("b@army.ml", "4.2.0"));
    assert_eq!(a.class, RelayClass::Remote);
    assert_eq!(a.relay, "mx.army.ml");
}

#[test]
fn failures_with_bracketed_status_and_other_events() {
    let mut p = parser();
    let fail = "2024-01-07T10:00:01.000Z,,,203.0.113.5,mx.gmial.com,,Internet,SMTP,FAIL,2002,<b1@example.org>,net-b,eve@gmial.com,\"[{LRT=};{LED=550 5.1.1 RESOLVER.ADR.RecipNotFound; not found};{FQDN=};{IP=}]\",5000,,,,,bob@example.org,bob@example.org,,,,,,,,,";
    let (o, ev) = collect(&mut p, fail.as_bytes());
    assert_eq!(o, Outcome::Used);
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(
        (d.status, d.class, d.dsn.as_str()),
        (Status::Bounced, RelayClass::None, "5.1.1")
    );
    for event in [
        "DSN",
        "EXPAND",
        "RESOLVE",
        "REDIRECT",
        "TRANSFER",
        "SUBMIT",
        "HAREDIRECT",
        "AGENTINFO",
    ] {
        let line = fail.replace(",FAIL,", &format!(",{event},"));
        assert_eq!(
            collect(&mut p, line.as_bytes()).0,
            Outcome::Skipped(SkipReason::Informational),
            "{event}"
        );
    }
    let deliver = fail.replace(",FAIL,", ",DELIVER,");
    let (_, ev) = collect(&mut p, deliver.as_bytes());
    assert_eq!(ev[0].delivery.as_ref().unwrap().class, RelayClass::Local);
}

#[test]
fn bad_rows() {
    let mut p = parser();
    for (line, reason) in [
        ("2024-01-07T10:00:01.000Z,\"unclosed", SkipReason::Malformed),
        (
            "not a time,,,,,,,,SEND,1,<m>,n,a@b,ok",
            SkipReason::NoTimestamp,
        ),
        (
            "2024-01-07T10:00:01.000Z,,,,,,,,SEND,,,,a@b,ok",
            SkipReason::Malformed,
        ),
        (
            "2024-01-07T10:00:01.000Z,,,,,,,,SEND,1,<m>,n,;;,ok",
            SkipReason::Malformed,
        ),
        ("#Fields: nothing,useful", SkipReason::Malformed),
    ] {
        assert_eq!(
            collect(&mut p, line.as_bytes()).0,
            Outcome::Skipped(reason),
            "{line}"
        );
    }
}

#[test]
fn receive_rows_carry_the_subject() {
    let mut p = parser();
    let header = "#Fields: event-id,date-time,recipient-address,message-id,total-bytes,sender-address,message-subject";
    collect(&mut p, header.as_bytes());
    let (_, ev) = collect(&mut p, b"RECEIVE,2024-01-07T09:00:00.000Z,a@army.ml,<m1@example.org>,1234,alice@example.org,\"TLP:AMBER, \"\"weekly\"\"\"");
    assert_eq!(ev[2].kind, "subject TLP:AMBER, \"weekly\"");
    let (_, ev) = collect(
        &mut p,
        b"RECEIVE,2024-01-07T09:00:01.000Z,a@army.ml,<m2@example.org>,1234,alice@example.org,",
    );
    assert_eq!(ev.len(), 2, "no subject, no event");
}
