// Verifies a Stablegate webhook delivery: the signature over the timestamp
// and the raw body, the timestamp's distance from now, and the event id
// against the ids already seen. Node 20, built-in modules only; see
// README.md for the interface shared with go/verify.go and verify.sh.
//
//   STABLEGATE_WEBHOOK_SECRET=whsec_... STABLEGATE_SIGNATURE='t=...,v1=...' node verify.mjs body.json
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync, appendFileSync, existsSync } from "node:fs";

class Refused extends Error {}

function verify(secret, header, body, now, tolerance, seenFile) {
  if (!header || !header.trim()) throw new Refused("no_signature");
  let ts = null;
  const sigs = [];
  for (const part of header.split(",")) {
    const p = part.trim();
    const i = p.indexOf("=");
    if (i <= 0) throw new Refused("malformed_header");
    const k = p.slice(0, i), v = p.slice(i + 1);
    if (k === "t") {
      if (ts !== null || !/^[0-9]{1,12}$/.test(v)) throw new Refused("malformed_header");
      ts = v;
    } else if (k === "v1") {
      if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new Refused("malformed_header");
      sigs.push(Buffer.from(v, "hex"));
    }
  }
  if (ts === null) throw new Refused("malformed_header");
  if (sigs.length === 0) throw new Refused("no_signature");
  const want = createHmac("sha256", secret).update(ts + ".").update(body).digest();
  let match = false;
  for (const s of sigs) if (timingSafeEqual(s, want)) match = true; // constant time
  if (!match) throw new Refused("signature_mismatch");
  if (Math.abs(now - Number(ts)) > tolerance) throw new Refused("timestamp_outside_tolerance");
  let id;
  try {
    id = JSON.parse(body.toString("utf8")).id;
  } catch {
    throw new Refused("malformed_envelope");
  }
  if (typeof id !== "string" || id === "" || /[\r\n]/.test(id)) throw new Refused("malformed_envelope");
  if (existsSync(seenFile) && readFileSync(seenFile, "utf8").split("\n").includes(id)) throw new Refused("replayed");
  appendFileSync(seenFile, id + "\n", { mode: 0o600 });
  return id;
}

function envInt(name, def) {
  const v = process.env[name];
  if (v === undefined || v === "") return def;
  if (!/^-?[0-9]+$/.test(v)) {
    console.error(`${name} must be an integer`);
    process.exit(2);
  }
  return Number(v);
}

const secret = process.env.STABLEGATE_WEBHOOK_SECRET;
if (process.argv.length !== 3 || !secret) {
  console.error("usage: STABLEGATE_WEBHOOK_SECRET=... STABLEGATE_SIGNATURE=... node verify.mjs BODY_FILE");
  process.exit(2);
}
const body = readFileSync(process.argv[2]); // the raw bytes, not re-serialised JSON
try {
  const id = verify(secret, process.env.STABLEGATE_SIGNATURE ?? "", body,
    envInt("STABLEGATE_NOW", Math.floor(Date.now() / 1000)), envInt("STABLEGATE_TOLERANCE", 300),
    process.env.STABLEGATE_SEEN_FILE || "seen-event-ids.txt");
  console.log("verified " + id);
} catch (e) {
  if (!(e instanceof Refused)) throw e;
  console.log("refused: " + e.message);
  process.exit(1);
}
