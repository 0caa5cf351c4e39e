#!/usr/bin/env python3
"""Write the hand-made Exchange message tracking and Microsoft 365 message
trace fixtures in tests/data/ from Microsoft's documented field lists
(OfficeDocs-Exchange: message-tracking.md; message-trace-modern-eac.md).

Exchange: tests/data/exchange/
  MSGTRK2024010700-1.LOG   Exchange 2016/2019 columns (30), two servers' rows of
                           the same messages in one file (mbx1 and edge1)
  MSGTRK2010-1.LOG         Exchange 2010 columns (a different order, fewer
                           columns), to show that columns are found by name
Microsoft 365: tests/data/m365/
  trace-summary-utf16.csv  the admin centre's summary export, UTF-16 LE with BOM
  trace-enhanced.csv       enhanced summary report, UTF-8 with BOM
  trace-extended.csv       extended report (event rows), UTF-8 without BOM

Run: python3 scripts/make-exchange-fixtures.py   (rewrites the files)
"""
import csv
import io
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")

F2016 = ("date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,"
         "source,event-id,internal-message-id,message-id,network-message-id,recipient-address,"
         "recipient-status,total-bytes,recipient-count,related-recipient-address,reference,"
         "message-subject,sender-address,return-path,message-info,directionality,tenant-id,"
         "original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,"
         "schema-version").split(",")

F2010 = ("date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,"
         "source,event-id,internal-message-id,message-id,recipient-address,recipient-status,"
         "total-bytes,recipient-count,related-recipient-address,reference,message-subject,"
         "sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,"
         "original-server-ip,custom-data").split(",")


