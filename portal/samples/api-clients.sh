#!/usr/bin/env bash
# API clients with curl against a running stack (make dev): API and TOKEN from the environment,
#   export API=http://127.0.0.1:8080 TOKEN=$(make -s token)
# The admin token needs clients:write and wallets:read. It creates an API client (the secret is shown
# once), trades its credentials for a 15-minute token at POST /oauth/token (client_secret_basic), calls
# the API with that token, reads the RateLimit fields, rotates the secret and revokes the client.
set -euo pipefail
: "${API:?set API}" "${TOKEN:?set TOKEN}"
auth=(-H "Authorization: Bearer $TOKEN")
json=(-H "Content-Type: application/json")
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }

# 1. Create a client with the scopes it needs (at most yours). Keep client_secret: it is never shown again.
client=$(curl -sf -X POST "$API/v1/api-clients" "${auth[@]}" "${json[@]}" -H "Idempotency-Key: client-$RANDOM-$RANDOM" \
  -d '{"name":"order-backend","scopes":["wallets:read"]}')
id=$(printf '%s' "$client" | field client_id)
secret=$(printf '%s' "$client" | field client_secret)
echo "created client $id"

# 2. Your service trades its credentials for a short-lived token (OAuth 2.0 client credentials).
token=$(curl -sf -X POST "$API/oauth/token" -u "$id:$secret" -d grant_type=client_credentials | field access_token)
echo "got a token (expires in 15 minutes)"

# 3. Call the API with it, as with any token; every answer carries your rate limit.
limit=$(curl -sf -D - -o /dev/null "$API/v1/wallets" -H "Authorization: Bearer $token" | tr -d '\r' | grep -i '^ratelimit:' || true)
echo "listed wallets; ${limit:-no RateLimit field}"

# 4. Rotate the secret: the old one stops working at once.
secret2=$(curl -sf -X POST "$API/v1/api-clients/$id/rotate" "${auth[@]}" | field client_secret)
old=$(curl -s -X POST "$API/oauth/token" -u "$id:$secret" -d grant_type=client_credentials | field error)
echo "rotated; the old secret is refused: $old"

# 5. Revoke: no new tokens (tokens already issued expire within 15 minutes).
curl -sf -X POST "$API/v1/api-clients/$id/revoke" "${auth[@]}" >/dev/null
after=$(curl -s -X POST "$API/oauth/token" -u "$id:$secret2" -d grant_type=client_credentials | field error)
echo "revoked; a new token is refused: $after"
