//! Reading one input: open, decompress, detect its format, parse and
//! correlate its lines, and describe it for the manifest.
//!
//! This never fails: an input that cannot be opened or decoded becomes a
//! manifest row saying so, with everything read before the damage kept.

use std::fs::File;
use std::io::{self, Read};

use crate::aggregate::{Census, CensusOptions};
use crate::correlate::internal::{InternalRelays, Relabel};
use crate::correlate::{Correlator, Fragment};
use crate::input::decode::RawReader;
use crate::input::discover::describe_io;
use crate::input::lines::{read_lines, read_whole, storage_error, LineHandler, ReadReport};
use crate::input::Compression;
use crate::input::{InputKind, InputSpec};
use crate::leak::ledger::{LedgerMode, Spill};
use crate::parse::detect::{detect, Detection, Format, UTF8_BOM};
use crate::parse::exchange::ExchangeParser;
use crate::parse::exim::EximParser;
use crate::parse::journal::JournalParser;
use crate::parse::m365::M365Parser;
use crate::parse::recorded::Recorded;
use crate::parse::syslog::SyslogParser;
use crate::parse::{EventSink, FileFacts, LineParser, Outcome, SkipCounts, SkipReason};
use crate::progress::Counter;
use crate::time::year::date_in_file_name;
use crate::time::{Clock, Micros, YearRule, YearSource};

use super::segments::{self, Cutter, Replay};
use super::{FileRecord, FileStatus, ScanContext};

/// Files up to this size are read into memory whole.
const WHOLE_RAW_LIMIT: u64 = 16 << 20;

/// What reading one input gave.
pub struct FileResult {
    pub record: FileRecord,
    pub census: Census,
    pub loose: Vec<Fragment>,
}

/// Reads one input completely.
///
/// A file whose year-less lines ran past its own date is read a second
/// time with its first line's year lowered (see `time::year`), since every
/// line after the first was dated from it. Standard input and FIFOs cannot
/// be read twice: they keep the first reading and its warning.
pub fn process_file(index: u32, spec: &InputSpec, ctx: &ScanContext) -> FileResult {
    // Ledger records a reading spilled are set aside if it is replaced.
    let spill = match &ctx.census.ledger {
        LedgerMode::Rare { spill, .. } => Some(spill),
        _ => None,
    };
    let mark = |s: &Spill| s.mark(index);
    let m0 = spill.map(mark);
    let (first, again) = read_input(index, spec, ctx, year_rule(spec, ctx), &ctx.progress);
    let Some(rule) = again.filter(|_| spec.kind == InputKind::File) else {
        return first;
    };
    let m1 = spill.map(mark);
    // Only its record is needed to check the second reading against; its
    // counts are freed before the second reading makes its own.
    let FileResult {
        record: first,
        census,
        loose,
    } = first;
    drop((census, loose));
    // The bytes were counted once already.
    let (mut second, _) = read_input(index, spec, ctx, rule, &Counter::none());
    if let (Some(s), Some(from), Some(to)) = (spill, m0, m1) {
        s.void(index, from, to);
    }
    if second.record.content_key() != first.content_key() || second.record.status != first.status {
        // Not the file the first reading saw. The second reading's dates
        // are the better ones; what it read is counted, and the run is
        // incomplete, like any file that changed while it was read.
        second.record.status = FileStatus::Changed;
        second.record.error = Some(format!(
            "changed while read: its lines ran past the file's date, and when it was read \
             again with {} its content was no longer what the first reading saw",
            rule.describe()
        ));
        return second;
    }
    second.record.lowered = Some(rule);
    second.record.notes.push(
        "read twice: dated from its first line alone, its lines ran more than a day past the \
         file's date, so it was read again with the first line's year lowered; only the second \
         reading is counted"
            .to_string(),
    );
    second
}

/// Reads an input again the way `first` says it was counted: with the
/// lowered year it needed, in one reading.
pub fn reread_file(
    index: u32,
    spec: &InputSpec,
    ctx: &ScanContext,
    first: &FileRecord,
) -> FileResult {
    match first.lowered {
        Some(rule) => read_input(index, spec, ctx, rule, &ctx.progress).0,
        None => process_file(index, spec, ctx),
    }
}

