//! The report tables, built from finished results.

use super::{Table, Values};
use crate::aggregate::DomainRow;
use crate::parse::SkipReason;
use crate::scan::FileRecord;

/// `domains`: one row per recipient domain.
pub fn domains(rows: &[DomainRow]) -> Table {
    let mut t = Table::new("domains");
    let s = |f: fn(&DomainRow) -> &String| Values::Str(rows.iter().map(|r| f(r).clone()).collect());
    let n = |f: fn(&DomainRow) -> u64| Values::U64(rows.iter().map(f).collect());
    t.push("domain", s(|r| &r.domain));
    t.push("registrable_domain", s(|r| &r.registrable_domain));
    t.push("unicode_domain", s(|r| &r.unicode_domain));
    t.push("messages", n(|r| r.messages));
    t.push("recipients", n(|r| r.recipients));
    t.push("deliveries_sent", n(|r| r.deliveries_sent));
    t.push("deliveries_bounced", n(|r| r.deliveries_bounced));
    t.push("deliveries_deferred", n(|r| r.deliveries_deferred));
    t.push("deliveries_expired", n(|r| r.deliveries_expired));
    t.push("bytes_sent", n(|r| r.bytes_sent));
    t.push("senders", n(|r| r.senders));
    t.push(
        "first_seen",
        Values::Time(rows.iter().map(|r| r.first_seen).collect()),
    );
    t.push(
        "last_seen",
        Values::Time(rows.iter().map(|r| r.last_seen).collect()),
    );
    t
}

/// `manifest`: one row per input, in path order.
pub fn manifest(files: &[FileRecord]) -> Table {
    let mut t = Table::new("manifest");
    let s = |f: &dyn Fn(&FileRecord) -> String| Values::Str(files.iter().map(f).collect());
    let n = |f: &dyn Fn(&FileRecord) -> u64| Values::U64(files.iter().map(f).collect());
    t.push("path", s(&|f| f.path.clone()));
    t.push("status", s(&|f| f.status.as_str().to_string()));
    t.push("size", n(&|f| f.size));
    t.push("sha256", s(&|f| f.sha256.map(hex).unwrap_or_default()));
    t.push(
        "content_blake3",
        s(&|f| f.content_key().map(hex).unwrap_or_default()),
    );
    t.push("content_bytes", n(&|f| f.content_bytes));
    t.push("compression", s(&|f| f.compression.clone()));
    t.push("format", s(&|f| f.format.clone()));
    t.push("programs", s(&|f| f.programs.join(" ")));
    t.push("lines_read", n(&|f| f.lines_read));
    t.push("lines_used", n(&|f| f.lines_used));
    t.push("lines_skipped", n(&|f| f.skipped.total()));
    for reason in SkipReason::ALL {
        t.push(
            &format!("skipped_{}", reason.as_str()),
            n(&|f| f.skipped.get(reason)),
        );
    }
    t.push(
        "first_seen",
        Values::Time(files.iter().map(|f| f.first).collect()),
    );
    t.push(
        "last_seen",
        Values::Time(files.iter().map(|f| f.last).collect()),
    );
    t.push("year_rule", s(&|f| f.year_rule.clone()));
    t.push(
        "duplicate_of",
        s(&|f| f.duplicate_of.clone().unwrap_or_default()),
    );
    t.push("error", s(&|f| f.error.clone().unwrap_or_default()));
    t.push("notes", s(&|f| f.notes.join("; ")));
    t
}

/// Lower-case hex of a digest.
pub fn hex(d: [u8; 32]) -> String {
    use std::fmt::Write;
    d.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
