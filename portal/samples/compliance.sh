#!/usr/bin/env bash
# An officer's day with curl against a running stack (make dev): API and TOKEN from the environment,
#   export API=http://127.0.0.1:8080 TOKEN=$(make -s token)
# The token needs the scopes compliance and audit:read. It reads the sanctions list in use, blocks an
# address, puts a monitoring rule set, creates a customer and verifies it through the review queue,
# lists the open cases, and checks the tenant's audit chain offline with cmd/auditverify.
set -euo pipefail
: "${API:?set API}" "${TOKEN:?set TOKEN}"
auth=(-H "Authorization: Bearer $TOKEN")
json=(-H "Content-Type: application/json")
key="officer-$RANDOM-$RANDOM"
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
number() { grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }

# 1. The sanctions list every screening is made against (503 sanctions_list_unavailable until one is loaded).
list=$(curl -s "$API/v1/compliance/sanctions" "${auth[@]}")
case $list in
  *'"version"'*) echo "sanctions list $(printf '%s' "$list" | field version), $(printf '%s' "$list" | number count) addresses" ;;
  *) echo "no sanctions list loaded: $(printf '%s' "$list" | field code)" ;;
esac

# 2. Block an address of your own: payouts to it are refused, deposits from it quarantined.
addr=TJRabPrwbZy45sbavfcjinPJC18kjpRTv8
curl -sf -X POST "$API/v1/compliance/blocklist" "${auth[@]}" "${json[@]}" \
  -d '{"chain":"tron","address":"'"$addr"'","reason":"reported by a customer as a scam"}' >/dev/null
echo "blocked $addr"

# 3. Monitoring rules are versioned data: read the version in force, put the next one over it.
version=$(curl -sf "$API/v1/compliance/rules" "${auth[@]}" | number version)
rules=$(curl -sf -X PUT "$API/v1/compliance/rules" "${auth[@]}" "${json[@]}" -d '{"version":'"$version"',"rules":[
  {"id":"fast-out","kind":"velocity","enabled":true,"window":"1h","direction":"out","count":10},
  {"id":"under-10k","kind":"structuring","enabled":true,"window":"24h","direction":"any","threshold":"10000.00","percent":10,"count":3}]}')
echo "rules now at version $(printf '%s' "$rules" | number version)"

# 4. A customer: the personal data is sealed under its own key; the compliance view holds none of it.
customer=$(curl -sf -X POST "$API/v1/customers" "${auth[@]}" "${json[@]}" -H "Idempotency-Key: $key" \
  -d '{"name":"Ana Duarte","date_of_birth":"1990-05-17","country":"PT"}')
id=$(printf '%s' "$customer" | field id)
echo "created $id, kyc $(curl -sf "$API/v1/customers/$id/compliance" "${auth[@]}" | field kyc_status)"

# 5. Hand it to the KYC provider, then decide it from the review queue over the version read.
curl -sf -X POST "$API/v1/customers/$id/kyc" "${auth[@]}" "${json[@]}" -H "Idempotency-Key: $key-kyc" -d '{}' >/dev/null
queued=$(curl -sf "$API/v1/kyc/reviews?limit=100" "${auth[@]}")
grep -q "\"id\":\"$id\"" <<<"$queued" && echo "$id waits for review"
current=$(curl -sf "$API/v1/customers/$id" "${auth[@]}" | number version)
curl -sf -X POST "$API/v1/customers/$id/kyc/review" "${auth[@]}" "${json[@]}" -H "Idempotency-Key: $key-review" \
  -d '{"decision":"approve","reason":"documents match","version":'"$current"'}' | grep -o '"status":"verified"' | head -1

# 6. Open cases, oldest first.
echo "open cases: $(curl -sf "$API/v1/cases?status=open&limit=100" "${auth[@]}" | grep -o '"object":"case"' | wc -l)"

# 7. Unblock the address again.
curl -sf -X DELETE "$API/v1/compliance/blocklist/tron/$addr" "${auth[@]}" >/dev/null && echo "unblocked $addr"

# 8. The audit chain, checked offline: export it and run the verifier on the copy.
out=$(mktemp)
curl -sf "$API/v1/audit/export" "${auth[@]}" >"$out"
go run "$(dirname "$0")/../../cmd/auditverify" "$out"
rm -f "$out"
