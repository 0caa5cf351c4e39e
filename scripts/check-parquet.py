#!/usr/bin/env python3
"""Check that every Parquet table in a misdirect output folder holds the same
rows as its CSV twin, reading the Parquet with an independent reader
(pyarrow, pinned in scripts/requirements-check.txt) and the CSV with Python's
csv module.

    python3 scripts/check-parquet.py OUT_DIR

For each `NAME.parquet` in OUT_DIR, `NAME.csv` must have the same column names
in the same order, the same number of rows and equal cells. A Parquet value is
equal to a CSV cell when it is written the way misdirect writes CSV:

* strings as they are, except that a string starting with `=`, `+`, `-`, `@`,
  tab or CR gets a leading `'` (formula-injection neutralisation; CSV only);
* integers exactly, in decimal;
* floats with 4 decimals: the CSV number must be within half a unit of the
  4th decimal of the Parquet value (any correct rounding, whatever the tie rule);
* booleans as `true` / `false`;
* timestamps (Parquet: with time zone UTC, any unit) as `YYYY-MM-DDTHH:MM:SSZ`,
  truncated to the second;
* null as an empty cell.

Prints every mismatch (the first 20 per table) and exits 1 if there is any,
otherwise prints one OK line per table. Exits 2 if OUT_DIR has no Parquet file
or a Parquet file has no CSV twin.
"""

import argparse
import csv
import datetime as dt
import math
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MAX_REPORTED = 20
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def csv_safe(s):
    """The CSV form of a string cell (as misdirect's report::text::csv_safe)."""
    return "'" + s if s.startswith(FORMULA_STARTS) else s


def format_time(raw, unit):
    """A timestamp (integer count of `unit` since the epoch) as CSV shows it."""
    seconds = raw // PER_SECOND[unit]  # floor: truncates toward the past
    try:
        t = EPOCH + dt.timedelta(seconds=seconds)
    except OverflowError:
        return f"<out of range: {raw} {unit}>"
    return (f"{t.year:04}-{t.month:02}-{t.day:02}"
            f"T{t.hour:02}:{t.minute:02}:{t.second:02}Z")


def float_matches(cell, value):
    try:
        number = float(cell)
    except ValueError:
        return False
    if math.isnan(value) or math.isnan(number):
        return math.isnan(value) and math.isnan(number)
    if math.isinf(value) or math.isinf(number):
        return value == number
    return abs(number - value) <= 0.5e-4 * (1 + 1e-9)


def column_checker(field, column):
    """(values to show, cell-equality test) for one Parquet column, or a
    string saying why the column's type is not supported."""
    t = field.type
    if pa.types.is_timestamp(t):
        if t.tz not in ("UTC", "Etc/UTC", "+00:00"):
            return f"timestamp column has time zone {t.tz!r}, not UTC"
        shown = [None if v is None else format_time(v, t.unit)
                 for v in column.cast(pa.int64()).to_pylist()]
        return shown, lambda cell, v: cell == v
    values = column.to_pylist()
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return values, lambda cell, v: cell == csv_safe(v)
    if pa.types.is_integer(t):
        return values, lambda cell, v: cell == str(v)
    if pa.types.is_floating(t):
        return values, float_matches
    if pa.types.is_boolean(t):
        return values, lambda cell, v: cell == ("true" if v else "false")
    return f"unsupported Parquet type {t}"


def check_table(parquet_path, csv_path):
    """Returns the list of problems found (empty if the two agree)."""
    table = pq.read_table(parquet_path)
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return ["CSV file is empty (no header row)"]
    header, rows = rows[0], rows[1:]

    problems = []
    if header != table.column_names:
        problems.append(f"columns differ: csv={header!r} parquet={table.column_names!r}")
    if len(rows) != table.num_rows:
        problems.append(f"row count differs: csv={len(rows)} parquet={table.num_rows}")
    if problems:
        return problems  # cells can't be lined up

    columns = []  # (name, index, values, equal) of each comparable column
    for i, name in enumerate(header):
        checker = column_checker(table.schema.field(i), table.column(i))
        if isinstance(checker, str):
            problems.append(f"column {name}: {checker}")
        else:
            columns.append((name, i, *checker))

    for r, row in enumerate(rows, start=1):
        row = row or [""]  # a blank line is one empty cell (one-column tables)
        if len(row) != len(header):
            problems.append(f"row {r}: csv has {len(row)} cells, expected {len(header)}")
            continue
        for name, i, values, equal in columns:
            cell, value = row[i], values[r - 1]
            same = cell == "" if value is None else equal(cell, value)
            if not same:
                problem = f"row {r}, column {name}: csv={cell!r} parquet={value!r}"
                if isinstance(value, str) and csv_safe(value) != value:
                    problem += f" (expected in CSV as {csv_safe(value)!r})"
                problems.append(problem)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="a misdirect scan output folder")
    out_dir = parser.parse_args().out_dir

    csv.field_size_limit(2**31 - 1)  # hostile logs can make long cells
    parquets = sorted(out_dir.glob("*.parquet"))
    if not parquets:
        print(f"error: no *.parquet files in {out_dir}", file=sys.stderr)
        return 2
    missing = [p for p in parquets if not p.with_suffix(".csv").is_file()]
    for p in missing:
        print(f"error: {p.name} has no matching {p.with_suffix('.csv').name}", file=sys.stderr)
    if missing:
        return 2

    failed = False
    for parquet_path in parquets:
        name = parquet_path.stem
        try:
            problems = check_table(parquet_path, parquet_path.with_suffix(".csv"))
        except (OSError, UnicodeDecodeError, csv.Error, pa.ArrowException) as e:
            problems = [f"cannot read: {e}"]
        if not problems:
            rows = pq.read_metadata(parquet_path).num_rows
            print(f"OK {name}: {rows} rows match")
            continue
        failed = True
        for problem in problems[:MAX_REPORTED]:
            print(f"MISMATCH {name}: {problem}")
        if len(problems) > MAX_REPORTED:
            print(f"MISMATCH {name}: ... and {len(problems) - MAX_REPORTED} more")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
