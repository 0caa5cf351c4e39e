//! Exchange 2016 message tracking (`MSGTRKyyyymmdd-1.LOG`, the 30-field
//! `#Fields:` header, UTF-8 with a byte order mark, CR LF), on one mailbox
//! server `EX01`: RECEIVE from the store driver with the `;` list of
//! recipients, DELIVER to mailboxes here, SEND through the Internet
//! connector (recipients at one server in one row, statuses in parallel),
//! DEFER then SEND for a retry, FAIL for a refusal, and for an expiry DEFERs
//! and then FAIL `550 4.4.7 QUEUE.Expired` (Exchange logs no separate
//! expiry, so the truth counts it as bounced). Each failure is followed by
//! the DSN row and the non-delivery report: a message of its own, from the
//! null return path, delivered to the sender's mailbox.

use fastrand::Rng;

use super::{guid, DayStamp, Fate, Lines, Notice, Render, SimMessage, Written};
use crate::synth::org::ORG_DOMAIN;
use crate::synth::truth::Outcome;

const FIELDS: &str = "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version";
const EX: &str = "EX01.example.org";
const SYSTEM: &str = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e";

pub struct Exchange {
    day: DayStamp,
    rows: u64,
}

/// A field as a CSV cell: quoted when it holds a comma or a quote.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The fields every row of one message repeats.
struct Msg<'a> {
    imid: u64,
    mid: String,
    nmid: String,
    bytes: u64,
    sender: &'a str,
    return_path: &'a str,
    direction: &'a str,
    subject: &'a str,
}

/// The fields that differ between rows.
#[derive(Default)]
struct Row<'a> {
    server_ip: &'a str,
    server_host: &'a str,
    context: &'a str,
    connector: &'a str,
    source: &'a str,
    event: &'a str,
    rcpts: String,
    statuses: String,
    count: usize,
    related: &'a str,
}

impl Exchange {
    pub fn new(day: &DayStamp) -> Exchange {
        Exchange { day: *day, rows: 0 }
    }

    fn push(&mut self, out: &mut Lines, ms: u32, m: &Msg<'_>, r: Row<'_>) {
        let ms = Lines::at(ms);
        self.rows += 1;
        let stamp = format!("{}T{}.{:03}Z", self.day.iso(), super::hms(ms), ms % 1000);
        let client = if r.source == "SMTP" { "10.0.0.10" } else { "" };
        let statuses = if r.statuses.contains([',', '"']) {
            format!("\"{}\"", r.statuses.replace('"', "\"\""))
        } else {
            r.statuses
        };
        out.push(
            ms,
            format!(
                "{stamp},{client},{EX},{},{},{},{},{},{},{},{},{},{},{statuses},{},{},{},,{},{},{},,{},,,,,Email,08DB{:012X},15.01.2507.035",
                r.server_ip,
                r.server_host,
                r.context,
                r.connector,
                r.source,
                r.event,
                m.imid,
                m.mid,
                m.nmid,
                r.rcpts,
                m.bytes,
                r.count,
                r.related,
                csv_field(m.subject),
                m.sender,
                m.return_path,
                m.direction,
                self.rows
            ),
        );
    }

    /// A refusal's DSN row and the non-delivery report it becomes.
    fn report(
        &mut self,
        out: &mut Lines,
        at: u32,
        m: &Msg<'_>,
        failed: &str,
        rng: &mut Rng,
    ) -> Notice {
        let bytes = 4000 + m.bytes.min(10_000);
        self.push(
            out,
            at,
            m,
            Row {
                server_host: EX,
                source: "DSN",
                event: "DSN",
                rcpts: m.sender.into(),
                count: 1,
                related: failed,
                ..Row::default()
            },
        );
        let from = format!("{SYSTEM}@{ORG_DOMAIN}");
        let ndr = Msg {
            imid: m.imid + 1,
            mid: format!("<{}@{EX}>", guid(rng)),
            nmid: guid(rng),
            bytes,
            sender: &from,
            return_path: "<>",
            direction: "Originating",
            subject: "Undeliverable: your message",
        };
        self.push(
            out,
            at + 5,
            &ndr,
            Row {
                server_host: EX,
                source: "DSN",
                event: "RECEIVE",
                rcpts: m.sender.into(),
                count: 1,
                ..Row::default()
            },
        );
        self.push(
            out,
            at + 60,
            &ndr,
            Row {
                server_host: EX,
                context: "08DB2A1F44E0C0AA;MDB",
                source: "STOREDRIVER",
                event: "DELIVER",
                rcpts: m.sender.into(),
                statuses: "250 2.0.0 OK".into(),
                count: 1,
                ..Row::default()
            },
        );
        Notice {
            from: String::new(),
            bytes,
        }
    }
}

impl Render for Exchange {
    fn outcome(&self, fate: Fate) -> Outcome {
        match fate {
            Fate::Local | Fate::Sent | Fate::LateSent => Outcome::Sent,
            Fate::Bounced | Fate::Expired => Outcome::Bounced,
        }
    }

    fn head(&self) -> String {
        format!(
            "\u{feff}#Software: Microsoft Exchange Server\n#Version: 15.01.2507.035\n#Log-Type: Message Tracking Log\n#Date: {}T00:00:00.000Z\n#Fields: {FIELDS}\n",
            self.day.iso()
        )
    }

    fn crlf(&self) -> bool {
        true
    }

