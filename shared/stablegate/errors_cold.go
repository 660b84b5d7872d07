package stablegate

// Cold payout refusals (the platform's payouts from the cold wallet, signed
// offline; infra/openapi.yaml, ErrorCode). The offline signer's own
// refusals of a file (bundle_*) are package airgap's.
var (
	// ErrColdCannotPay: the cold address cannot make the transfer now.
	ErrColdCannotPay = &Error{Kind: KindRefused, Code: "cold_cannot_pay", Param: "amount",
		Message: "the cold address cannot make this transfer now (its USDT, or the ETH or TRX for the network fee, is short)"}
	// ErrColdBundleUsed: the bundle was imported already (a bundle is used once).
	ErrColdBundleUsed = &Error{Kind: KindConflict, Code: "cold_bundle_used",
		Message: "this bundle has already been signed and imported; a bundle is used once"}
	// ErrColdBundleExpired: the signature came back after the bundle's expires_at.
	ErrColdBundleExpired = &Error{Kind: KindRefused, Code: "cold_bundle_expired",
		Message: "the bundle expired before its signature came back; prepare a new one"}
	// ErrColdBundleMismatch: the signed file is not the bundle prepared under this id.
	ErrColdBundleMismatch = &Error{Kind: KindRefused, Code: "cold_bundle_mismatch",
		Message: "the signed bundle is not the one prepared (a field differs)"}
	// ErrColdNotPlatform: cold payouts are the platform's; the token lacks platform:admin.
	ErrColdNotPlatform = &Error{Kind: KindForbidden, Code: "forbidden", Param: "scope",
		Message: "cold payouts are the platform's: they need the platform:admin scope"}
)
