#!/usr/bin/env python3
"""A far-end SMTP server that refuses every recipient with 550 5.1.1 (the
lookalike domains that bounce in the Exim capture). Standard library only
(smtpd, present up to Python 3.11); listens on 127.0.0.1 only.

Usage: reject_sink.py PORT
"""
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)

import asyncore  # noqa: E402
import smtpd  # noqa: E402
import sys  # noqa: E402


class Channel(smtpd.SMTPChannel):
    def smtp_RCPT(self, arg):
        self.push("550 5.1.1 Recipient address rejected: User unknown")


class Sink(smtpd.SMTPServer):
    channel_class = Channel

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        return None


def main() -> int:
    Sink(("127.0.0.1", int(sys.argv[1])), None, decode_data=False)
    try:
        asyncore.loop(timeout=1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
