//! Reports: tables written as CSV and Parquet, the manifest, run.json and
//! the terminal summary.
//!
//! Report writers only ever see finished tables ([`Table`]), never raw log
//! lines. Every file is written under a temporary name and flushed to disk;
//! only when all are written are they renamed into place, run.json last.
//! A run that fails or is interrupted before that removes its temporary
//! files and leaves the folder as it found it: a report that exists is
//! complete, and never a mix of two runs.

pub mod csv;
pub mod format;
pub mod headline;
pub mod html;
pub mod leak_json;
pub mod leak_tables;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod run_json;
pub mod summary;
pub mod tables;
pub mod text;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::time::Micros;

/// The values of one column.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    Str(Vec<String>),
    U64(Vec<u64>),
    /// Counts that may be unknown; `None` is an empty cell.
    OptU64(Vec<Option<u64>>),
    F64(Vec<f64>),
    Bool(Vec<bool>),
    /// UTC instants; `None` is an empty cell.
    Time(Vec<Option<Micros>>),
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Values::Str(v) => v.len(),
            Values::U64(v) => v.len(),
            Values::OptU64(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Time(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A report table: named columns of equal length.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// File stem, e.g. `domains`.
    pub name: &'static str,
    pub columns: Vec<(String, Values)>,
}

impl Table {
    pub fn new(name: &'static str) -> Table {
        Table {
            name,
            columns: Vec::new(),
        }
    }

    pub fn push(&mut self, name: &str, values: Values) {
        debug_assert!(self
            .columns
            .first()
            .is_none_or(|(_, v)| v.len() == values.len()));
        self.columns.push((name.to_string(), values));
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| v.len())
    }

    // Column builders: one call per column, its values made from each row.

    pub fn strs<R>(&mut self, name: &str, rows: &[R], f: impl Fn(&R) -> String) {
        self.push(name, Values::Str(rows.iter().map(f).collect()));
    }

    pub fn nums<R>(&mut self, name: &str, rows: &[R], f: impl Fn(&R) -> u64) {
        self.push(name, Values::U64(rows.iter().map(f).collect()));
    }

    pub fn opt_nums<R>(&mut self, name: &str, rows: &[R], f: impl Fn(&R) -> Option<u64>) {
        self.push(name, Values::OptU64(rows.iter().map(f).collect()));
    }

    pub fn floats<R>(&mut self, name: &str, rows: &[R], f: impl Fn(&R) -> f64) {
        self.push(name, Values::F64(rows.iter().map(f).collect()));
    }

    pub fn flags<R>(&mut self, name: &str, rows: &[R], f: impl Fn(&R) -> bool) {
        self.push(name, Values::Bool(rows.iter().map(f).collect()));
    }

    pub fn times<R>(&mut self, name: &str, rows: &[R], f: impl Fn(&R) -> Option<Micros>) {
        self.push(name, Values::Time(rows.iter().map(f).collect()));
    }
}

/// Errors writing reports.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "cannot write {path}: {source}; check that the folder is writable and the disk is not full"
    )]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot write {path} as Parquet: {message}")]
    Parquet { path: PathBuf, message: String },
    #[error("cannot write {path} as CSV: {source}; check that the folder is writable and the disk is not full")]
    Csv { path: PathBuf, source: ::csv::Error },
    #[error("the report folder {path} already holds files; pass --force to replace its reports, or choose another --out")]
    OutExists { path: PathBuf },
    #[error("cannot create the report folder {path}: {source}")]
    CreateOut { path: PathBuf, source: io::Error },
    #[error("cannot write in the report folder {path}: {source}; choose a writable --out")]
    NotWritable { path: PathBuf, source: io::Error },
}

/// A format a table can be written in.
pub trait TableWriter {
    /// File name extension, without the dot.
    fn extension(&self) -> &'static str;
    /// Writes `table` to `out`; `path` is for error messages.
    fn write(&self, table: &Table, out: &mut dyn Write, path: &Path) -> Result<(), ReportError>;
    /// Writes one table given as consecutive blocks of rows (at least one),
    /// so that a table of millions of rows is never held whole twice.
    fn write_parts(
        &self,
        parts: &mut dyn Iterator<Item = Table>,
        out: &mut dyn Write,
        path: &Path,
    ) -> Result<(), ReportError>;
}

/// Rows per block of a table written in parts: polars' default Parquet row
/// group size (each block becomes one row group).
pub const PART_ROWS: usize = 512 * 512;

/// The folder reports go to.
pub struct OutDir {
    path: PathBuf,
    /// Made by this run: removed again if the run ends without reports.
    created: bool,
    /// (temporary, final) names of the files written, in order.
    staged: std::cell::RefCell<Vec<(PathBuf, PathBuf)>>,
    committed: bool,
}

