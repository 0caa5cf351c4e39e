#!/usr/bin/env python3
"""Convert BSD syslog lines into `journalctl -o json` lines (one JSON object per
line), as journald would have stored the same messages.

Used to make tests/data/journal/ from tests/data/sendmail/maillog, so that a
test can check that the journal and the syslog file of the same messages give
identical reports. Fields written: __CURSOR, __REALTIME_TIMESTAMP (UTC
microseconds; the year comes from --year, the zone is UTC), __MONOTONIC_TIMESTAMP,
_BOOT_ID, _TRANSPORT, PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, SYSLOG_PID,
_PID, _COMM, _HOSTNAME, MESSAGE, SYSLOG_TIMESTAMP, in journalctl's order.
A MESSAGE that is not valid UTF-8 is written as an array of byte values, as
journalctl does.

Usage: syslog-to-journal.py --year 2023 IN > OUT
"""
import argparse
import calendar
import json
import re
import sys

LINE = re.compile(rb"^([A-Z][a-z]{2}) ([ 0-9]\d) (\d\d):(\d\d):(\d\d) (\S+) ([^\[:]+)(?:\[(\d+)\])?: (.*)$", re.S)
MONTHS = {m.encode(): i for i, m in enumerate(calendar.month_abbr) if m}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--year", type=int, required=True)
    ap.add_argument("input")
    a = ap.parse_args()
    out = sys.stdout
    with open(a.input, "rb") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip(b"\n")
            m = LINE.match(raw)
            if not m:
                print(f"line {n}: not a BSD syslog line, left out", file=sys.stderr)
                continue
            mon, day, hh, mm, ss, host, prog, pid, msg = m.groups()
            t = calendar.timegm((a.year, MONTHS[mon], int(day), int(hh), int(mm), int(ss)))
            try:
                message = msg.decode("utf-8")
            except UnicodeDecodeError:
                message = list(msg)
            entry = {
                "__CURSOR": f"s=0123456789abcdef;i={n:x};b=0;m={n:x};t={t:x};x={n:x}",
                "__REALTIME_TIMESTAMP": str(t * 1_000_000),
                "__MONOTONIC_TIMESTAMP": str(n * 1_000_000),
                "_BOOT_ID": "0123456789abcdef0123456789abcdef",
                "_TRANSPORT": "syslog",
                "PRIORITY": "6",
                "SYSLOG_FACILITY": "2",
                "SYSLOG_IDENTIFIER": prog.decode(),
                "SYSLOG_PID": (pid or b"").decode(),
                "_PID": (pid or b"").decode(),
                "_COMM": prog.decode().split("/")[-1],
                "_HOSTNAME": host.decode(),
                "MESSAGE": message,
                "SYSLOG_TIMESTAMP": raw[:16].decode(),
            }
            out.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
