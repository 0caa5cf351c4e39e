//! journald exports (`journalctl -o json`): one JSON object per line, each
//! wrapping one syslog message of Postfix, Sendmail or Exim.
//!
//! The fields used are `__REALTIME_TIMESTAMP` (microseconds since the
//! epoch, UTC: the year and zone are never guessed), `_HOSTNAME`,
//! `SYSLOG_IDENTIFIER` (the program, e.g. `postfix/smtp`; `_COMM` if it is
//! missing) and `MESSAGE`. journalctl writes a value that is not valid
//! UTF-8 as an array of byte values, and a field given more than once as an
//! array of its values (the first is used). The message goes to the same
//! body parsers as a syslog line's ([`Programs`]). Unlike the text formats,
//! this one needs a JSON parser per line; it still allocates only for
//! values with escapes or in byte-array form.

use std::borrow::Cow;

use serde::Deserialize;

use super::programs::Programs;
use super::syslog::{Header, PostfixNames};
use super::{EventSink, FileFacts, LineParser, Outcome, SkipReason};
use crate::time::{Clock, Micros};

/// One journal field's value, in the forms journalctl writes.
#[derive(Deserialize)]
#[serde(untagged)]
enum Value<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Bytes(Vec<u8>),
    Many(Vec<serde_json::Value>),
}

impl Value<'_> {
    fn bytes(&self) -> Option<Cow<'_, [u8]>> {
        match self {
            Value::Text(s) => Some(Cow::Borrowed(s.as_bytes())),
            Value::Bytes(b) => Some(Cow::Borrowed(b)),
            Value::Many(v) => match v.first()? {
                serde_json::Value::String(s) => Some(Cow::Owned(s.as_bytes().to_vec())),
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_u64().and_then(|n| u8::try_from(n).ok()))
                    .collect::<Option<Vec<u8>>>()
                    .map(Cow::Owned),
                _ => None,
            },
        }
    }
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(rename = "__REALTIME_TIMESTAMP", borrow)]
    realtime: Option<Value<'a>>,
    #[serde(rename = "_HOSTNAME", borrow)]
    host: Option<Value<'a>>,
    #[serde(rename = "SYSLOG_IDENTIFIER", borrow)]
    identifier: Option<Value<'a>>,
    #[serde(rename = "_COMM", borrow)]
    comm: Option<Value<'a>>,
    #[serde(rename = "MESSAGE", borrow)]
    message: Option<Value<'a>>,
}

/// Whether a line looks like a journal entry in JSON (detection).
pub fn looks_like_journal(line: &[u8]) -> bool {
    line.first() == Some(&b'{') && memchr::memmem::find(line, b"\"__REALTIME_TIMESTAMP\"").is_some()
}

/// Reads one `journalctl -o json` export.
pub struct JournalParser {
    clock: Clock,
    programs: Programs,
}

impl JournalParser {
    pub fn new(clock: Clock, postfix: PostfixNames) -> JournalParser {
        JournalParser {
            clock,
            programs: Programs::new(postfix),
        }
    }
}

fn micros(v: &Value<'_>) -> Option<Micros> {
    let b = v.bytes()?;
    if b.is_empty() || b.len() > 18 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(&b).ok()?.parse().ok()
}

