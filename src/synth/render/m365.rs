//! A Microsoft 365 message trace export, as the Exchange admin centre's
//! enhanced summary report writes it: one row per message, every field
//! quoted, `recipient_status` as `addr##Receive, Send;addr##Receive, Fail`,
//! a byte order mark and CR LF; one day in five in UTF-16 LE (the other
//! encoding the admin centre produces). The trace keeps only each
//! recipient's steps, so an expiry is a `Fail` (counted as bounced) and a
//! retry is `Defer, Send`. Non-delivery reports are rows of their own, from
//! the system mailbox to the sender.

use fastrand::Rng;

use super::{guid, DayStamp, Fate, Lines, Notice, Render, SimMessage, Written};
use crate::synth::org::ORG_DOMAIN;
use crate::synth::truth::Outcome;

const HEADER: &str = "\u{feff}\"origin_timestamp_utc\",\"sender_address\",\"recipient_status\",\"message_subject\",\"total_bytes\",\"message_id\",\"network_message_id\",\"original_client_ip\",\"directionality\",\"connector_id\",\"delivery_priority\"";
const SYSTEM: &str = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e";

pub struct M365 {
    day: DayStamp,
}

impl M365 {
    pub fn new(day: &DayStamp) -> M365 {
        M365 { day: *day }
    }

    #[allow(clippy::too_many_arguments)]
    fn row(
        &self,
        out: &mut Lines,
        ms: u32,
        sender: &str,
        status: &str,
        subject: &str,
        bytes: u64,
        rng: &mut Rng,
    ) -> String {
        let ms = Lines::at(ms);
        let nmid = guid(rng);
        let b = rng.u64(..1 << 48);
        out.push(
            ms,
            format!(
                "\"{}T{}.{:03}0000Z\",\"{sender}\",\"{status}\",\"{subject}\",\"{bytes}\",\"<AM0PR01MB{:04}{b:012X}@AM0PR01MB{:04}.eurprd01.prod.outlook.com>\",\"{nmid}\",\"198.51.100.{}\",\"Originating\",\"\",\"Normal\"",
                self.day.iso(),
                super::hms(ms),
                ms % 1000,
                b % 9999,
                b % 9999,
                1 + b % 254
            ),
        );
        nmid
    }
}

impl Render for M365 {
    fn outcome(&self, fate: Fate) -> Outcome {
        match fate {
            Fate::Local | Fate::Sent | Fate::LateSent => Outcome::Sent,
            Fate::Bounced | Fate::Expired => Outcome::Bounced,
        }
    }

    fn head(&self) -> String {
        format!("{HEADER}\n")
    }

    fn crlf(&self) -> bool {
        true
    }

    fn utf16(&self) -> bool {
        self.day.days % 5 == 0
    }

    fn message(&mut self, out: &mut Lines, m: &SimMessage, rng: &mut Rng) -> Written {
        let steps: Vec<String> = m
            .rcpts
            .iter()
            .map(|r| {
                let how = match r.fate {
                    Fate::Local => "Receive, Deliver",
                    Fate::Sent => "Receive, Send",
                    Fate::LateSent => "Receive, Defer, Send",
                    Fate::Bounced => "Receive, Fail",
                    Fate::Expired => "Receive, Defer, Fail",
                };
                format!("{}##{how}", r.address())
            })
            .collect();
        let subject = m.subject.replace('"', "\"\"");
        let id = self.row(
            out,
            m.t0,
            &m.sender,
            &steps.join(";"),
            &subject,
            m.bytes,
            rng,
        );
        let mut notices = Vec::new();
        for r in m
            .rcpts
            .iter()
            .filter(|r| matches!(r.fate, Fate::Bounced | Fate::Expired))
        {
            let bytes = 4000 + m.bytes.min(10_000);
            let at = if r.fate == Fate::Expired {
                m.t0 + 4 * 3_600_000
            } else {
                m.t0 + 2000
            };
            let from = format!("{SYSTEM}@{ORG_DOMAIN}");
            self.row(
                out,
                at,
                &from,
                &format!("{}##Receive, Deliver", m.sender),
                "Undeliverable: Status update",
                bytes,
                rng,
            );
            notices.push(Notice { from, bytes });
        }
        Written { id, notices }
    }
}
