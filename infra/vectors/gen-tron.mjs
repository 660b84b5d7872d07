// Writes shared/chain/tron/testdata/trc20_vectors.json: TRC20 transfer
// transactions built and signed by tronweb (an independent implementation),
// for the Go code to match byte for byte. Keys are throwaway test keys from a
// seeded generator. Run with `make tron-vectors`; make test only reads the file.
import { utils } from "tronweb";
import { writeFileSync, mkdirSync } from "node:fs";

let seed = 0x5eed1234n;
function rand(bytes) { // splitmix64, deterministic
  let out = "";
  while (out.length < bytes * 2) {
    seed = (seed + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = seed;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    z = z ^ (z >> 31n);
    out += z.toString(16).padStart(16, "0");
  }
  return out.slice(0, bytes * 2);
}
const USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
const usdtHex = utils.address.toHex(USDT);
const cases = [];
for (let i = 0; i < 24; i++) {
  const priv = rand(32);
  const owner = utils.address.fromPrivateKey(priv);
  const ownerHex = utils.address.toHex(owner);
  const toHex = "41" + rand(20);
  const to = utils.address.fromHex(toHex);
  const amount = BigInt("0x" + rand(5)) % 10000000000000n + 1n; // up to 10 million USDT in base units
  const data = "a9059cbb" + toHex.slice(2).padStart(64, "0") + amount.toString(16).padStart(64, "0");
  const timestamp = 1764000000000 + Number(BigInt("0x" + rand(3)));
  const tx = {
    visible: false, txID: "", raw_data_hex: "",
    raw_data: {
      contract: [{ parameter: { value: { data, owner_address: ownerHex, contract_address: usdtHex }, type_url: "type.googleapis.com/protocol.TriggerSmartContract" }, type: "TriggerSmartContract" }],
      ref_block_bytes: rand(2), ref_block_hash: rand(8), expiration: timestamp + 60000, timestamp,
      fee_limit: 30000000 + (i % 5) * 10000000,
    },
  };
  const pb = utils.transaction.txJsonToPb(tx);
  tx.raw_data_hex = utils.transaction.txPbToRawDataHex(pb);
  tx.txID = utils.transaction.txPbToTxID(pb).replace(/^0x/, "");
  const signed = utils.crypto.signTransaction(priv, tx);
  cases.push({
    private_key: priv, owner_address: owner, to_address: to, contract_address: USDT, amount: amount.toString(),
    ref_block_bytes: tx.raw_data.ref_block_bytes, ref_block_hash: tx.raw_data.ref_block_hash,
    expiration: tx.raw_data.expiration, timestamp: tx.raw_data.timestamp, fee_limit: tx.raw_data.fee_limit,
    data, raw_data_hex: tx.raw_data_hex, txid: tx.txID, signature: signed.signature[0],
  });
}
// The other transactions Stablegate signs on Tron (infra/chains.md,
// "Sweeping (Tron)"): approve and transferFrom calls, AccountCreate, energy
// delegated and taken back (Stake 2.0), and TRX sent (a hot key rotation).
const MAX = "f".repeat(64);
const others = [];
const kinds = ["approve", "transferFrom", "AccountCreateContract", "DelegateResourceContract", "UnDelegateResourceContract", "TransferContract"];
for (let i = 0; i < 36; i++) {
  const kind = kinds[i % kinds.length];
  const priv = rand(32);
  const ownerHex = utils.address.toHex(utils.address.fromPrivateKey(priv));
  const otherHex = "41" + rand(20);
  const thirdHex = "41" + rand(20);
  const amount = BigInt("0x" + rand(5)) % 10000000000000n + 1n;
  const timestamp = 1764000000000 + Number(BigInt("0x" + rand(3)));
  let contract, value;
  if (kind === "approve" || kind === "transferFrom") {
    const data = kind === "approve"
      ? "095ea7b3" + otherHex.slice(2).padStart(64, "0") + (i % 2 ? MAX : amount.toString(16).padStart(64, "0"))
      : "23b872dd" + otherHex.slice(2).padStart(64, "0") + thirdHex.slice(2).padStart(64, "0") + amount.toString(16).padStart(64, "0");
    value = { data, owner_address: ownerHex, contract_address: usdtHex };
    contract = { type: "TriggerSmartContract", type_url: "type.googleapis.com/protocol.TriggerSmartContract" };
  } else if (kind === "AccountCreateContract") {
    value = { owner_address: ownerHex, account_address: otherHex };
    contract = { type: kind, type_url: "type.googleapis.com/protocol." + kind };
  } else if (kind === "TransferContract") {
    value = { owner_address: ownerHex, to_address: otherHex, amount: Number(amount % 100000000000n) + 1 };
    contract = { type: kind, type_url: "type.googleapis.com/protocol." + kind };
  } else {
    value = { owner_address: ownerHex, receiver_address: otherHex, balance: Number(amount % 100000000000n) + 1000000, resource: "ENERGY" };
    contract = { type: kind, type_url: "type.googleapis.com/protocol." + kind };
  }
  const tx = {
    visible: false, txID: "", raw_data_hex: "",
    raw_data: {
      contract: [{ parameter: { value, type_url: contract.type_url }, type: contract.type }],
      ref_block_bytes: rand(2), ref_block_hash: rand(8), expiration: timestamp + 60000, timestamp,
      ...(contract.type === "TriggerSmartContract" ? { fee_limit: 30000000 + (i % 5) * 10000000 } : {}),
    },
  };
  const pb = utils.transaction.txJsonToPb(tx);
  tx.raw_data_hex = utils.transaction.txPbToRawDataHex(pb);
  tx.txID = utils.transaction.txPbToTxID(pb).replace(/^0x/, "");
  const signed = utils.crypto.signTransaction(priv, tx);
  others.push({
    kind, private_key: priv, owner_address: utils.address.fromHex(ownerHex), contract_address: USDT,
    other_address: utils.address.fromHex(otherHex), third_address: utils.address.fromHex(thirdHex),
    amount: amount.toString(), balance: value.balance || value.amount || 0, data: value.data || "",
    ref_block_bytes: tx.raw_data.ref_block_bytes, ref_block_hash: tx.raw_data.ref_block_hash,
    expiration: tx.raw_data.expiration, timestamp: tx.raw_data.timestamp, fee_limit: tx.raw_data.fee_limit || 0,
    raw_data_hex: tx.raw_data_hex, txid: tx.txID, signature: signed.signature[0],
  });
}
const dir = new URL("../../shared/chain/tron/testdata/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL("trc20_vectors.json", dir), JSON.stringify({ generator: "tronweb 6.5.1 (infra/vectors/gen-tron.mjs)", cases }, null, 2) + "\n");
writeFileSync(new URL("sweep_vectors.json", dir), JSON.stringify({ generator: "tronweb 6.5.1 (infra/vectors/gen-tron.mjs)", cases: others }, null, 2) + "\n");
console.log(`wrote ${cases.length} transfer vectors and ${others.length} sweep vectors`);