def rows_to_csv(fields, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for r in rows:
        w.writerow([r.get(f, "") for f in fields])
    return out.getvalue()


def header(fields, date):
    return ("#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.035\r\n"
            "#Log-Type: Message Tracking Log\r\n"
            f"#Date: {date}\r\n#Fields: {','.join(fields)}\r\n")


A = "0b7099ea-1111-4c1a-8d11-08dc0f0a0001"
B = "0b7099ea-2222-4c1a-8d11-08dc0f0a0002"
C = "0b7099ea-3333-4c1a-8d11-08dc0f0a0003"
D = "0b7099ea-4444-4c1a-8d11-08dc0f0a0004"
LED_FAIL = "[{LRT=};{LED=550 5.1.1 RESOLVER.ADR.RecipNotFound; not found};{FQDN=};{IP=}]"


def exchange_2016():
    common = dict(source="SMTP", directionality="Originating", **{"schema-version": "15.01.2507.035"})
    rows = [
        # A: alice -> john.smith@army.ml, r.jones@army.mil; mbx1 hands it to edge1, edge1 sends out.
        dict(common, **{"date-time": "2024-01-07T09:00:01.100Z", "client-ip": "10.0.0.5", "client-hostname": "ws1.example.org",
                        "server-hostname": "mbx1", "source-context": "08DC0F0A00000001", "connector-id": "MBX1\\Default MBX1",
                        "event-id": "RECEIVE", "internal-message-id": "1001", "message-id": "<a1@example.org>", "network-message-id": A,
                        "recipient-address": "john.smith@army.ml;r.jones@army.mil", "total-bytes": "38663", "recipient-count": "2",
                        "message-subject": "Itinerary, \"draft\" v2", "sender-address": "alice@example.org",
                        "return-path": "alice@example.org"}),
        dict(common, **{"date-time": "2024-01-07T09:00:02.200Z", "client-ip": "10.0.0.10", "client-hostname": "mbx1",
                        "server-ip": "10.0.0.20", "server-hostname": "edge1", "connector-id": "Intra-Organization SMTP Send Connector",
                        "event-id": "SEND", "internal-message-id": "1001", "message-id": "<a1@example.org>", "network-message-id": A,
                        "recipient-address": "john.smith@army.ml;r.jones@army.mil",
                        "recipient-status": "250 2.1.5 Recipient OK;250 2.1.5 Recipient OK", "total-bytes": "38663",
                        "recipient-count": "2", "message-subject": "Itinerary, \"draft\" v2", "sender-address": "alice@example.org",
                        "return-path": "alice@example.org"}),
        dict(common, **{"date-time": "2024-01-07T09:00:02.900Z", "client-ip": "10.0.0.20", "client-hostname": "edge1",
                        "server-hostname": "edge1", "connector-id": "Default internal receive connector EDGE1",
                        "event-id": "RECEIVE", "internal-message-id": "2001", "message-id": "<a1@example.org>", "network-message-id": A,
                        "recipient-address": "john.smith@army.ml;r.jones@army.mil", "total-bytes": "39012", "recipient-count": "2",
                        "message-subject": "Itinerary, \"draft\" v2", "sender-address": "alice@example.org",
                        "return-path": "alice@example.org"}),
        dict(common, **{"date-time": "2024-01-07T09:00:03.500Z", "client-ip": "10.0.0.20", "client-hostname": "edge1",
                        "server-ip": "198.51.100.8", "server-hostname": "mx.army.ml", "connector-id": "Internet",
                        "event-id": "SENDEXTERNAL", "internal-message-id": "2001", "message-id": "<a1@example.org>", "network-message-id": A,
                        "recipient-address": "john.smith@army.ml", "recipient-status": "250 2.0.0 OK queued", "total-bytes": "39012",
                        "recipient-count": "1", "sender-address": "alice@example.org", "return-path": "alice@example.org"}),
        dict(common, **{"date-time": "2024-01-07T09:00:03.600Z", "client-ip": "10.0.0.20", "client-hostname": "edge1",
                        "server-ip": "192.0.2.10", "server-hostname": "mx.army.mil", "connector-id": "Internet",
                        "event-id": "SEND", "internal-message-id": "2001", "message-id": "<a1@example.org>", "network-message-id": A,
                        "recipient-address": "r.jones@army.mil", "recipient-status": "250 2.0.0 OK", "total-bytes": "39012",
                        "recipient-count": "1", "sender-address": "alice@example.org", "return-path": "alice@example.org"}),
        # B: bob -> eve@gmial.com (fails) and k.lee@army.ml (deferred, then sent)
        dict(common, **{"date-time": "2024-01-07T10:00:00.000Z", "client-hostname": "ws2.example.org", "server-hostname": "edge1",
                        "event-id": "RECEIVE", "internal-message-id": "2002", "message-id": "<b1@example.org>", "network-message-id": B,
                        "recipient-address": "eve@gmial.com;k.lee@army.ml", "total-bytes": "5000", "recipient-count": "2",
                        "sender-address": "bob@example.org", "return-path": "bob@example.org"}),
        dict(common, **{"date-time": "2024-01-07T10:00:01.000Z", "server-hostname": "mx.gmial.com", "server-ip": "203.0.113.5",
                        "connector-id": "Internet", "event-id": "FAIL", "internal-message-id": "2002", "message-id": "<b1@example.org>",
                        "network-message-id": B, "recipient-address": "eve@gmial.com", "recipient-status": LED_FAIL,
                        "total-bytes": "5000", "sender-address": "bob@example.org", "return-path": "bob@example.org"}),
        dict(common, **{"date-time": "2024-01-07T10:00:01.100Z", "server-hostname": "edge1", "event-id": "DSN",
                        "internal-message-id": "2003", "message-id": "<dsn-b1@example.org>", "network-message-id": B,
                        "recipient-address": "bob@example.org", "related-recipient-address": "eve@gmial.com",
                        "sender-address": "postmaster@example.org", "return-path": "<>"}),
        dict(common, **{"date-time": "2024-01-07T10:00:02.000Z", "server-hostname": "mx.army.ml", "server-ip": "198.51.100.8",
                        "connector-id": "Internet", "event-id": "DEFER", "internal-message-id": "2002", "message-id": "<b1@example.org>",
                        "network-message-id": B, "recipient-address": "k.lee@army.ml",
                        "recipient-status": "451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped, try later\"",
                        "total-bytes": "5000", "sender-address": "bob@example.org", "return-path": "bob@example.org"}),
        dict(common, **{"date-time": "2024-01-07T10:10:02.000Z", "server-hostname": "mx.army.ml", "server-ip": "198.51.100.8",
                        "connector-id": "Internet", "event-id": "SEND", "internal-message-id": "2002", "message-id": "<b1@example.org>",
                        "network-message-id": B, "recipient-address": "k.lee@army.ml", "recipient-status": "250 2.0.0 OK",
                        "total-bytes": "5000", "sender-address": "bob@example.org", "return-path": "bob@example.org"}),
        # C: from a partner to two local mailboxes
        dict(common, **{"date-time": "2024-01-07T11:00:00.000Z", "client-ip": "192.0.2.50", "client-hostname": "mx.partner.example",
                        "server-hostname": "mbx1", "event-id": "RECEIVE", "internal-message-id": "1003", "message-id": "<c1@partner.example>",
                        "network-message-id": C, "recipient-address": "alice@example.org;bob@example.org", "total-bytes": "12000",
                        "recipient-count": "2", "sender-address": "ext@partner.example", "return-path": "ext@partner.example",
                        "directionality": "Incoming"}),
        dict(common, **{"date-time": "2024-01-07T11:00:01.000Z", "server-hostname": "mbx1", "source": "STOREDRIVER",
                        "event-id": "DELIVER", "internal-message-id": "1003", "message-id": "<c1@partner.example>",
                        "network-message-id": C, "recipient-address": "alice@example.org;bob@example.org",
                        "recipient-status": "250 2.0.0 OK;250 2.0.0 OK", "total-bytes": "12000", "recipient-count": "2",
                        "sender-address": "ext@partner.example", "return-path": "ext@partner.example", "directionality": "Incoming"}),
        # D: a transport rule drops mail to navy.ml
        dict(common, **{"date-time": "2024-01-07T12:00:00.000Z", "server-hostname": "edge1", "event-id": "RECEIVE",
                        "internal-message-id": "2004", "message-id": "<d1@example.org>", "network-message-id": D,
                        "recipient-address": "ops@navy.ml", "total-bytes": "800", "recipient-count": "1",
                        "sender-address": "carol@example.org", "return-path": "carol@example.org"}),
        dict(common, **{"date-time": "2024-01-07T12:00:00.500Z", "server-hostname": "edge1", "source": "AGENT",
                        "event-id": "DROP", "internal-message-id": "2004", "message-id": "<d1@example.org>", "network-message-id": D,
                        "recipient-address": "ops@navy.ml", "recipient-status": "550 5.7.1 TRANSPORT.RULES.RejectMessage",
                        "total-bytes": "800", "sender-address": "carol@example.org", "return-path": "carol@example.org"}),
        dict(common, **{"date-time": "2024-01-07T12:00:01.000Z", "server-hostname": "edge1", "event-id": "EXPAND",
                        "internal-message-id": "2005", "message-id": "<e1@example.org>", "network-message-id": D,
                        "recipient-address": "all@example.org"}),
    ]
    return header(F2016, "2024-01-07T00:00:00.000Z") + rows_to_csv(F2016, rows)


def exchange_2010():
    rows = [
        {"date-time": "2013-03-04T08:00:00.000Z", "client-hostname": "ws9", "server-hostname": "ex2010", "source": "SMTP",
         "event-id": "RECEIVE", "internal-message-id": "77", "message-id": "<x1@example.org>",
         "recipient-address": "dave@gmial.com", "total-bytes": "2500", "recipient-count": "1",
         "sender-address": "dave@example.org", "return-path": "dave@example.org"},
        {"date-time": "2013-03-04T08:00:01.000Z", "server-ip": "203.0.113.5", "server-hostname": "mx.gmial.com", "source": "SMTP",
         "connector-id": "To Internet", "event-id": "SEND", "internal-message-id": "77", "message-id": "<x1@example.org>",
         "recipient-address": "dave@gmial.com", "recipient-status": "250 2.0.0 Ok", "total-bytes": "2500",
         "recipient-count": "1", "sender-address": "dave@example.org", "return-path": "dave@example.org"},
    ]
    h = ("#Software: Microsoft Exchange Server\r\n#Version: 14.03.0123.004\r\n#Log-Type: Message Tracking Log\r\n"
         f"#Date: 2013-03-04T08:00:00.000Z\r\n#Fields: {','.join(F2010)}\r\n")
    return h + rows_to_csv(F2010, rows)


def write(path, text, encoding):
    with open(os.path.join(ROOT, path), "wb") as f:
        f.write(text.encode(encoding))


def main():
    os.makedirs(os.path.join(ROOT, "exchange"), exist_ok=True)
    write("exchange/MSGTRK2024010700-1.LOG", exchange_2016(), "utf-8")
    write("exchange/MSGTRK2010-1.LOG", exchange_2010(), "utf-8")


if __name__ == "__main__":
    main()
