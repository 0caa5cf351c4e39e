#!/usr/bin/env python3
"""A far-end SMTP server that offers SMTPUTF8 and accepts and discards
everything (smtp-sink does not offer SMTPUTF8, so Postfix bounces UTF-8
addresses sent to it with dsn=5.6.7; this sink lets one IDN domain be
delivered instead).

Uses the standard library's smtpd/asyncore modules (deprecated, present up to
Python 3.11, removed in 3.12). Listens on 127.0.0.1 only.

Usage: utf8_sink.py PORT
"""
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)

import asyncore  # noqa: E402
import smtpd  # noqa: E402
import sys  # noqa: E402


class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        return None  # "250 OK"


def main() -> int:
    port = int(sys.argv[1])
    Sink(("127.0.0.1", port), None, decode_data=False, enable_SMTPUTF8=True)
    try:
        asyncore.loop(timeout=1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
