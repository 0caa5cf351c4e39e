#!/usr/bin/env python3
"""Tee Postfix's own log stream (postlogd, maillog_file=/dev/stdout) to a file
and to a private rsyslogd socket.

Why: Postfix logs either to syslog or to its own postlogd, never to both. To get
the *same* run in all three timestamp styles, capture-postfix-samples.sh starts
Postfix with `postfix start-fg` and `maillog_file = /dev/stdout`, and pipes
stdout into this program, which
  1. appends every line unchanged to POSTLOGD_FILE (this is Postfix's own
     postlogd format: "%b %d %H:%M:%S host prog[pid]: text", zero-padded day);
  2. re-sends the "prog[pid]: text" part to rsyslogd over a unix datagram
     socket, exactly as glibc's syslog(3) would ("<PRI>Mmm dd hh:mm:ss tag: msg",
     facility mail), so rsyslogd writes its own BSD and RFC 3339 files with its
     own reception time stamps (rsyslog's imuxsock ignores the sender's time
     stamp by default).

Only the Python standard library is used. Lines that do not look like log
lines are written to stderr and not forwarded.

Usage: log_relay.py POSTLOGD_FILE SYSLOG_SOCKET
"""
import re
import socket
import sys
import time

LINE = re.compile(rb"^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d (\S+) (\S+?): (.*)$", re.S)
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

FAC_MAIL = 2
SEVERITY = [  # (prefix of the text, syslog severity) as Postfix's msg_syslog uses
    (b"panic: ", 0),
    (b"fatal: ", 2),
    (b"error: ", 3),
    (b"warning: ", 4),
]


def severity(text: bytes) -> int:
    for prefix, sev in SEVERITY:
        if text.startswith(prefix):
            return sev
    return 6  # info


def main() -> int:
    out_path, sock_path = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    out = open(out_path, "ab", buffering=0)
    stdin = sys.stdin.buffer
    while True:
        line = stdin.readline()
        if not line:
            break
        out.write(line)
        m = LINE.match(line.rstrip(b"\n"))
        if not m:
            sys.stderr.write("log_relay: not forwarded: %r\n" % line)
            continue
        tag, text = m.group(2), m.group(3)
        now = time.gmtime()
        stamp = "%s %2d %02d:%02d:%02d" % (MONTHS[now.tm_mon - 1], now.tm_mday,
                                          now.tm_hour, now.tm_min, now.tm_sec)
        pri = FAC_MAIL * 8 + severity(text)
        msg = b"<%d>%s %s: %s" % (pri, stamp.encode(), tag, text)
        for attempt in range(50):
            try:
                sock.sendto(msg, sock_path)
                break
            except (BlockingIOError, ConnectionRefusedError, FileNotFoundError):
                time.sleep(0.1)  # rsyslogd busy or not up yet
        else:
            sys.stderr.write("log_relay: could not forward: %r\n" % line)
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
