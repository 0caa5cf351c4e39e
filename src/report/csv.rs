//! CSV tables: a header row, then one row per record; times as ISO 8601
//! UTC; cells neutralised against spreadsheet formula injection.

use std::borrow::Borrow;
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
        write_csv(std::iter::once(table), out, path)
    }

    fn write_parts(
        &self,
        parts: &mut dyn Iterator<Item = Table>,
        out: &mut dyn Write,
        path: &Path,
    ) -> Result<(), ReportError> {
        write_csv(parts, out, path)
    }
}

/// A header from the first block, then every block's rows.
fn write_csv<T: Borrow<Table>>(
    parts: impl Iterator<Item = T>,
    out: &mut dyn Write,
    path: &Path,
) -> Result<(), ReportError> {
    let err = |source| ReportError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut w = ::csv::WriterBuilder::new().from_writer(out);
    let mut row: Vec<String> = Vec::new();
    for (n, table) in parts.enumerate() {
        let table = table.borrow();
        if n == 0 {
            w.write_record(table.columns.iter().map(|(name, _)| name.as_str()))
                .map_err(err)?;
        }
        for i in 0..table.rows() {
            row.clear();
            row.extend(table.columns.iter().map(|(_, values)| cell(values, i)));
            w.write_record(&row).map_err(err)?;
        }
    }
    w.flush().map_err(|e| err(e.into()))?;
    Ok(())
}

/// The text of row `i` of a column.
fn cell(values: &Values, i: usize) -> String {
    match values {
        Values::Str(v) => csv_safe(&v[i]).into_owned(),
        Values::U64(v) => v[i].to_string(),
        Values::OptU64(v) => v[i].map(|n| n.to_string()).unwrap_or_default(),
        // Fixed precision: the same digits on every platform.
        Values::F64(v) => format!("{:.4}", v[i]),
        Values::Bool(v) => v[i].to_string(),
        Values::Time(v) => v[i].map(format_utc).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_block as block;

    #[test]
    fn a_table_in_parts_is_the_whole_table() {
        let path = Path::new("t.csv");
        let mut whole = Vec::new();
        CsvWriter.write(&block(0, 5), &mut whole, path).unwrap();
        let mut parts = Vec::new();
        CsvWriter
            .write_parts(
                &mut [block(0, 2), block(2, 3)].into_iter(),
                &mut parts,
                path,
            )
            .unwrap();
        assert_eq!(
            String::from_utf8(parts).unwrap(),
            String::from_utf8(whole).unwrap()
        );
        let mut empty = Vec::new();
        CsvWriter
            .write_parts(&mut std::iter::once(block(0, 0)), &mut empty, path)
            .unwrap();
        assert_eq!(empty, b"domain,messages,first_seen\n");
    }
}
