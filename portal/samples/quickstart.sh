#!/usr/bin/env bash
# Quickstart with curl against a running stack (make dev): API and TOKEN from the environment,
#   export API=http://127.0.0.1:8080 TOKEN=$(make -s token)
set -euo pipefail
: "${API:?set API}" "${TOKEN:?set TOKEN}"
auth=(-H "Authorization: Bearer $TOKEN")
key="quickstart-$RANDOM-$RANDOM"

# Create a wallet: every creating POST takes an Idempotency-Key.
wallet=$(curl -sf -X POST "$API/v1/wallets" "${auth[@]}" -H "Content-Type: application/json" \
  -H "Idempotency-Key: $key" -d '{"customer_ref":"cust_1042","label":"Alice"}')
id=$(printf '%s' "$wallet" | sed -E 's/.*"id":"(wal_[^"]+)".*/\1/')
echo "created $id"

# The same key and body again: the first answer, marked as a replay.
replay=$(curl -sf -D - -o /dev/null -X POST "$API/v1/wallets" "${auth[@]}" -H "Content-Type: application/json" \
  -H "Idempotency-Key: $key" -d '{"customer_ref":"cust_1042","label":"Alice"}')
grep -qi '^idempotent-replayed: true' <<<"$replay" && echo "replayed the first answer"

# Its balances per chain (zero to start) and its deposit addresses.
curl -sf "$API/v1/wallets/$id/balances" "${auth[@]}"; echo
curl -sf "$API/v1/wallets/$id" "${auth[@]}" | grep -o '"address":"[^"]*"'

# What a payout of 10 USDT on Tron would cost in network fees now.
curl -sf "$API/v1/fee-quotes?chain=tron&to_address=TCnNtov8t3cC1yR17rFFUF3SoQC8BdarGe&amount=10" "${auth[@]}"; echo

# A refusal names its code and field: an unknown field in the body.
curl -s -X POST "$API/v1/wallets" "${auth[@]}" -H "Content-Type: application/json" \
  -H "Idempotency-Key: $key-2" -d '{"customer_ref":"c","colour":"blue"}' | grep -q '"code":"unknown_field"' \
  && echo "refused: unknown_field (colour)"
