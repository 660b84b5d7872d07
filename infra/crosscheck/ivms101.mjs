// Cross-check of travel-rule payloads with an independent implementation
// (npm ivms101, Notabene's IVMS 101 library, its 2023 schema and the
// standard's constraints C1-C12).
// Usage: node ivms101.mjs DIR
// Validates every DIR/*.json as IVMS101.2023 (DIR/*.2020.json as the 2020
// edition, with the package's legacy schema) and writes one JSON object on
// stdout: {"<file>": {"valid": true|false, "issues": ["<path>: <message>", ...]}}
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IVMS101_2023Schema } from "ivms101";
import { IVMS101_2020Schema } from "ivms101/legacy";

const dir = process.argv[2];
const out = {};
for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  let data;
  try {
    data = JSON.parse(readFileSync(join(dir, f), "utf8"));
  } catch (e) {
    out[f] = { valid: false, issues: [`JSON: ${e.message}`] };
    continue;
  }
  const schema = f.endsWith(".2020.json") ? IVMS101_2020Schema : IVMS101_2023Schema;
  const r = schema.safeParse(data);
  out[f] = r.success
    ? { valid: true, issues: [] }
    : { valid: false, issues: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
}
process.stdout.write(JSON.stringify(out));
