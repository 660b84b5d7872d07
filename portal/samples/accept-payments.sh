#!/usr/bin/env bash
# Accept a payment with curl against a running stack (make dev): API and TOKEN from the environment,
#   export API=http://127.0.0.1:8080 TOKEN=$(make -s token)
# It locks a EUR rate, creates an invoice priced in EUR that takes Ethereum and Tron, reads its
# payment link and what the payer's checkout page shows, and cancels it.
set -euo pipefail
: "${API:?set API}" "${TOKEN:?set TOKEN}"
auth=(-H "Authorization: Bearer $TOKEN")
json=(-H "Content-Type: application/json")
key="accept-$RANDOM-$RANDOM"
field() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\1/"; }

# 1. Lock a rate: the quote holds it for its window, so the price you show is the price asked.
quote=$(curl -sf -X POST "$API/v1/fx-quotes" "${auth[@]}" "${json[@]}" -d '{"currency":"EUR"}')
qid=$(printf '%s' "$quote" | field id)
echo "locked EUR at $(printf '%s' "$quote" | field rate) per USDT ($qid)"

# 2. The invoice: 25.00 EUR at that rate, payable on either chain, for one hour.
invoice=$(curl -sf -X POST "$API/v1/invoices" "${auth[@]}" "${json[@]}" -H "Idempotency-Key: $key" \
  -d '{"price":{"currency":"EUR","amount":"25.00"},"fx_quote_id":"'"$qid"'","chains":["ethereum","tron"],
       "expires_in_seconds":3600,"order_id":"order-1042","description":"Two tickets"}')
id=$(printf '%s' "$invoice" | sed -E 's/.*"id":"(inv_[^"]+)".*/\1/')
echo "created $id for $(printf '%s' "$invoice" | sed -E 's/.*"amount":"([0-9.]+)","asset".*/\1/') USDT"
token=$(printf '%s' "$invoice" | field checkout_token)
case $invoice in
  *'"checkout_url"'*) echo "send the payer to $(printf '%s' "$invoice" | field checkout_url)" ;;
  *) echo "send the payer to <portal>/checkout/?t=$token (set PortalUrl to get checkout_url)" ;;
esac

# 3. A payment link a wallet opens (EIP-681 on Ethereum); format=png|svg gives its QR code.
echo "pay with $(curl -sf "$API/v1/invoices/$id/payment-link?chain=ethereum&format=uri" "${auth[@]}")"

# 4. What the checkout page reads: public, by the token in the checkout URL, nothing of your account.
curl -sf "$API/v1/checkout/$token" | grep -o '"status":"[a-z_]*"' | head -1

# 5. A chain the invoice does not take is refused by name.
curl -s "$API/v1/invoices/$id/payment-link?chain=bitcoin&format=uri" "${auth[@]}" | grep -o '"code":"[a-z_]*"'

# 6. Nobody paid: cancel it (an Idempotency-Key here too).
curl -sf -X POST "$API/v1/invoices/$id/cancel" "${auth[@]}" -H "Idempotency-Key: $key-cancel" | grep -o '"status":"cancelled"' \
  && echo "cancelled $id"
