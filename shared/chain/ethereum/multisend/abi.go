package multisend

// contractABIJSON is the Multisend contract's ABI (infra/contracts/Multisend.sol),
// as its binding in package multisendbind carries it. The binding links
// go-ethereum's bind package, and with it accounts/external,
// signer/core/apitypes, the keystore and abigen's text/template: cold-start
// time and megabytes no function needs to pack a batch or read its receipt.
// TestContractABIIsTheBindings holds the two copies equal.
const contractABIJSON = `
[{"inputs":[{"internalType":"address","name":"owner_","type":"address"}],"stateMutability":"nonpayable","type":"constructor"},{"anonymous":false,"inputs":[{"indexed":true,"internalType":"address","name":"token","type":"address"},{"indexed":true,"internalType":"bytes32","name":"itemsHash","type":"bytes32"},{"indexed":false,"internalType":"uint256","name":"count","type":"uint256"},{"indexed":false,"internalType":"uint256","name":"failed","type":"uint256"},{"indexed":false,"internalType":"uint256","name":"returned","type":"uint256"}],"name":"Batch","type":"event"},{"anonymous":false,"inputs":[{"indexed":true,"internalType":"uint256","name":"index","type":"uint256"},{"indexed":true,"internalType":"address","name":"to","type":"address"},{"indexed":false,"internalType":"uint256","name":"amount","type":"uint256"}],"name":"Failed","type":"event"},{"inputs":[],"name":"owner","outputs":[{"internalType":"address","name":"","type":"address"}],"stateMutability":"view","type":"function"},{"inputs":[{"internalType":"address","name":"token","type":"address"},{"internalType":"uint256","name":"pull","type":"uint256"},{"internalType":"bytes32[]","name":"items","type":"bytes32[]"}],"name":"pay","outputs":[],"stateMutability":"nonpayable","type":"function"}]`
