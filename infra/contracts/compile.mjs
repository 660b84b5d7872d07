// Compiles the contracts with solc (standard JSON) into build/<Name>.abi and .bin.
import solc from "solc";
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";

const sources = Object.fromEntries(readdirSync(".").filter((f) => f.endsWith(".sol")).map((f) => [f, { content: readFileSync(f, "utf8") }]));
const input = {
  language: "Solidity", sources,
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === "error");
if (errors.length) { console.error(errors.map((e) => e.formattedMessage).join("\n")); process.exit(1); }
mkdirSync("build", { recursive: true });
for (const [file, contracts] of Object.entries(out.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    writeFileSync(`build/${name}.abi`, JSON.stringify(c.abi, null, 2) + "\n");
    writeFileSync(`build/${name}.bin`, c.evm.bytecode.object + "\n");
    console.log(`compiled ${file}:${name} (${c.evm.bytecode.object.length / 2} bytes)`);
  }
}
