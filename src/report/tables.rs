//! The report tables, built from finished results.

use std::collections::HashMap;

use super::{Table, Values, PART_ROWS};
use crate::aggregate::DomainRow;
use crate::lookalike::Finding;
use crate::parse::SkipReason;
use crate::scan::FileRecord;

/// `domains` in blocks of [`PART_ROWS`] rows (one block if there are none),
/// for [`OutDir::write_table_parts`](super::OutDir::write_table_parts).
pub fn domain_parts(rows: &[DomainRow]) -> impl Iterator<Item = Table> + '_ {
    let empty: &[DomainRow] = &[];
    let blocks = rows.chunks(PART_ROWS);
    let none = rows.is_empty().then_some(empty);
    blocks.chain(none).map(domains)
}

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

/// `lookalikes`: one row per misdirected domain, with the domain meant, the
/// kind of slip, the score and the evidence behind it, and the domain's
/// census counts.
pub fn lookalikes(findings: &[Finding], census: &[DomainRow]) -> Table {
    let by_domain: HashMap<&str, &DomainRow> =
        census.iter().map(|r| (r.domain.as_str(), r)).collect();
    let row = |f: &Finding| by_domain.get(f.domain.as_str()).copied();
    let mut t = Table::new("lookalikes");
    let s = |g: &dyn Fn(&Finding) -> String| Values::Str(findings.iter().map(g).collect());
    let n = |g: &dyn Fn(&Finding) -> u64| Values::U64(findings.iter().map(g).collect());
    let c = |g: &dyn Fn(&DomainRow) -> u64| {
        Values::U64(findings.iter().map(|f| row(f).map_or(0, g)).collect())
    };
    t.push("domain", s(&|f| f.domain.clone()));
    t.push("intended", s(&|f| f.intended.clone()));
    t.push("kind", s(&|f| f.class.kind.as_str().to_string()));
    t.push("edit_location", s(&|f| f.class.location()));
    t.push("distance", n(&|f| u64::from(f.class.distance)));
    t.push(
        "score",
        Values::F64(findings.iter().map(|f| f.score.value).collect()),
    );
    t.push(
        "live_cctld",
        s(&|f| f.live_cctld.unwrap_or_default().to_string()),
    );
    t.push(
        "cctld_country",
        s(&|f| f.country.unwrap_or_default().to_string()),
    );
    t.push("edits", s(&|f| f.class.detail()));
    t.push(
        "unicode_domain",
        s(&|f| crate::domain::unicode_form(&f.domain)),
    );
    t.push("target_source", s(&|f| f.source.as_str().to_string()));
    t.push(
        "via_suffix_target",
        Values::Bool(findings.iter().map(|f| f.via_suffix).collect()),
    );
    t.push("intended_messages", n(&|f| f.evidence.target_messages));
    t.push("intended_senders", n(&|f| f.evidence.target_senders));
    t.push("shared_local_parts", n(&|f| f.evidence.shared_local_parts));
    t.push("self_corrections", n(&|f| f.evidence.self_corrections));
    t.push(
        "co_recipient_messages",
        n(&|f| f.evidence.co_recipient_messages),
    );
    t.push("score_reasons", s(&|f| f.score.reasons.clone()));
    t.push("other_intended", s(&|f| f.alternatives.join(" ")));
    t.push("messages", c(&|r| r.messages));
    t.push("recipients", c(&|r| r.recipients));
    t.push("deliveries_sent", c(&|r| r.deliveries_sent));
    t.push("deliveries_bounced", c(&|r| r.deliveries_bounced));
    t.push("deliveries_deferred", c(&|r| r.deliveries_deferred));
    t.push("deliveries_expired", c(&|r| r.deliveries_expired));
    t.push("bytes_sent", c(&|r| r.bytes_sent));
    t.push("senders", c(&|r| r.senders));
    t.push(
        "first_seen",
        Values::Time(
            findings
                .iter()
                .map(|f| row(f).and_then(|r| r.first_seen))
                .collect(),
        ),
    );
    t.push(
        "last_seen",
        Values::Time(
            findings
                .iter()
                .map(|f| row(f).and_then(|r| r.last_seen))
                .collect(),
        ),
    );
    t
}
