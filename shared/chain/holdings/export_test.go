package holdings

// EncodeBalanceCalls is encodeBalanceCalls, for the external tests.
var EncodeBalanceCalls = encodeBalanceCalls
