//! CSV tables: a header row, then one row per record; times as ISO 8601
//! UTC; cells neutralised against spreadsheet formula injection.

use std::io::Write;
use std::path::Path;

use super::text::csv_safe;
use super::{ReportError, Table, TableWriter, Values};
use crate::time::format_utc;

/// Writes tables as CSV.
pub struct CsvWriter;

impl TableWriter for CsvWriter {
    fn extension(&self) -> &'static str {
        "csv"
    }

    fn write(&self, table: &Table, out: &mut dyn Write, path: &Path) -> Result<(), ReportError> {
        let err = |source| ReportError::Csv {
            path: path.to_path_buf(),
            source,
        };
        let mut w = ::csv::WriterBuilder::new().from_writer(out);
        w.write_record(table.columns.iter().map(|(name, _)| name.as_str()))
            .map_err(err)?;
        let mut row: Vec<String> = Vec::with_capacity(table.columns.len());
        for i in 0..table.rows() {
            row.clear();
            for (_, values) in &table.columns {
                row.push(match values {
                    Values::Str(v) => csv_safe(&v[i]).into_owned(),
                    Values::U64(v) => v[i].to_string(),
                    Values::OptU64(v) => v[i].map(|n| n.to_string()).unwrap_or_default(),
                    // Fixed precision: the same digits on every platform.
                    Values::F64(v) => format!("{:.4}", v[i]),
                    Values::Bool(v) => v[i].to_string(),
                    Values::Time(v) => v[i].map(format_utc).unwrap_or_default(),
                });
            }
            w.write_record(&row).map_err(err)?;
        }
        w.flush().map_err(|e| err(e.into()))?;
        Ok(())
    }
}
