//! Message trace rows in the documented column sets.

use super::*;
use crate::parse::testutil::collect;
use crate::time::{format_utc, YearRule, Zone};

fn parser() -> M365Parser {
    M365Parser::new(Clock::new(YearRule::FirstLine(2024), Zone::utc()))
}

#[test]
fn enhanced_summary_rows() {
    let mut p = parser();
    let header = "\"origin_timestamp_utc\",\"sender_address\",\"recipient_status\",\"message_subject\",\"total_bytes\",\"message_id\",\"network_message_id\",\"directionality\"";
    assert_eq!(
        collect(&mut p, header.as_bytes()).0,
        Outcome::Skipped(SkipReason::Informational)
    );
    let row = "\"2024-01-08T09:00:00.1234567Z\",\"alice@example.org\",\"john.smith@army.ml##Receive, Send;bob@example.org##Receive, Deliver;list@example.org##Receive, Expand\",\"a, b\",\"45000\",\"<e1@example.org>\",\"net-1\",\"Originating\"";
    let (o, ev) = collect(&mut p, row.as_bytes());
    assert_eq!(o, Outcome::Used);
    assert_eq!(format_utc(ev[0].time), "2024-01-08T09:00:00Z");
    assert_eq!(ev[0].queue_id, "net-1");
    assert_eq!(ev[0].kind, "start e1@example.org");
    assert_eq!(ev[1].kind, "arrival sender=alice@example.org size=45000");
    assert_eq!(ev[2].kind, "subject a, b");
    assert_eq!(ev.len(), 5, "the expanded list is no delivery");
    let a = ev[3].delivery.as_ref().unwrap();
    assert_eq!(
        (a.to.as_str(), a.status, a.class),
        ("john.smith@army.ml", Status::Sent, RelayClass::Remote)
    );
    let b = ev[4].delivery.as_ref().unwrap();
    assert_eq!(
        (b.to.as_str(), b.class),
        ("bob@example.org", RelayClass::Local)
    );
}

#[test]
fn summary_rows_with_us_times() {
    let mut p = parser();
    collect(
        &mut p,
        b"#TYPE Deserialized.Microsoft.Exchange.Management.Tracking.MessageTrace",
    );
    collect(&mut p, b"\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"ToIP\",\"Size\",\"MessageTraceId\"");
    let (o, ev) = collect(&mut p, b"\"1/7/2024 1:30:05 PM\",\"bob@example.org\",\"k.lee@army.ml\",\"x\",\"Failed\",\"\",\"3000\",\"t2\"");
    assert_eq!(o, Outcome::Used);
    assert_eq!(format_utc(ev[0].time), "2024-01-07T13:30:05Z");
    let d = ev[3].delivery.as_ref().unwrap();
    assert_eq!((d.status, d.class), (Status::Bounced, RelayClass::None));
    let (_, ev) = collect(&mut p, b"\"1/7/2024 12:05:00 AM\",\"bob@example.org\",\"x@army.ml\",\"x\",\"Delivered\",\"198.51.100.8\",\"3000\",\"t3\"");
    assert_eq!(format_utc(ev[0].time), "2024-01-07T00:05:00Z");
    let d = ev[3].delivery.as_ref().unwrap();
    assert_eq!(
        (d.status, d.class, d.relay.as_str()),
        (Status::Sent, RelayClass::Remote, "[198.51.100.8]")
    );
    let (o, ev) = collect(&mut p, b"\"1/7/2024 12:05:00 AM\",\"bob@example.org\",\"x@army.ml\",\"x\",\"Expanded\",\"\",\"3000\",\"t3\"");
    assert_eq!((o, ev.len()), (Outcome::Used, 3));
    assert_eq!(ev[2].kind, "subject x");
    assert_eq!(
        collect(&mut p, b"\"1/7/2024 12:05:00 AM\",\"bob@example.org\",\"x@army.ml\",\"x\",\"Weird\",\"\",\"3000\",\"t3\"").0,
        Outcome::Skipped(SkipReason::Malformed)
    );
    assert_eq!(
        collect(&mut p, b"\"13/7/2024 12:05:00 AM\",\"b@example.org\",\"x@army.ml\",\"x\",\"Delivered\",\"\",\"1\",\"t3\"").0,
        Outcome::Skipped(SkipReason::NoTimestamp)
    );
    assert_eq!(p.finish().programs, ["m365"]);
}

#[test]
fn extended_rows_read_as_exchange_events() {
    let mut p = parser();
    collect(&mut p, b"date_time_utc,server_hostname,connector_id,event_id,network_message_id,recipient_address,recipient_status,total_bytes,sender_address");
    let (o, ev) = collect(&mut p, b"2024-01-09T08:00:02.0000000Z,mx.army.ml,Outbound to Internet,SEND,n1,g.brown@army.ml,250 2.0.0 OK,6000,erin@example.org");
    assert_eq!(o, Outcome::Used);
    let d = ev[0].delivery.as_ref().unwrap();
    assert_eq!(
        (d.to.as_str(), d.class, d.relay.as_str()),
        ("g.brown@army.ml", RelayClass::Remote, "mx.army.ml")
    );
}

#[test]
fn unknown_header() {
    let mut p = parser();
    assert_eq!(
        collect(&mut p, b"a,b,c").0,
        Outcome::Skipped(SkipReason::Malformed)
    );
    assert_eq!(
        collect(&mut p, b"1,2,3").0,
        Outcome::Skipped(SkipReason::UnknownFormat)
    );
}

#[test]
fn us_stamps_are_checked_against_the_calendar_and_the_12_hour_clock() {
    let hms = |s: &str| parse_us(s.as_bytes()).map(|c| (c.year, c.month, c.day, c.hour));
    assert_eq!(hms("2/29/2024 1:30:05 PM"), Some((2024, 2, 29, 13)));
    assert_eq!(hms("1/7/2024 12:05:00 AM"), Some((2024, 1, 7, 0)));
    assert_eq!(hms("1/7/2024 12:05:00 PM"), Some((2024, 1, 7, 12)));
    assert_eq!(hms("1/7/2024 23:05:00"), Some((2024, 1, 7, 23)));
    // Days the month does not have, in a leap year and out of one.
    assert_eq!(hms("2/29/2023 1:30:05 PM"), None);
    assert_eq!(hms("2/30/2024 1:30:05 PM"), None);
    assert_eq!(hms("4/31/2024 10:00:00"), None);
    // Hours a 12-hour clock does not show.
    assert_eq!(hms("1/7/2024 13:05:00 PM"), None);
    assert_eq!(hms("1/7/2024 0:05:00 AM"), None);
}