    fn message(&mut self, out: &mut Lines, m: &SimMessage, rng: &mut Rng) -> Written {
        let msg = Msg {
            imid: 12_884_901_888 + 4 * u64::from(m.seq),
            mid: format!("<{:016X}@{ORG_DOMAIN}>", rng.u64(..)),
            nmid: guid(rng),
            bytes: m.bytes,
            sender: &m.sender,
            return_path: &m.sender,
            direction: "Originating",
            subject: &m.subject,
        };
        let all: Vec<String> = m.rcpts.iter().map(|r| r.address()).collect();
        self.push(
            out,
            m.t0,
            &msg,
            Row {
                server_host: EX,
                context: "08DB2A1F44E0C0AA",
                source: "STOREDRIVER",
                event: "RECEIVE",
                rcpts: all.join(";"),
                count: all.len(),
                ..Row::default()
            },
        );
        let local: Vec<String> = m
            .rcpts
            .iter()
            .filter(|r| r.fate == Fate::Local)
            .map(|r| r.address())
            .collect();
        if !local.is_empty() {
            let ok = vec!["250 2.0.0 OK"; local.len()].join(";");
            self.push(
                out,
                m.t0 + 300,
                &msg,
                Row {
                    server_host: EX,
                    context: "08DB2A1F44E0C0AA;MDB",
                    source: "STOREDRIVER",
                    event: "DELIVER",
                    count: local.len(),
                    rcpts: local.join(";"),
                    statuses: ok,
                    ..Row::default()
                },
            );
        }
        let mut notices = Vec::new();
        let t = m.t0 + 600;
        let mut i = 0;
        let rcpts = &m.rcpts;
        while i < rcpts.len() {
            let r = &rcpts[i];
            let mut j = i + 1;
            if r.fate == Fate::Sent {
                while j < rcpts.len() && rcpts[j].fate == Fate::Sent && rcpts[j].mx == r.mx {
                    j += 1;
                }
            }
            let addrs: Vec<String> = rcpts[i..j].iter().map(|r| r.address()).collect();
            let send = |statuses: String| Row {
                server_ip: &r.ip,
                server_host: &r.mx,
                context: "08DB2A1F44E0C0AE;250 2.0.0 OK",
                connector: "Internet",
                source: "SMTP",
                event: "SEND",
                count: addrs.len(),
                rcpts: addrs.join(";"),
                statuses,
                ..Row::default()
            };
            let addr = addrs[0].as_str();
            match r.fate {
                Fate::Local => {}
                Fate::Sent => self.push(
                    out,
                    t,
                    &msg,
                    send(vec!["250 2.0.0 OK"; addrs.len()].join(";")),
                ),
                Fate::LateSent => {
                    self.push(out, t, &msg, Row { server_ip: &r.ip, server_host: &r.mx, connector: "Internet", source: "SMTP", event: "DEFER", rcpts: addr.into(), statuses: format!("451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped due to SocketError.\" The last endpoint attempted was {}:25", r.ip), count: 1, ..Row::default() });
                    self.push(out, t + 900_000, &msg, send("250 2.0.0 OK".into()));
                }
                Fate::Bounced => {
                    self.push(out, t, &msg, Row { server_ip: &r.ip, server_host: &r.mx, connector: "Internet", source: "SMTP", event: "FAIL", rcpts: addr.into(), statuses: format!("[{{LRT=}};{{LED=550 5.1.1 <{addr}>: Recipient address rejected: User unknown}};{{FQDN={}}};{{IP={}}}]", r.mx, r.ip), count: 1, ..Row::default() });
                    notices.push(self.report(out, t + 100, &msg, addr, rng));
                }
                Fate::Expired => {
                    for k in 0..4u32 {
                        self.push(out, t + k * 3_600_000, &msg, Row { server_ip: &r.ip, server_host: &r.mx, connector: "Internet", source: "SMTP", event: "DEFER", rcpts: addr.into(), statuses: format!("451 4.4.0 Primary target IP address responded with: \"421 4.4.0 Unable to connect.\" The last endpoint attempted was {}:25", r.ip), count: 1, ..Row::default() });
                    }
                    let te = t + 4 * 3_600_000;
                    self.push(out, te, &msg, Row { server_host: EX, source: "ROUTING", event: "FAIL", rcpts: addr.into(), statuses: "[{LRT=};{LED=550 4.4.7 QUEUE.Expired; message expired};{FQDN=};{IP=}]".into(), count: 1, ..Row::default() });
                    notices.push(self.report(out, te + 100, &msg, addr, rng));
                }
            }
            i = j;
        }
        Written {
            id: msg.nmid.clone(),
            notices,
        }
    }

    fn noise(&mut self, out: &mut Lines, t: u32, rng: &mut Rng) {
        // An agent's note on a message: no recipient outcome.
        let m = Msg {
            imid: 99_000_000 + u64::from(t),
            mid: format!("<{:016X}@{ORG_DOMAIN}>", rng.u64(..)),
            nmid: guid(rng),
            bytes: 1200,
            sender: "",
            return_path: "",
            direction: "Originating",
            subject: "",
        };
        self.push(
            out,
            t,
            &m,
            Row {
                server_host: EX,
                context: "TransportRuleAgent",
                source: "AGENT",
                event: "AGENTINFO",
                rcpts: format!("noreply@{ORG_DOMAIN}"),
                count: 1,
                ..Row::default()
            },
        );
    }
}
