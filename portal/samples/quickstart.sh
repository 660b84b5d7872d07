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

# Money in: a deposit on the local chain. sendusdt plays the customer's wallet (an ERC-20 transfer
# signed with the local chain's throwaway faucet key); the platform only watches the deposit address.
depo=$(curl -sf "$API/v1/wallets/$id" "${auth[@]}" | grep -o '"chain":"ethereum","asset":"USDT","address":"0x[0-9a-fA-F]*"' | grep -o '0x[0-9a-fA-F]*')
go run "$(cd "$(dirname "$0")" && pwd)/go/sendusdt" "$depo" 25
for i in $(seq 120); do   # pending on sight, available after two confirmations
  available=$(curl -sf "$API/v1/wallets/$id/balances" "${auth[@]}" | grep -o '"chain":"ethereum","asset":"USDT","available":"[^"]*"' | grep -o '[0-9.]*"$' | tr -d '"' || true)
  [ "$available" = "25.000000" ] && break
  sleep 0.5
done
echo "deposit credited: $available USDT available on ethereum"

# Money out: quote the fee, then pay 10 USDT out with the quote (never charged more than it says).
to=0x8ba1f109551bD432803012645Ac136ddd64DBA72
quote=$(curl -sf "$API/v1/fee-quotes?chain=ethereum&to_address=$to&amount=10" "${auth[@]}" | grep -o '"id":"fq_[^"]*"' | cut -d'"' -f4)
payout=$(curl -sf -X POST "$API/v1/withdrawals" "${auth[@]}" -H "Content-Type: application/json" \
  -H "Idempotency-Key: $key-payout" \
  -d "{\"wallet_id\":\"$id\",\"chain\":\"ethereum\",\"asset\":\"USDT\",\"to_address\":\"$to\",\"amount\":\"10\",\"quote_id\":\"$quote\"}" \
  | grep -o '"id":"txn_[^"]*"' | cut -d'"' -f4)
echo "payout $payout requested"
for i in $(seq 240); do   # pending, approved, signed, broadcast, confirmed, posted
  state=$(curl -sf "$API/v1/transfers/$payout" "${auth[@]}" | grep -o '"state":"[a-z_]*"' | head -1 | cut -d'"' -f4 || true)
  case "$state" in posted|failed|cancelled|rejected) break ;; esac
  sleep 0.5
done
echo "payout $payout is $state"
curl -sf "$API/v1/wallets/$id/balances" "${auth[@]}"; echo
[ "$state" = posted ]
