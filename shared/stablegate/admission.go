package stablegate

import "context"

// Admission is a request's rate-limit decision made while the request
// runs: the edge starts the decision beside the handler's reads and
// carries it in the context (WithAdmission), and a service awaits it
// (AwaitAdmission) immediately before its first write. So a refused
// request may have read, but has written nothing; the service needs no
// import of the edge to honour it.
type Admission interface {
	// Await blocks until the decision is made and returns nil (admitted)
	// or the refusal (ErrRateLimited, or an internal fault); once ctx has
	// ended, an unavailable error. Once decided it answers at once.
	Await(ctx context.Context) error
}

type admissionKey struct{}

// WithAdmission returns ctx carrying a.
func WithAdmission(ctx context.Context, a Admission) context.Context {
	return context.WithValue(ctx, admissionKey{}, a)
}

// AwaitAdmission awaits the admission ctx carries: nil when admitted, and
// at once when ctx carries none (the request was admitted before its
// handler ran). Any other answer is a refusal: the caller must not write
// and returns it.
func AwaitAdmission(ctx context.Context) error {
	a, ok := ctx.Value(admissionKey{}).(Admission)
	if !ok {
		return nil
	}
	return a.Await(ctx)
}