impl LineParser for JournalParser {
    fn parse_line(&mut self, line: &[u8], sink: &mut dyn EventSink) -> Outcome {
        if line.first() != Some(&b'{') {
            return Outcome::Skipped(SkipReason::NoTimestamp);
        }
        let Ok(entry) = serde_json::from_slice::<Entry<'_>>(line) else {
            return Outcome::Skipped(SkipReason::Malformed);
        };
        let Some(t) = entry.realtime.as_ref().and_then(micros) else {
            return Outcome::Skipped(SkipReason::NoTimestamp);
        };
        let time = self.clock.instant(t);
        let program = entry
            .identifier
            .as_ref()
            .or(entry.comm.as_ref())
            .and_then(Value::bytes);
        let (Some(program), Some(message)) =
            (program, entry.message.as_ref().and_then(Value::bytes))
        else {
            return Outcome::Skipped(SkipReason::OtherProgram);
        };
        let host = entry
            .host
            .as_ref()
            .and_then(Value::bytes)
            .unwrap_or_default();
        let header = Header {
            time,
            host: &host,
            program: &program,
            message: &message,
        };
        self.programs.parse(&header, sink)
    }

    fn fork(&self) -> Option<Box<dyn LineParser>> {
        // Journal stamps are instants: the clock only keeps their range.
        Some(Box::new(JournalParser {
            clock: self.clock.clone(),
            programs: self.programs.fork(),
        }))
    }

    fn finish(&mut self) -> FileFacts {
        let (first, last) = self.clock.range();
        FileFacts {
            first,
            last,
            year_rule: None,
            warnings: Vec::new(),
            programs: self.programs.seen(),
            read_again_with: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::testutil::collect;
    use crate::parse::{RelayClass, Status};
    use crate::time::{format_utc, YearRule, Zone};

    fn parser() -> JournalParser {
        JournalParser::new(
            Clock::new(YearRule::FirstLine(1970), Zone::utc()),
            PostfixNames::new(&[]),
        )
    }

    #[test]
    fn postfix_entry() {
        let line = r#"{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1689588721123456","__MONOTONIC_TIMESTAMP":"5","_TRANSPORT":"syslog","PRIORITY":"6","SYSLOG_FACILITY":"2","SYSLOG_IDENTIFIER":"postfix/smtp","SYSLOG_PID":"77","_PID":"77","_COMM":"smtp","_HOSTNAME":"mx1","MESSAGE":"3F2B1C0A: to=<j@army.ml>, relay=mx.army.ml[198.51.100.8]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 \"ok\")"}"#;
        let (o, ev) = collect(&mut parser(), line.as_bytes());
        assert_eq!(o, Outcome::Used);
        assert_eq!(format_utc(ev[0].time), "2023-07-17T10:12:01Z");
        assert_eq!(ev[0].time % 1_000_000, 123_456);
        assert_eq!(ev[0].host, "mx1");
        assert_eq!(ev[0].queue_id, "3F2B1C0A");
        let d = ev[0].delivery.as_ref().unwrap();
        assert_eq!(d.to, "j@army.ml");
        assert_eq!(d.status, Status::Sent);
        assert_eq!(d.class, RelayClass::Remote);
        assert_eq!(d.reply, "250 \"ok\"");
    }

    #[test]
    fn byte_array_message_and_sendmail() {
        // `to=<x@gm\xd0\xb0il.com>, ...` as journalctl writes non-UTF-8... here
        // the bytes are valid UTF-8 but written as an array all the same.
        let msg = "36HACD1s001234: to=<x@gm\u{430}il.com>, delay=00:00:01, mailer=esmtp, pri=1, relay=[192.0.2.1] [192.0.2.1], dsn=2.0.0, stat=Sent (OK)";
        let bytes: Vec<String> = msg.bytes().map(|b| b.to_string()).collect();
        let line = format!(
            r#"{{"__REALTIME_TIMESTAMP":"1689588721000000","SYSLOG_IDENTIFIER":"sm-mta","_HOSTNAME":"mx2","MESSAGE":[{}]}}"#,
            bytes.join(",")
        );
        let (o, ev) = collect(&mut parser(), line.as_bytes());
        assert_eq!(o, Outcome::Used);
        assert_eq!(ev[0].delivery.as_ref().unwrap().to, "x@gm\u{430}il.com");
        assert_eq!(ev[0].host, "mx2");
    }

    #[test]
    fn exim_through_syslog_with_and_without_its_own_stamp() {
        for msg in [
            "2023-07-17 10:12:01 1qLYsX-0001Ab-2C => j@army.ml R=dnslookup T=remote_smtp H=mx.army.ml [198.51.100.8] C=\"250 OK\"",
            "1qLYsX-0001Ab-2C => j@army.ml R=dnslookup T=remote_smtp H=mx.army.ml [198.51.100.8] C=\"250 OK\"",
        ] {
            let line = serde_json::json!({
                "__REALTIME_TIMESTAMP": "1689588721000000",
                "SYSLOG_IDENTIFIER": "exim",
                "_HOSTNAME": "mx3",
                "MESSAGE": msg,
            })
            .to_string();
            let (o, ev) = collect(&mut parser(), line.as_bytes());
            assert_eq!(o, Outcome::Used, "{msg}");
            assert_eq!(ev[0].queue_id, "1qLYsX-0001Ab-2C");
            assert_eq!(ev[0].host, "mx3");
            assert_eq!(ev[0].delivery.as_ref().unwrap().to, "j@army.ml");
        }
    }

    #[test]
    fn skips() {
        let mut p = parser();
        let cases: [(&str, SkipReason); 5] = [
            ("not json", SkipReason::NoTimestamp),
            ("{\"MESSAGE\":", SkipReason::Malformed),
            (
                r#"{"MESSAGE":"x","SYSLOG_IDENTIFIER":"postfix/qmgr"}"#,
                SkipReason::NoTimestamp,
            ),
            (
                r#"{"__REALTIME_TIMESTAMP":"1","MESSAGE":"hello"}"#,
                SkipReason::OtherProgram,
            ),
            (
                r#"{"__REALTIME_TIMESTAMP":"1","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"usb 1-1: new device"}"#,
                SkipReason::OtherProgram,
            ),
        ];
        for (line, reason) in cases {
            assert_eq!(
                collect(&mut p, line.as_bytes()).0,
                Outcome::Skipped(reason),
                "{line}"
            );
        }
        // A multi-valued field: the first value is used.
        let line = r#"{"__REALTIME_TIMESTAMP":"1","SYSLOG_IDENTIFIER":["postfix/qmgr","x"],"MESSAGE":"ABCDE1: removed"}"#;
        assert_eq!(collect(&mut p, line.as_bytes()).0, Outcome::Used);
        assert_eq!(p.finish().programs, ["postfix"]);
    }
}
