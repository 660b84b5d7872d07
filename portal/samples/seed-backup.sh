#!/usr/bin/env bash
# Seed backup with SLIP-39 on the offline machine, run from the checkout. The secret here is a public
# test vector's: never back up a real seed on a networked machine.
set -euo pipefail
coldsign=(go run ./cmd/coldsign)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
printf 'correct horse battery staple' > "$work/passphrase"

# Two groups must come together: the officers (any 2 of 3) and the safe (its 1 share).
echo bb54aac4b89dc868ba37d9cc21b2cece | "${coldsign[@]}" split -threshold 2 -group 2of3 -group 1of1 \
  -passphrase "$work/passphrase" > "$work/shares.txt"
echo "made $(grep -c . "$work/shares.txt") shares in 2 groups"

# Recover from officers 1 and 3 and the safe's share.
sed -n '1p;3p;5p' "$work/shares.txt" | "${coldsign[@]}" recover -passphrase "$work/passphrase"

# One officer alone recovers nothing: the set is refused, not turned into a wrong seed.
if sed -n '1p' "$work/shares.txt" | "${coldsign[@]}" recover -passphrase "$work/passphrase" 2>"$work/err"; then
  echo "a single share recovered a seed" >&2; exit 1
fi
echo "refused: $(head -1 "$work/err")"
