// Sends test USDT on the local Tron stand-in with stock TronWeb, as a Tron
// developer would against TronGrid: contract().at(token), then
// transfer(to, amount).send(), then waits for the transaction's block.
// Used by `make deposit CHAIN=tron` and the stack test of a TronWeb deposit.
//
//   node deposit.mjs   (env: TRON_GRID, PRIVATE_KEY, TOKEN, TO, AMOUNT in base units)
//
// Prints one JSON line: {"txid":..., "block":..., "from":..., "balance_before":..., "balance_after":...}.
import { TronWeb } from 'tronweb';

const need = (k) => {
  const v = process.env[k];
  if (!v) {
    console.error(`deposit.mjs: ${k} is not set`);
    process.exit(2);
  }
  return v;
};

process.on('unhandledRejection', (e) => {
  console.error(`deposit.mjs: ${e?.response ? `${e.config?.url} answered ${e.response.status}` : e?.message || e}`);
  process.exit(1);
});

const tronWeb = new TronWeb({ fullHost: need('TRON_GRID'), privateKey: need('PRIVATE_KEY').replace(/^0x/, '') });
const to = need('TO');
const amount = need('AMOUNT');

const head = await tronWeb.trx.getCurrentBlock();
const token = await tronWeb.contract().at(need('TOKEN'));
const before = await token.balanceOf(to).call();
const txid = await token.transfer(to, amount).send({ feeLimit: 100_000_000 });

let info = {};
for (let i = 0; i < 120 && !Object.keys(info).length; i++) {
  await new Promise((r) => setTimeout(r, 250));
  info = await tronWeb.trx.getTransactionInfo(txid);
}
if (!Object.keys(info).length) {
  console.error(`deposit.mjs: ${txid} was not taken into a block`);
  process.exit(1);
}
const block = await tronWeb.trx.getBlock(info.blockNumber);
if (!(block.transactions || []).some((t) => t.txID === txid)) {
  console.error(`deposit.mjs: block ${info.blockNumber} does not list ${txid}`);
  process.exit(1);
}
if (info.receipt?.result !== 'SUCCESS') {
  console.error(`deposit.mjs: ${txid} failed: ${JSON.stringify(info.receipt)}`);
  process.exit(1);
}
const after = await token.balanceOf(to).call();
console.log(JSON.stringify({
  txid, block: info.blockNumber, head_before: head.block_header.raw_data.number,
  from: tronWeb.defaultAddress.base58, balance_before: before.toString(), balance_after: after.toString(),
}));
