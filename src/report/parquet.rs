//! Parquet tables, written with polars: strings as UTF-8, counts as UInt64,
//! times as `Datetime(µs, UTC)`. Values are written as they are (no CSV
//! neutralisation): Parquet is read by programs, not spreadsheets.

use std::io::Write;
use std::path::Path;

use polars::prelude::*;

use super::{ReportError, Table, TableWriter, Values};

/// Writes tables as Parquet (zstd-compressed, with statistics).
pub struct ParquetTableWriter;

impl TableWriter for ParquetTableWriter {
    fn extension(&self) -> &'static str {
        "parquet"
    }

    fn write(&self, table: &Table, out: &mut dyn Write, path: &Path) -> Result<(), ReportError> {
        let mut df = to_frame(table).map_err(|e| error(path, e))?;
        writer(out).finish(&mut df).map_err(|e| error(path, e))?;
        Ok(())
    }

    /// Each block is one row group. (`write` splits a whole table into row
    /// groups of equal size instead: the same rows, another layout.)
    fn write_parts(
        &self,
        parts: &mut dyn Iterator<Item = Table>,
        out: &mut dyn Write,
        path: &Path,
    ) -> Result<(), ReportError> {
        let err = |e| error(path, e);
        let mut batched = None;
        for table in parts {
            let df = to_frame(&table).map_err(err)?;
            drop(table);
            if batched.is_none() {
                batched = Some(writer(&mut *out).batched(df.schema()).map_err(err)?);
            }
            let w = batched.as_mut().expect("made above");
            w.write_batch(&df).map_err(err)?;
        }
        let w = batched.ok_or_else(|| ReportError::Parquet {
            path: path.to_path_buf(),
            message: "a table with no blocks of rows, not even an empty one".to_string(),
        })?;
        w.finish().map_err(err)?;
        Ok(())
    }
}

fn writer<W: Write>(out: W) -> ParquetWriter<W> {
    ParquetWriter::new(out)
        .with_compression(ParquetCompression::Zstd(None))
        // One thread keeps the bytes identical from run to run.
        .set_parallel(false)
}

fn error(path: &Path, e: PolarsError) -> ReportError {
    ReportError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The table as a polars DataFrame.
pub fn to_frame(table: &Table) -> PolarsResult<DataFrame> {
    let columns: Vec<Column> = table
        .columns
        .iter()
        .map(|(name, values)| {
            let name = PlSmallStr::from_str(name);
            let series = match values {
                Values::Str(v) => Series::new(name, v),
                Values::U64(v) => Series::new(name, v),
                Values::OptU64(v) => Series::new(name, v),
                Values::F64(v) => Series::new(name, v),
                Values::Bool(v) => Series::new(name, v),
                Values::Time(v) => {
                    Series::new(name, v).into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
                }
            };
            series.into_column()
        })
        .collect();
    DataFrame::new(table.rows(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_block as block;

    fn read(bytes: Vec<u8>) -> DataFrame {
        ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .unwrap()
    }

    #[test]
    fn a_table_in_parts_reads_back_as_the_whole() {
        let path = Path::new("t.parquet");
        let mut whole = Vec::new();
        ParquetTableWriter
            .write(&block(0, 10), &mut whole, path)
            .unwrap();
        let mut parts = Vec::new();
        ParquetTableWriter
            .write_parts(
                &mut [block(0, 4), block(4, 6)].into_iter(),
                &mut parts,
                path,
            )
            .unwrap();
        assert!(read(whole).equals(&read(parts)));
        // No rows: one empty block still gives the columns.
        let mut empty = Vec::new();
        ParquetTableWriter
            .write_parts(&mut std::iter::once(block(0, 0)), &mut empty, path)
            .unwrap();
        let df = read(empty);
        assert_eq!((df.height(), df.width()), (0, 3));
        // No block at all is refused, not a panic.
        let mut none = Vec::new();
        assert!(ParquetTableWriter
            .write_parts(&mut std::iter::empty(), &mut none, path)
            .is_err());
    }
}
