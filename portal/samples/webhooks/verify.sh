#!/usr/bin/env bash
# Verifies a Stablegate webhook delivery with bash, openssl and coreutils:
# the signature over the timestamp and the raw body, the timestamp's
# distance from now, and the event id against the ids already seen. See
# README.md for the interface shared with go/verify.go and verify.mjs.
#
#   STABLEGATE_WEBHOOK_SECRET=whsec_... STABLEGATE_SIGNATURE='t=...,v1=...' bash verify.sh body.json
#
# A receiver behind curl: save the body with `cat > body.json` (never
# through a JSON tool first) and the header from $HTTP_STABLEGATE_SIGNATURE.
set -euo pipefail

refuse() { echo "refused: $1"; exit 1; }

body=${1:-}
secret=${STABLEGATE_WEBHOOK_SECRET:-}
if [[ -z $body || -z $secret || $# -ne 1 ]]; then
  echo "usage: STABLEGATE_WEBHOOK_SECRET=... STABLEGATE_SIGNATURE=... verify.sh BODY_FILE" >&2
  exit 2
fi
header=${STABLEGATE_SIGNATURE:-}
now=${STABLEGATE_NOW:-$(date +%s)}
tolerance=${STABLEGATE_TOLERANCE:-300}
seen=${STABLEGATE_SEEN_FILE:-seen-event-ids.txt}

[[ -n ${header//[[:space:]]/} ]] || refuse no_signature
ts=""
sigs=()
IFS=',' read -r -a parts <<<"$header"
for part in "${parts[@]}"; do
  part=$(printf '%s' "$part" | tr -d '[:space:]')
  [[ $part == *=* && ${part%%=*} != "" ]] || refuse malformed_header
  k=${part%%=*} v=${part#*=}
  case $k in
    t) [[ -z $ts && $v =~ ^[0-9]{1,12}$ ]] || refuse malformed_header; ts=$v ;;
    v1) [[ $v =~ ^[0-9a-fA-F]{64}$ ]] || refuse malformed_header; sigs+=("${v,,}") ;;
  esac
done
[[ -n $ts ]] || refuse malformed_header
((${#sigs[@]})) || refuse no_signature

# HMAC-SHA256(secret, "<t>.<body>") over the body's exact bytes. The key is
# passed as hex on the command line of this process only.
keyhex=$(printf '%s' "$secret" | od -An -v -tx1 | tr -d ' \n')
want=$( { printf '%s.' "$ts"; cat -- "$body"; } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$keyhex" -r | cut -d' ' -f1)
match=0
for s in "${sigs[@]}"; do
  # Compare the HMACs of both values under a random key: equal strings, equal
  # digests, and the time taken does not depend on where they first differ.
  k=$(openssl rand -hex 32)
  a=$(printf '%s' "$s" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$k" -r | cut -d' ' -f1)
  b=$(printf '%s' "$want" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$k" -r | cut -d' ' -f1)
  [[ $a == "$b" ]] && match=1
done
((match)) || refuse signature_mismatch

d=$((now - 10#$ts))
((d < 0)) && d=$((-d))
((d <= tolerance)) || refuse timestamp_outside_tolerance

# The event id: the envelope's first member, "id":"evt_...".
id=$(head -c 200 -- "$body" | sed -n 's/^{"id":"\([A-Za-z0-9_-]\{1,100\}\)".*/\1/p')
[[ -n $id ]] || refuse malformed_envelope
if [[ -f $seen ]] && grep -qxF -- "$id" "$seen"; then
  refuse replayed
fi
echo "$id" >>"$seen"
echo "verified $id"