/// Reads one input once, with `rule` for its year-less stamps; gives the
/// rule of a second reading if the dates ask for one.
fn read_input(
    index: u32,
    spec: &InputSpec,
    ctx: &ScanContext,
    rule: YearRule,
    progress: &Counter,
) -> (FileResult, Option<YearRule>) {
    let mut record = FileRecord::new(index, spec);
    let not_read = |record: FileRecord| FileResult {
        record,
        census: Census::new(),
        loose: Vec::new(),
    };
    // Decides between reading whole and streaming: the size when opened,
    // which may differ from the size when found.
    let mut opened_size = None;
    let reader: Box<dyn Read + Send> = match spec.kind {
        InputKind::Stdin => Box::new(io::stdin()),
        InputKind::Rejected => {
            let r = spec.rejection.as_ref().expect("a rejected input says why");
            record.status = if r.unsupported {
                FileStatus::Unsupported
            } else {
                FileStatus::Unreadable
            };
            record.error = Some(r.reason.clone());
            return (not_read(record), None);
        }
        InputKind::File | InputKind::Fifo => match File::open(&spec.path) {
            Ok(f) => {
                if spec.kind == InputKind::File {
                    opened_size = f.metadata().ok().map(|m| m.len());
                }
                Box::new(f)
            }
            Err(e) => {
                record.status = FileStatus::Unreadable;
                record.error = Some(format!("cannot open: {}", describe_io(&e)));
                return (not_read(record), None);
            }
        },
    };
    let mut handler = Handler {
        ctx,
        rule,
        parser: None,
        detection: None,
        correlator: Correlator::new(
            index,
            ctx.gap,
            Census::with_options(CensusOptions {
                origin: index,
                ..ctx.census.clone()
            }),
        ),
        used: 0,
        skipped: SkipCounts::default(),
        cutter: None,
        fork_facts: None,
    };
    let raw = RawReader::new(reader, progress.clone());
    let _busy = ctx.busy.enter();
    let cut = segments::helpers_for(ctx.segments, ctx.threads, &ctx.busy, opened_size);
    if let Some((helpers, bytes)) = cut {
        handler.cutter = Cutter::start(helpers, bytes);
    }
    let report = match opened_size {
        // Small files are read whole (a gzip one is inflated in one call).
        Some(size) if size <= WHOLE_RAW_LIMIT => {
            read_small(raw, size, ctx.pipeline, progress, &mut handler)
        }
        _ => read_lines(raw, ctx.pipeline, &mut handler),
    };
    handler.finish_segments();
    let Handler {
        mut parser,
        detection,
        correlator,
        used,
        skipped,
        fork_facts,
        ..
    } = handler;
    let (census, loose) = correlator.finish();
    let mut again = None;
    match report {
        Ok(report) => {
            // A read error, not a change, is why fewer bytes were read.
            let storage_failed = report.error.as_ref().is_some_and(|e| e.storage);
            again = describe(
                &mut record,
                report,
                detection,
                parser.as_mut(),
                fork_facts,
                used,
                skipped,
            );
            if spec.kind == InputKind::File && !storage_failed {
                note_change(&mut record);
            }
        }
        Err(e) => {
            record.status = FileStatus::Unreadable;
            record.error = Some(format!("cannot read: {}", describe_io(&e)));
        }
    }
    let result = FileResult {
        record,
        census,
        loose,
    };
    (result, again)
}

/// Reads a small file into memory and its lines from there. A file that
/// grew past the limit since it was opened is streamed from where the
/// buffer ends; a storage error keeps the lines of the bytes before it.
fn read_small(
    mut raw: RawReader<Box<dyn Read + Send>>,
    size: u64,
    pipeline: bool,
    progress: &Counter,
    handler: &mut dyn LineHandler,
) -> io::Result<ReadReport> {
    let mut buf = Vec::with_capacity(size as usize);
    // An error is kept by the raw reader and reported below.
    let _ = raw.by_ref().take(WHOLE_RAW_LIMIT + 1).read_to_end(&mut buf);
    if buf.len() as u64 > WHOLE_RAW_LIMIT && raw.failure().is_none() {
        let source: Box<dyn Read + Send> = Box::new(io::Cursor::new(buf).chain(raw.into_inner()));
        let raw = RawReader::new(source, progress.clone());
        return read_lines(raw, pipeline, handler);
    }
    let (sha256, _, failure) = raw.finish();
    let mut report = read_whole(buf, sha256, handler)?;
    if let Some(f) = failure {
        let content = report
            .error
            .take()
            .map_or(report.content_bytes, |e| e.content_offset);
        report.error = Some(storage_error(&f, content));
    }
    Ok(report)
}

/// A file whose size when read differs from its size when found changed
/// while the run read it (a live log, a rotation, a copy in progress):
/// what was read is in the counts, but it is not the file that was found.
fn note_change(record: &mut FileRecord) {
    let (found, read) = (record.discovered_size, record.size);
    if found == read {
        return;
    }
    let what = if read > found {
        format!("it grew from {found} to {read} bytes while the run read it; every byte up to {read} was read")
    } else {
        format!(
            "it shrank from {found} to {read} bytes while the run read it; bytes {read} to {found} were no longer there and were not read"
        )
    };
    if matches!(record.status, FileStatus::Ok | FileStatus::UnknownFormat) {
        record.status = FileStatus::Changed;
        record.error = Some(format!("changed while read: {what}"));
    } else {
        record.notes.push(format!("changed while read: {what}"));
    }
}

