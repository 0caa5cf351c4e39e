//! The report tables, built from finished results.

use std::collections::HashMap;

use super::{Table, PART_ROWS};
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
    t.strs("domain", rows, |r| r.domain.clone());
    t.strs("registrable_domain", rows, DomainRow::registrable_domain);
    t.strs("unicode_domain", rows, DomainRow::unicode_domain);
    t.nums("messages", rows, |r| r.messages);
    t.nums("recipients", rows, |r| r.recipients);
    t.nums("deliveries_sent", rows, |r| r.deliveries_sent);
    t.nums("deliveries_bounced", rows, |r| r.deliveries_bounced);
    t.nums("deliveries_deferred", rows, |r| r.deliveries_deferred);
    t.nums("deliveries_expired", rows, |r| r.deliveries_expired);
    t.nums("bytes_sent", rows, |r| r.bytes_sent);
    t.nums("senders", rows, |r| r.senders);
    t.times("first_seen", rows, |r| r.first_seen);
    t.times("last_seen", rows, |r| r.last_seen);
    t
}

/// Rows per block of the manifest: a row is some forty cells of text, and
/// a run of 100,000 small files would hold them all at once.
pub const MANIFEST_PART_ROWS: usize = 1 << 14;

/// `manifest` in blocks of [`MANIFEST_PART_ROWS`] rows (one block if there
/// are none).
pub fn manifest_parts(files: &[FileRecord]) -> impl Iterator<Item = Table> + '_ {
    let empty: &[FileRecord] = &[];
    let none = files.is_empty().then_some(empty);
    files.chunks(MANIFEST_PART_ROWS).chain(none).map(manifest)
}

