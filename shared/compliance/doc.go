// Package compliance keeps a business that holds other people's USDT on
// the right side of the law: it screens addresses against sanctions lists
// and tenants' blocklists, watches ledger events for laundering patterns,
// and opens and decides cases. It imports only the domain and pure
// primitives; its stores are the domain's ports.
package compliance