fn describe(
    record: &mut FileRecord,
    report: ReadReport,
    detection: Option<Detection>,
    parser: Option<&mut Box<dyn LineParser>>,
    fork_facts: Option<FileFacts>,
    used: u64,
    skipped: SkipCounts,
) -> Option<YearRule> {
    record.size = report.raw_bytes;
    record.sha256 = Some(report.sha256);
    record.content_bytes = report.content_bytes;
    record.lines_read = report.lines.lines;
    record.lines_used = used;
    record.skipped = skipped;
    record.notes.extend(report.notes);
    match report.compression {
        Ok(c) => {
            record.compression = c.as_str().to_string();
            record.content_xxh3 = Some(report.content_xxh3);
            record.notes.extend(name_mismatch(&record.path, c));
        }
        Err(name) => {
            record.compression = name.to_string();
            record.status = FileStatus::Unsupported;
            record.error = Some(format!(
                "{name}-compressed: misdirect reads gzip, bzip2, xz and zstd; decompress it first"
            ));
            return None;
        }
    }
    match detection {
        Some(Detection::Known(f)) => record.format = f.as_str().to_string(),
        Some(Detection::Unknown { sample }) => {
            record.format = "unknown".to_string();
            record.status = FileStatus::UnknownFormat;
            record.error = Some(format!(
                "not a mail log in any known format; first line: {}",
                crate::report::text::escape_for_display(&sample)
            ));
        }
        Some(Detection::Empty) | None => {
            record.format = "empty".to_string();
            if report.content_bytes > 0 {
                // A zeroed or pre-allocated file looks empty but is not.
                record.notes.push(format!(
                    "no line with text: its {} bytes are blank lines, NUL bytes or lines too long to read",
                    report.content_bytes
                ));
            }
        }
    }
    let mut again = None;
    if let Some(p) = parser {
        let mut facts = p.finish();
        if let Some(forks) = fork_facts {
            facts.absorb(forks);
        }
        again = facts.read_again_with;
        record.first = facts.first;
        record.last = facts.last;
        record.year_rule = facts.year_rule.unwrap_or_else(|| "in-line".to_string());
        record.programs = facts.programs;
        record.notes.extend(facts.warnings);
    }
    if let Some(e) = report.error {
        // Nothing at all could be read: unreadable rather than damaged.
        record.status = if e.raw_offset == 0 && report.raw_bytes == 0 {
            FileStatus::Unreadable
        } else {
            FileStatus::Damaged
        };
        record.error = Some(format!(
            "{} (stopped at byte {} of the file, {} bytes into its content)",
            e.message, e.raw_offset, e.content_offset
        ));
    }
    again
}

/// A note when the name promises another compression than the content has
/// (a `.gz` that is plain text, a `.log` that is gzip): the content wins,
/// but an investigator comparing with other tools should know.
fn name_mismatch(path: &str, content: Compression) -> Option<String> {
    let lower = path.to_ascii_lowercase();
    let named = [
        (".gz", Compression::Gzip),
        (".bz2", Compression::Bzip2),
        (".xz", Compression::Xz),
        (".zst", Compression::Zstd),
    ]
    .into_iter()
    .find(|(ext, _)| lower.ends_with(ext))
    .map(|(_, c)| c);
    match named {
        Some(n) if n != content => Some(format!(
            "the name says {} but the content is {}; read as {}",
            n.as_str(),
            content.as_str(),
            content.as_str()
        )),
        None if content != Compression::Plain => Some(format!(
            "{}-compressed content under a name without its extension; read as {}",
            content.as_str(),
            content.as_str()
        )),
        _ => None,
    }
}

/// How the year of this input's year-less stamps is decided.
fn year_rule(spec: &InputSpec, ctx: &ScanContext) -> YearRule {
    if let Some(y) = ctx.year {
        return YearRule::FirstLine(y);
    }
    if spec.kind != InputKind::Stdin {
        let name = spec
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        if let Some(date) = name.as_deref().and_then(date_in_file_name) {
            return YearRule::NotAfter {
                date,
                source: YearSource::FileName,
            };
        }
    }
    let (time, source) = match spec.modified.and_then(system_time_micros) {
        Some(t) if spec.kind == InputKind::File => (t, YearSource::ModTime),
        _ => (ctx.started_at, YearSource::ReadTime),
    };
    let c = ctx.zone.civil_of(time);
    YearRule::NotAfter {
        date: (c.year, c.month, c.day),
        source,
    }
}

fn system_time_micros(t: std::time::SystemTime) -> Option<Micros> {
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_micros()).ok()
}

