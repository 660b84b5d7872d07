// Package stablegate holds the business of Stablegate: money, chains,
// wallets, balances, idempotency, error kinds and named rejections, and the
// small interfaces the services need. It imports no AWS and no chain code;
// adapters beside it (dynamo, hd, address, ...) implement its interfaces.
package stablegate
