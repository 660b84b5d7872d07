// Package multisendbind is abigen's binding of the Multisend contract
// (infra/contracts/Multisend.sol; make contracts writes contract.go): for
// tests, benches and the local chain, which deploy the contract. It links
// go-ethereum's bind package; functions pack and read batches with package
// multisend, which does not (issue 18: bind brings accounts/external,
// signer/core/apitypes, the keystore and abigen into every cold start).
package multisendbind