/// `manifest`: one row per input, in path order.
pub fn manifest(files: &[FileRecord]) -> Table {
    let mut t = Table::new("manifest");
    t.strs("path", files, |f| f.path.clone());
    t.strs("status", files, |f| f.status.as_str().to_string());
    t.nums("size", files, |f| f.size);
    t.strs("sha256", files, |f| f.sha256.map(hex).unwrap_or_default());
    t.strs("content_xxh3", files, |f| {
        f.content_xxh3
            .map(|h| format!("{h:032x}"))
            .unwrap_or_default()
    });
    t.nums("content_bytes", files, |f| f.content_bytes);
    t.strs("compression", files, |f| f.compression.clone());
    t.strs("format", files, |f| f.format.clone());
    t.strs("programs", files, |f| f.programs.join(" "));
    t.nums("lines_read", files, |f| f.lines_read);
    t.nums("lines_used", files, |f| f.lines_used);
    t.nums("lines_skipped", files, |f| f.skipped.total());
    for reason in SkipReason::ALL {
        t.nums(&format!("skipped_{}", reason.as_str()), files, |f| {
            f.skipped.get(reason)
        });
    }
    t.times("first_seen", files, |f| f.first);
    t.times("last_seen", files, |f| f.last);
    t.strs("year_rule", files, |f| f.year_rule.clone());
    t.strs("duplicate_of", files, |f| {
        f.duplicate_of.clone().unwrap_or_default()
    });
    t.strs("error", files, |f| f.error.clone().unwrap_or_default());
    t.strs("notes", files, |f| f.notes.join("; "));
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
    t.strs("domain", findings, |f| f.domain.clone());
    t.strs("intended", findings, |f| f.intended.clone());
    t.strs("kind", findings, |f| f.class.kind.as_str().to_string());
    t.strs("edit_location", findings, |f| f.class.location());
    t.nums("distance", findings, |f| u64::from(f.class.distance));
    t.floats("score", findings, |f| f.score.value);
    t.strs("live_cctld", findings, |f| {
        f.live_cctld.unwrap_or_default().to_string()
    });
    t.strs("cctld_country", findings, |f| {
        f.country.unwrap_or_default().to_string()
    });
    t.strs("edits", findings, |f| f.class.detail());
    t.strs("unicode_domain", findings, |f| {
        crate::domain::unicode_form(&f.domain)
    });
    t.strs("target_source", findings, |f| f.source.as_str().to_string());
    t.flags("via_suffix_target", findings, |f| f.via_suffix);
    t.nums("intended_messages", findings, |f| {
        f.evidence.target_messages
    });
    t.nums("intended_senders", findings, |f| f.evidence.target_senders);
    t.nums("shared_local_parts", findings, |f| {
        f.evidence.shared_local_parts
    });
    t.nums("self_corrections", findings, |f| {
        f.evidence.self_corrections
    });
    t.nums("co_recipient_messages", findings, |f| {
        f.evidence.co_recipient_messages
    });
    t.strs("score_reasons", findings, |f| f.score.reasons.clone());
    t.strs("other_intended", findings, |f| f.alternatives.join(" "));
    t.nums("messages", findings, |f| row(f).map_or(0, |r| r.messages));
    t.nums("recipients", findings, |f| {
        row(f).map_or(0, |r| r.recipients)
    });
    t.nums("deliveries_sent", findings, |f| {
        row(f).map_or(0, |r| r.deliveries_sent)
    });
    t.nums("deliveries_bounced", findings, |f| {
        row(f).map_or(0, |r| r.deliveries_bounced)
    });
    t.nums("deliveries_deferred", findings, |f| {
        row(f).map_or(0, |r| r.deliveries_deferred)
    });
    t.nums("deliveries_expired", findings, |f| {
        row(f).map_or(0, |r| r.deliveries_expired)
    });
    t.nums("bytes_sent", findings, |f| {
        row(f).map_or(0, |r| r.bytes_sent)
    });
    t.nums("senders", findings, |f| row(f).map_or(0, |r| r.senders));
    t.times("first_seen", findings, |f| {
        row(f).and_then(|r| r.first_seen)
    });
    t.times("last_seen", findings, |f| row(f).and_then(|r| r.last_seen));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize) -> DomainRow {
        DomainRow {
            domain: format!("d{i}.example"),
            messages: i as u64,
            recipients: 1,
            deliveries_sent: 1,
            deliveries_bounced: 0,
            deliveries_deferred: 0,
            deliveries_expired: 0,
            bytes_sent: 10,
            senders: 1,
            first_seen: None,
            last_seen: Some(i as i64),
        }
    }

    #[test]
    fn the_manifest_comes_in_blocks_and_never_none() {
        use crate::input::{InputKind, InputSpec};
        let files: Vec<FileRecord> = (0..2 * MANIFEST_PART_ROWS + 1)
            .map(|i| {
                let spec = InputSpec {
                    path: format!("mail.log.{i}").into(),
                    kind: InputKind::File,
                    size: i as u64,
                    modified: None,
                    rejection: None,
                };
                FileRecord::new(i as u32, &spec)
            })
            .collect();
        let blocks: Vec<Table> = manifest_parts(&files).collect();
        assert_eq!(
            blocks.iter().map(Table::rows).collect::<Vec<_>>(),
            [MANIFEST_PART_ROWS, MANIFEST_PART_ROWS, 1]
        );
        assert_eq!(blocks[2], manifest(&files[2 * MANIFEST_PART_ROWS..]));
        let none: Vec<Table> = manifest_parts(&[]).collect();
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].rows(), 0);
        assert_eq!(none[0].columns.len(), blocks[0].columns.len());
    }

    #[test]
    fn domains_come_in_blocks_of_part_rows_and_never_none() {
        let rows: Vec<DomainRow> = (0..PART_ROWS + 1).map(row).collect();
        let blocks: Vec<Table> = domain_parts(&rows).collect();
        assert_eq!(
            blocks.iter().map(Table::rows).collect::<Vec<_>>(),
            [PART_ROWS, 1]
        );
        assert_eq!(blocks[1], domains(&rows[PART_ROWS..]));
        let none: Vec<Table> = domain_parts(&[]).collect();
        assert_eq!(none.len(), 1);
        assert_eq!((none[0].rows(), none[0].columns.len()), (0, 13));
    }
}
