#!/bin/bash
# make-relays.sh SRC DST K: one more relay's logs for the same days as SRC
# (an archive made by gen-postfix-log.py): every file of SRC with its host
# names made distinct (mx1 -> r<K>mx1), recompressed with gzip -1, into
# DST/relay<K>/. Ten of them make the 20 GiB archive of BENCHMARKS.md:
#   printf '%s\n' 0 1 2 3 4 5 6 7 8 9 | xargs -P 2 -I K scripts/make-relays.sh SRC DST K
# No file duplicates another, so none is skipped as a copy.
set -euo pipefail
src=$1
dst=$2
k=$3
mkdir -p $dst/relay$k
for f in $src/*.gz; do
  zcat "$f" | sed "s/^\(............... \)mx/\1r${k}mx/" | gzip -1 > $dst/relay$k/$(basename "$f")
done
echo "relay$k done $(date +%T)"
