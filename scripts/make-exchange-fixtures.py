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


def quoted_csv(fields, rows):
    """Every field quoted, as PowerShell's Export-Csv writes."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    w.writerow(fields)
    for r in rows:
        w.writerow([r.get(f, "") for f in fields])
    return out.getvalue()


def m365_summary():
    """Get-MessageTrace | Export-Csv -NoTypeInformation: a row per recipient,
    US-culture times, saved as UTF-16 (as the admin centre's downloads are)."""
    fields = ["Received", "SenderAddress", "RecipientAddress", "Subject", "Status", "ToIP", "FromIP",
              "Size", "MessageId", "MessageTraceId"]
    t1, t2, t3, t4 = ("a1c1e000-0000-4000-8000-000000000001", "a1c1e000-0000-4000-8000-000000000002",
                      "a1c1e000-0000-4000-8000-000000000003", "a1c1e000-0000-4000-8000-000000000004")
    rows = [
        {"Received": "1/7/2024 9:00:01 AM", "SenderAddress": "alice@example.org", "RecipientAddress": "john.smith@army.ml",
         "Subject": "Trip, day 2", "Status": "Delivered", "ToIP": "198.51.100.8", "FromIP": "10.0.0.5", "Size": "20000",
         "MessageId": "<s1@example.org>", "MessageTraceId": t1},
        {"Received": "1/7/2024 9:00:01 AM", "SenderAddress": "alice@example.org", "RecipientAddress": "r.jones@army.mil",
         "Subject": "Trip, day 2", "Status": "Delivered", "ToIP": "192.0.2.10", "FromIP": "10.0.0.5", "Size": "20000",
         "MessageId": "<s1@example.org>", "MessageTraceId": t1},
        {"Received": "1/7/2024 1:30:00 PM", "SenderAddress": "bob@example.org", "RecipientAddress": "k.lee@army.ml",
         "Subject": "Re: \"plan\"", "Status": "Failed", "ToIP": "", "FromIP": "10.0.0.6", "Size": "3000",
         "MessageId": "<s2@example.org>", "MessageTraceId": t2},
        {"Received": "1/7/2024 2:00:00 PM", "SenderAddress": "carol@example.org", "RecipientAddress": "staff@example.org",
         "Subject": "All hands", "Status": "Expanded", "Size": "1500", "MessageId": "<s3@example.org>", "MessageTraceId": t3},
        {"Received": "1/7/2024 2:00:00 PM", "SenderAddress": "carol@example.org", "RecipientAddress": "dave@example.org",
         "Subject": "All hands", "Status": "Delivered", "Size": "1500", "MessageId": "<s3@example.org>", "MessageTraceId": t3},
        {"Received": "1/7/2024 12:05:00 AM", "SenderAddress": "dave@example.org", "RecipientAddress": "x@gmаil.com",
         "Subject": "nächste Woche", "Status": "Delivered", "ToIP": "203.0.113.9", "Size": "800",
         "MessageId": "<s4@example.org>", "MessageTraceId": t4},
    ]
    return quoted_csv(fields, rows)


def m365_enhanced():
    fields = ["origin_timestamp_utc", "sender_address", "recipient_status", "message_subject", "total_bytes",
              "message_id", "network_message_id", "original_client_ip", "directionality", "connector_id",
              "delivery_priority"]
    rows = [
        {"origin_timestamp_utc": "2024-01-08T09:00:00.1234567Z", "sender_address": "alice@example.org",
         "recipient_status": "john.smith@army.ml##Receive, Send;r.jones@army.mil##Receive, Send",
         "message_subject": "Itinerary, v3", "total_bytes": "45000", "message_id": "<e1@example.org>",
         "network_message_id": "e0000000-0000-4000-8000-000000000001", "original_client_ip": "10.0.0.5",
         "directionality": "Originating", "connector_id": "Outbound to Internet", "delivery_priority": "Normal"},
        {"origin_timestamp_utc": "2024-01-08T10:00:00Z", "sender_address": "bob@example.org",
         "recipient_status": "eve@gmial.com##Receive, Fail", "message_subject": "hi", "total_bytes": "2000",
         "message_id": "<e2@example.org>", "network_message_id": "e0000000-0000-4000-8000-000000000002",
         "directionality": "Originating"},
        {"origin_timestamp_utc": "2024-01-08T11:00:00Z", "sender_address": "ext@partner.example",
         "recipient_status": "alice@example.org##Receive, Deliver", "message_subject": "contract",
         "total_bytes": "9000", "message_id": "<e3@partner.example>",
         "network_message_id": "e0000000-0000-4000-8000-000000000003", "directionality": "Incoming"},
        {"origin_timestamp_utc": "2024-01-08T12:00:00Z", "sender_address": "carol@example.org",
         "recipient_status": "ops@navy.ml##Receive, Defer", "message_subject": "status", "total_bytes": "700",
         "message_id": "<e4@example.org>", "network_message_id": "e0000000-0000-4000-8000-000000000004",
         "directionality": "Originating"},
    ]
    return quoted_csv(fields, rows)


def m365_extended():
    fields = ("date_time_utc,client_ip,client_hostname,server_ip,server_hostname,source_context,connector_id,"
              "source,event_id,internal_message_id,message_id,network_message_id,recipient_address,"
              "recipient_status,total_bytes,recipient_count,related_recipient_address,reference,"
              "message_subject,sender_address,return_path,message_info,directionality,tenant_id,"
              "original_client_ip,original_server_ip,custom_data").split(",")
    n = "f0000000-0000-4000-8000-000000000001"
    rows = [
        {"date_time_utc": "2024-01-09T08:00:00.0000000Z", "client_hostname": "ws1", "server_hostname": "AM0PR01MB0001",
         "source": "SMTP", "event_id": "RECEIVE", "internal_message_id": "5001", "message_id": "<x1@example.org>",
         "network_message_id": n, "recipient_address": "g.brown@army.ml;x@gmial.com", "total_bytes": "6000",
         "recipient_count": "2", "message_subject": "kit list", "sender_address": "erin@example.org",
         "return_path": "erin@example.org", "directionality": "Originating"},
        {"date_time_utc": "2024-01-09T08:00:02.0000000Z", "server_ip": "198.51.100.8", "server_hostname": "mx.army.ml",
         "connector_id": "Outbound to Internet", "source": "SMTP", "event_id": "SEND", "internal_message_id": "5001",
         "message_id": "<x1@example.org>", "network_message_id": n, "recipient_address": "g.brown@army.ml",
         "recipient_status": "250 2.0.0 OK", "total_bytes": "6000", "sender_address": "erin@example.org",
         "return_path": "erin@example.org", "directionality": "Originating"},
        {"date_time_utc": "2024-01-09T08:00:03.0000000Z", "server_hostname": "mx.gmial.com", "source": "SMTP",
         "event_id": "FAIL", "internal_message_id": "5001", "message_id": "<x1@example.org>", "network_message_id": n,
         "recipient_address": "x@gmial.com", "recipient_status": "550 5.1.10 RESOLVER.ADR.RecipientNotFound",
         "total_bytes": "6000", "sender_address": "erin@example.org", "return_path": "erin@example.org",
         "directionality": "Originating"},
    ]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(fields)
    for r in rows:
        w.writerow([r.get(f, "") for f in fields])
    return out.getvalue()


def write(path, text, encoding):
    with open(os.path.join(ROOT, path), "wb") as f:
        f.write(text.encode(encoding))


def main():
    os.makedirs(os.path.join(ROOT, "exchange"), exist_ok=True)
    write("exchange/MSGTRK2024010700-1.LOG", exchange_2016(), "utf-8")
    write("exchange/MSGTRK2010-1.LOG", exchange_2010(), "utf-8")
    os.makedirs(os.path.join(ROOT, "m365"), exist_ok=True)
    write("m365/trace-summary-utf16.csv", m365_summary(), "utf-16")  # BOM + LE on this machine
    write("m365/trace-enhanced.csv", m365_enhanced(), "utf-8-sig")
    write("m365/trace-extended.csv", m365_extended(), "utf-8")


if __name__ == "__main__":
    main()
