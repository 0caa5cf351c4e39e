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
        let err = |e: PolarsError| ReportError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let mut df = to_frame(table).map_err(err)?;
        ParquetWriter::new(out)
            .with_compression(ParquetCompression::Zstd(None))
            // One thread keeps the bytes identical from run to run.
            .set_parallel(false)
            .finish(&mut df)
            .map_err(err)?;
        Ok(())
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
