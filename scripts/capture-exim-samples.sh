#!/usr/bin/env bash
# capture-exim-samples.sh - make a real Exim main log sample for misdirect.
#
# WHAT IT DOES
#   Installs Exim (exim4-daemon-light) from Debian's packages (this removes
#   Postfix: the two conflict; capture-postfix-samples.sh puts it back), runs
#   it with a configuration of its own on loopback, inside a private network
#   namespace, sends the same scripted traffic as the Postfix capture
#   (scripts/capture/send_traffic.py), waits until the queue is empty, stops
#   every daemon it started and writes:
#     samples/exim/mainlog                 the log, as Exim wrote it
#     samples/exim/expected-domains.csv    per-domain counts, computed by
#                                          scripts/capture/exim_expected.py
#
# USAGE (as root, on a throwaway Debian 12 machine; about 10 minutes)
#   scripts/capture-exim-samples.sh
#   CAPTURE_WORK (default /var/tmp/misdirect-exim), CAPTURE_NO_INSTALL=1.
#
# HOW
#   * Network: everything runs under `unshare --net`, whose only interface is
#     loopback: no packet can leave, no DNS. Exim listens on 127.0.0.1:25 and
#     :587, relays for 127.0.0.1 only and never looks names up.
#   * Far ends (manualroute routers): a Python sink accepting everything on
#     127.0.0.1:2525 (intended domains and the lookalikes that accept), one
#     rejecting every RCPT with 550 5.1.1 on :2526 (af.ml, gmail.cm: they
#     bounce), nothing on :2599 (modgov.uk, navy.mll: deferred until the
#     retry rule gives up after 4 minutes, then failed).
#   * example.org is local (appendfile); team@example.org is an alias for
#     four outside addresses and one local one, as in the Postfix capture.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CAP=$REPO/scripts/capture
OUT=$REPO/samples/exim
WORK=${CAPTURE_WORK:-/var/tmp/misdirect-exim}
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
log() { printf '[capture-exim %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if [[ ${1:-} == --inside ]]; then
  ip link set lo up
  pids=()
  "$PY" "$CAP/utf8_sink.py" 2525 & pids+=($!)
  "$PY" "$CAP/reject_sink.py" 2526 & pids+=($!)
  exim4 -C "$WORK/exim.conf" -bd -q15s & pids+=($!)
  trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
  sleep 2
  log "sending traffic (about 4 minutes)"
  "$PY" "$CAP/send_traffic.py" --phase all
  log "waiting for the queue to empty"
  for _ in $(seq 1 90); do
    n=$(exim4 -C "$WORK/exim.conf" -bpc 2>/dev/null || echo 1)
    [[ $n == 0 ]] && break
    sleep 10
  done
  log "queue: $(exim4 -C "$WORK/exim.conf" -bpc) messages left"
  exit 0
fi

if [[ ${CAPTURE_NO_INSTALL:-} != 1 ]]; then
  log "installing exim4-daemon-light"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q exim4-daemon-light iproute2 util-linux >/dev/null
fi
# Debian starts its own Exim on installation: stop it, it is not ours.
service exim4 stop >/dev/null 2>&1 || true
pkill -x exim4 || true

rm -rf "$WORK"
mkdir -p "$WORK"/{spool,log,mail}
cat >"$WORK/exim.conf" <<EOF
# misdirect's capture configuration: loopback only, no DNS.
primary_hostname = mx1.example.org
qualify_domain = example.org
domainlist local_domains = example.org
hostlist relay_from_hosts = 127.0.0.1
daemon_smtp_ports = 25 : 587
local_interfaces = 127.0.0.1
spool_directory = $WORK/spool
log_file_path = $WORK/log/%slog
log_selector = +smtp_confirmation +subject
exim_user = Debian-exim
exim_group = Debian-exim
never_users = root
host_lookup =
acl_smtp_rcpt = acl_rcpt
ignore_bounce_errors_after = 10m
timeout_frozen_after = 10m

begin acl
acl_rcpt:
  accept hosts = +relay_from_hosts
  deny message = relay not permitted

begin routers
team:
  driver = redirect
  domains = example.org
  local_parts = team
  data = j.hall@navy.mil, ops.center@army.mil, procurement@partner.co.uk, r.jones@army.ml, carol@example.org
local_user:
  driver = accept
  domains = +local_domains
  transport = local_delivery
rejecting_far_end:
  driver = manualroute
  domains = af.ml : gmail.cm
  route_list = * 127.0.0.1::2526
  transport = remote_smtp
  self = send
dead_far_end:
  driver = manualroute
  domains = modgov.uk : navy.mll
  route_list = * 127.0.0.1::2599
  transport = remote_smtp
  self = send
far_end:
  driver = manualroute
  domains = ! +local_domains
  route_list = * 127.0.0.1::2525
  transport = remote_smtp
  self = send

begin transports
remote_smtp:
  driver = smtp
  allow_localhost
  hosts_avoid_tls = *
local_delivery:
  driver = appendfile
  # One mailbox for all: a path built from the local part is "tainted"
  # (attacker-chosen) and refused by Exim 4.94 and later.
  file = $WORK/mail/inbox
  user = Debian-exim
  group = Debian-exim
  delivery_date_add
  envelope_to_add
  return_path_add

begin retry
* * F,4m,20s
EOF
chown -R Debian-exim:Debian-exim "$WORK"
# Exim reads a -C configuration only if root owns it and nobody else can write it.
chown root:root "$WORK" "$WORK/exim.conf"
chmod 644 "$WORK/exim.conf"
grep -qxF "$WORK/exim.conf" /etc/exim4/trusted_configs 2>/dev/null \
  || echo "$WORK/exim.conf" >>/etc/exim4/trusted_configs
exim4 -C "$WORK/exim.conf" -bV >/dev/null

unshare --net "$0" --inside

mkdir -p "$OUT"
cp "$WORK/log/mainlog" "$OUT/mainlog"
"$PY" "$CAP/exim_expected.py" "$OUT/mainlog" >"$OUT/expected-domains.csv"
log "wrote $OUT/mainlog ($(wc -l <"$OUT/mainlog") lines) and expected-domains.csv"
