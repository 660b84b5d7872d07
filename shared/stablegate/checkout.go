package stablegate

import "context"

// CheckoutLookup resolves a hosted checkout's token to the invoice it shows.
// The token is the only credential a payer's browser holds: whoever has it
// may read that one invoice's checkout view and nothing else. The acquiring
// service implements it; the live service uses it to admit a WebSocket
// connection that carries no JWT.
//
// An unknown, malformed or revoked token is ErrNotFound. Implementations
// never log the token, and never put it in an error.
type CheckoutLookup interface {
	CheckoutByToken(ctx context.Context, token string) (tenant, invoiceID string, err error)
}

// Named rejections of a checkout WebSocket connection.
var (
	// ErrCheckoutNotFound: the token of a subscribe_checkout message is
	// unknown, or is not the one the connection was opened with.
	ErrCheckoutNotFound = &Error{Kind: KindNotFound, Code: "checkout_not_found", Message: "no such checkout for this connection", Param: "token"}
	// ErrCheckoutOnly: a connection opened with a checkout token may only
	// follow that checkout (subscribe_checkout); it reads nothing else.
	ErrCheckoutOnly = &Error{Kind: KindForbidden, Code: "checkout_only", Message: `a checkout connection can only send {"action":"subscribe_checkout","token":"..."}`, Param: "action"}
)

// ValidCheckoutToken reports whether s is shaped like a checkout token an
// outside client may send: 8 to 128 characters of [A-Za-z0-9_-]. It does
// not say the token exists.
func ValidCheckoutToken(s string) bool {
	if len(s) < 8 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
