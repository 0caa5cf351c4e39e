//! The mail transports that write to syslog (or the journal): picks the
//! body parser for a line by its program name and remembers which
//! transports a file held. Shared by [`SyslogParser`](super::syslog::SyslogParser)
//! and [`JournalParser`](super::journal::JournalParser).

use super::sendmail::{self, SendmailParser};
use super::syslog::{Header, PostfixNames};
use super::{exim, postfix, EventSink, Outcome, SkipReason};

/// Body parsers by program, with what each has seen.
pub struct Programs {
    postfix: PostfixNames,
    sendmail: SendmailParser,
    seen: [bool; 3],
}

const NAMES: [&str; 3] = ["postfix", "sendmail", "exim"];

/// Where a transport's name comes in the manifest's list of programs.
pub fn rank(name: &str) -> usize {
    NAMES.iter().position(|n| *n == name).unwrap_or(NAMES.len())
}

impl Programs {
    pub fn new(postfix: PostfixNames) -> Programs {
        Programs {
            postfix,
            sendmail: SendmailParser::default(),
            seen: [false; 3],
        }
    }

    /// The same body parsers for another stretch of the same input, with
    /// nothing seen yet.
    pub fn fork(&self) -> Programs {
        Programs::new(self.postfix.clone())
    }

    /// Parses the message of a line whose header is `h`.
    pub fn parse(&mut self, h: &Header<'_>, sink: &mut dyn EventSink) -> Outcome {
        if let Some(daemon) = self.postfix.daemon(h.program) {
            self.seen[0] = true;
            return postfix::parse_message(h, daemon, sink);
        }
        if sendmail::is_sendmail(h.program) {
            self.seen[1] = true;
            return self.sendmail.parse_message(h, sink);
        }
        if h.program == b"exim" || h.program == b"exim4" {
            self.seen[2] = true;
            return exim::parse_body(exim::syslog_body(h.message), h.time, h.host, sink);
        }
        Outcome::Skipped(SkipReason::OtherProgram)
    }

    /// The transports seen, e.g. `["postfix", "sendmail"]`.
    pub fn seen(&self) -> Vec<String> {
        NAMES
            .iter()
            .zip(self.seen)
            .filter(|(_, s)| *s)
            .map(|(n, _)| n.to_string())
            .collect()
    }
}
