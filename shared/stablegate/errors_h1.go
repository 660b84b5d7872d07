package stablegate

// Allowlist refusals.
var (
	// ErrAllowEntryExists: the address (in any letter case the chain allows)
	// is on the allowlist already, with another label; nothing changed.
	ErrAllowEntryExists = &Error{Kind: KindConflict, Code: "allowlist_entry_exists", Message: "this address is on the allowlist already, with another label; nothing changed", Param: "address"}
)
