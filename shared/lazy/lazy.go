// Package lazy holds values built at their first use rather than at
// package init. Every function's cold start runs the init of every package
// it links, whether or not the invocation needs a given value; a package
// variable built by regexp.MustCompile, a map literal or a parse costs
// allocations there (issue 18). A Regexp or a Value is declared as a plain
// struct literal, which the compiler lays out as data: it costs nothing at
// init. (sync.OnceValue, called at package level, allocates at init.)
package lazy

import (
	"regexp"
	"sync"
	"sync/atomic"
)

// Regexp is the pattern Expr, compiled once, at the first call of one of
// its methods. Declare one as var x = &lazy.Regexp{Expr: `...`}. An
// invalid Expr panics there, as regexp.MustCompile would have at init: a
// test that calls the pattern shows it compiles.
type Regexp struct {
	Expr string

	once sync.Once
	re   atomic.Pointer[regexp.Regexp]
}

// Get is the compiled pattern.
func (r *Regexp) Get() *regexp.Regexp {
	r.once.Do(func() { r.re.Store(regexp.MustCompile(r.Expr)) })
	return r.re.Load()
}

// Compiled says whether the pattern has been compiled yet (tests hold
// that nothing compiles it at init).
func (r *Regexp) Compiled() bool { return r.re.Load() != nil }

// MatchString reports whether s contains a match of the pattern.
func (r *Regexp) MatchString(s string) bool { return r.Get().MatchString(s) }

// FindStringSubmatch is regexp's FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.Get().FindStringSubmatch(s) }

// Value is what New returns, built once, at the first Get. Declare one as
// var x = &lazy.Value[T]{New: func() T { ... }}, with a function literal
// that captures nothing. A New that panics panics at that first Get (and
// at every later one): a test that calls Get shows it builds.
type Value[T any] struct {
	New func() T

	once  sync.Once
	built atomic.Bool
	v     T
}

// Get is the value, built at the first call.
func (l *Value[T]) Get() T {
	l.once.Do(func() {
		l.v = l.New()
		l.built.Store(true)
	})
	if !l.built.Load() {
		panic("lazy: an earlier Get panicked building the value")
	}
	return l.v
}

// Built says whether the value has been built yet.
func (l *Value[T]) Built() bool { return l.built.Load() }
