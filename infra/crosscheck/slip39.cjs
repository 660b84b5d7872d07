// Cross-check of SLIP-39 with an independent implementation (npm slip39).
// Reads one JSON request on stdin, writes one JSON answer on stdout:
//   {"op":"recover","mnemonics":[...],"passphrase":"..."} -> {"secret":"<hex>"}
//   {"op":"split","secret":"<hex>","passphrase":"...","threshold":2,"groups":[[2,3],[1,1]],
//    "iterationExponent":0,"extendable":1} -> {"groups":[["share", ...], ...]}
const slip39 = require("slip39");

let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const req = JSON.parse(input);
  try {
    if (req.op === "recover") {
      const secret = slip39.recoverSecret(req.mnemonics, req.passphrase);
      process.stdout.write(JSON.stringify({ secret: Buffer.from(secret).toString("hex") }));
    } else {
      const slip = slip39.fromArray([...Buffer.from(req.secret, "hex")], {
        passphrase: req.passphrase, threshold: req.threshold, groups: req.groups,
        iterationExponent: req.iterationExponent, extendableBackupFlag: req.extendable,
      });
      const groups = req.groups.map((_, i) => slip.fromPath(`r/${i}`).mnemonics);
      process.stdout.write(JSON.stringify({ groups }));
    }
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e.message || e) }));
  }
});
