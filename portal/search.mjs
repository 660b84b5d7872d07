// Builds the portal's search index with Pagefind's Node API (npm pagefind, its
// extended binary: Chinese is segmented): every page of the built site
// (public/), each in its own language, plus one record per API operation, so a
// search for an operation lands on its entry in the reference, not only on
// the reference page as a whole. make portal runs it after Hugo.
import * as pagefind from "pagefind";
import { readFile, readdir } from "node:fs/promises";

const site = process.argv[2] || "public";
const fail = (what, errors) => { console.error(`search: ${what}: ${errors.join("; ")}`); process.exit(1); };

const { index, errors } = await pagefind.createIndex({});
if (errors.length) fail("create the index", errors);
const dir = await index.addDirectory({ path: site });
if (dir.errors.length) fail("index the site", dir.errors);
// ---- ref2: one file of operation records per language (operations.json in
// English, operations.<lang>.json for the others), each record in its language.
const ops = [];
for (const file of (await readdir(`${site}/reference`)).filter((f) => /^operations(\.[a-z-]+)?\.json$/.test(f)).sort()) {
  ops.push(...JSON.parse(await readFile(`${site}/reference/${file}`, "utf8")));
}
for (const op of ops) {
  const r = await index.addCustomRecord({ url: op.url || `/reference/#${op.id}`, content: op.content, language: op.language || "en", meta: { title: op.title } });
  if (r.errors.length) fail(`add ${op.id} (${op.language})`, r.errors);
}
const out = await index.writeFiles({ outputPath: `${site}/pagefind` });
if (out.errors.length) fail("write the index", out.errors);
await pagefind.close();
console.log(`search: ${dir.page_count} pages and ${ops.length} operations indexed`);