struct Handler<'c> {
    ctx: &'c ScanContext,
    rule: YearRule,
    parser: Option<Box<dyn LineParser>>,
    detection: Option<Detection>,
    correlator: Correlator<Census>,
    used: u64,
    skipped: SkipCounts,
    /// Cuts the lines into segments parsed by helper threads, if the input
    /// gets any (`scan::segments`); their facts, joined.
    cutter: Option<Cutter>,
    fork_facts: Option<FileFacts>,
}

impl Handler<'_> {
    /// Replays the segments still in flight; the helpers end.
    fn finish_segments(&mut self) {
        if let Some(mut cutter) = self.cutter.take() {
            cutter.finish(&mut Counts {
                correlator: &mut self.correlator,
                relays: &self.ctx.internal_relays,
                used: &mut self.used,
                skipped: &mut self.skipped,
                facts: &mut self.fork_facts,
            });
        }
    }
}

/// The file's counts, as segments' results are replayed into them.
struct Counts<'h> {
    correlator: &'h mut Correlator<Census>,
    relays: &'h InternalRelays,
    used: &'h mut u64,
    skipped: &'h mut SkipCounts,
    facts: &'h mut Option<FileFacts>,
}

impl Replay for Counts<'_> {
    fn events(&mut self, events: &Recorded) {
        let (correlator, relays) = (&mut *self.correlator, self.relays);
        events.replay(&mut |line, e| {
            correlator.set_line(line);
            if relays.is_empty() {
                correlator.event(e);
            } else {
                Relabel {
                    relays,
                    inner: &mut *correlator,
                }
                .event(e);
            }
        });
    }

    fn counts(&mut self, used: u64, skipped: &SkipCounts, facts: FileFacts) {
        *self.used += used;
        self.skipped.merge(skipped);
        match self.facts {
            Some(f) => f.absorb(facts),
            None => *self.facts = Some(facts),
        }
    }
}

impl LineHandler for Handler<'_> {
    fn begin(&mut self, head: &[u8]) {
        let detection = match self.ctx.format {
            Some(f) => Detection::Known(f),
            None => detect(head),
        };
        if let Detection::Known(format) = detection {
            let clock = Clock::new(self.rule, self.ctx.zone.clone());
            self.parser = Some(match format {
                Format::Syslog => {
                    Box::new(SyslogParser::new(clock, self.ctx.postfix_names.clone()))
                }
                Format::Exim => Box::new(EximParser::new(clock)),
                Format::Exchange => Box::new(ExchangeParser::new(clock)),
                Format::M365 => Box::new(M365Parser::new(clock)),
                Format::Journal => {
                    Box::new(JournalParser::new(clock, self.ctx.postfix_names.clone()))
                }
            });
        }
        self.detection = Some(detection);
    }

    fn line(&mut self, line: &[u8], number: u64, may_hold_nul: bool) {
        let Some(parser) = self.parser.as_mut() else {
            self.skipped.add(if line.trim_ascii().is_empty() {
                SkipReason::Blank
            } else {
                SkipReason::UnknownFormat
            });
            return;
        };
        let mut line = line;
        if may_hold_nul {
            // A crash can leave a run of NULs before the next real line.
            let nul = line.iter().take_while(|&&c| c == 0).count();
            line = &line[nul..];
            if memchr::memchr(0, line).is_some() {
                self.skipped.add(SkipReason::NulBytes);
                return;
            }
            if nul > 0 && line.is_empty() {
                self.skipped.add(SkipReason::NulBytes);
                return;
            }
        }
        if number == 1 {
            // Exchange and Microsoft 365 exports start with a UTF-8 BOM.
            line = line.strip_prefix(UTF8_BOM).unwrap_or(line);
        }
        if let Some(cutter) = self.cutter.as_mut() {
            let mut counts = Counts {
                correlator: &mut self.correlator,
                relays: &self.ctx.internal_relays,
                used: &mut self.used,
                skipped: &mut self.skipped,
                facts: &mut self.fork_facts,
            };
            if cutter.line(line, number, &mut **parser, &mut counts) {
                return;
            }
            // The format cannot be cut (it forks no parser): read it here.
            self.cutter = None;
        }
        self.correlator.set_line(number);
        let outcome = if self.ctx.internal_relays.is_empty() {
            parser.parse_line(line, &mut self.correlator)
        } else {
            let mut sink = Relabel {
                relays: &self.ctx.internal_relays,
                inner: &mut self.correlator,
            };
            parser.parse_line(line, &mut sink)
        };
        match outcome {
            Outcome::Used => self.used += 1,
            // Checked only here: blank lines are rare, and never parse.
            Outcome::Skipped(_) if line.trim_ascii().is_empty() => {
                self.skipped.add(SkipReason::Blank)
            }
            Outcome::Skipped(r) => self.skipped.add(r),
        }
    }

    fn too_long(&mut self, _number: u64) {
        self.skipped.add(SkipReason::TooLong);
    }
}