impl OutDir {
    /// Creates the folder, or checks that an existing one may be written to:
    /// an existing non-empty folder needs `force`.
    pub fn prepare(path: &Path, force: bool) -> Result<OutDir, ReportError> {
        let mut created = false;
        match fs::read_dir(path) {
            Ok(mut entries) => {
                if entries.next().is_some() && !force {
                    return Err(ReportError::OutExists {
                        path: path.to_path_buf(),
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(path).map_err(|source| ReportError::CreateOut {
                    path: path.to_path_buf(),
                    source,
                })?;
                created = true;
            }
            Err(source) => {
                return Err(ReportError::CreateOut {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
        let out = OutDir {
            path: path.to_path_buf(),
            created,
            staged: Default::default(),
            committed: false,
        };
        // Before a long scan, not after it: a read-only folder fails now.
        let probe = path.join(format!(".misdirect-probe-{}", std::process::id()));
        let written = File::create(&probe).and_then(|mut f| f.write_all(b"x"));
        let _ = fs::remove_file(&probe);
        written.map_err(|source| ReportError::NotWritable {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(out)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a table in each of `writers`' formats.
    pub fn write_table(
        &self,
        table: &Table,
        writers: &[&dyn TableWriter],
    ) -> Result<Vec<PathBuf>, ReportError> {
        let mut written = Vec::new();
        for w in writers {
            let name = format!("{}.{}", table.name, w.extension());
            let path = self.write_file(&name, |out, path| w.write(table, out, path))?;
            written.push(path);
        }
        Ok(written)
    }

    /// Writes a table made in blocks of rows by `parts` (called once per
    /// format) in each of `writers`' formats.
    pub fn write_table_parts<'p, I: Iterator<Item = Table> + 'p>(
        &self,
        name: &str,
        parts: impl Fn() -> I,
        writers: &[&dyn TableWriter],
    ) -> Result<Vec<PathBuf>, ReportError> {
        let mut written = Vec::new();
        for w in writers {
            let file = format!("{name}.{}", w.extension());
            let path =
                self.write_file(&file, |out, path| w.write_parts(&mut parts(), out, path))?;
            written.push(path);
        }
        Ok(written)
    }

    /// Writes one file to a temporary name in the same folder, flushed to
    /// disk; [`OutDir::commit`] renames it over the final name.
    pub fn write_file(
        &self,
        name: &str,
        body: impl FnOnce(&mut dyn Write, &Path) -> Result<(), ReportError>,
    ) -> Result<PathBuf, ReportError> {
        let path = self.path.join(name);
        let tmp = self
            .path
            .join(format!(".{name}.tmp-{}", std::process::id()));
        let io_err = |source| ReportError::Io {
            path: path.clone(),
            source,
        };
        let result = (|| {
            let file = File::create(&tmp).map_err(io_err)?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            body(&mut out, &path)?;
            let file = out.into_inner().map_err(|e| io_err(e.into_error()))?;
            file.sync_all().map_err(io_err)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result?;
        self.staged.borrow_mut().push((tmp, path.clone()));
        Ok(path)
    }

    /// Renames every file written into place, in the order written.
    pub fn commit(mut self) -> Result<(), ReportError> {
        let staged = std::mem::take(&mut *self.staged.borrow_mut());
        let mut rest = staged.into_iter();
        for (tmp, path) in rest.by_ref() {
            if let Err(source) = fs::rename(&tmp, &path) {
                let _ = fs::remove_file(&tmp);
                // Put the others back, for Drop to remove.
                self.staged.borrow_mut().extend(rest);
                return Err(ReportError::Io { path, source });
            }
        }
        // The renames themselves reach the disk.
        if let Ok(dir) = File::open(&self.path) {
            let _ = dir.sync_all();
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        for (tmp, _) in self.staged.borrow_mut().drain(..) {
            let _ = fs::remove_file(tmp);
        }
        if self.created && !self.committed {
            // Only if empty: never removes anything but what this run made.
            let _ = fs::remove_dir(&self.path);
        }
    }
}

/// Rows `from..from + n` of a small three-column table, for the writers' tests.
#[cfg(test)]
pub(crate) fn test_block(from: u64, n: u64) -> Table {
    let ids = from..from + n;
    let mut t = Table::new("t");
    // A leading `=` checks that CSV cells are neutralised in every block.
    t.push(
        "domain",
        Values::Str(ids.clone().map(|i| format!("=d{i}.example")).collect()),
    );
    t.push("messages", Values::U64(ids.clone().collect()));
    t.push(
        "first_seen",
        Values::Time(ids.map(|i| Some(i as i64)).collect()),
    );
    t
}
