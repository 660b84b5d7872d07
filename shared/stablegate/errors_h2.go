package stablegate

// Named rejections of the edge: request bodies and WebSocket messages.
var (
	// ErrDuplicateField: the body names a member twice in one object, at any
	// depth (names compared as JSON decoding matches them to fields, without
	// regard to case); Param names the member. The last would silently win.
	ErrDuplicateField = &Error{Kind: KindInvalid, Code: "duplicate_field", Message: "request body has a field more than once"}
	// ErrUnknownAction: a WebSocket message's action is not one the API
	// serves (only "subscribe").
	ErrUnknownAction = &Error{Kind: KindInvalid, Code: "unknown_action", Message: `unknown action; send {"action":"subscribe","wallet_id":"wal_..."}`, Param: "action"}
)
