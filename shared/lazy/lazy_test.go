package lazy

import "testing"

func TestCompiledAtFirstUseOnly(t *testing.T) {
	r := &Regexp{Expr: `^[0-9a-f]{4}$`}
	if r.Compiled() {
		t.Fatal("compiled before first use")
	}
	if !r.MatchString("00ff") || r.MatchString("00fg") {
		t.Error("pattern does not match as regexp would")
	}
	first := r.Get()
	if !r.Compiled() || r.Get() != first {
		t.Error("not compiled once at first use")
	}
	if m := (&Regexp{Expr: `^(a+)(b)$`}).FindStringSubmatch("aab"); len(m) != 3 || m[1] != "aa" {
		t.Errorf("FindStringSubmatch = %q", m)
	}
}

func TestInvalidPatternFailsLoudlyAtFirstUse(t *testing.T) {
	r := &Regexp{Expr: `([`}
	defer func() {
		if recover() == nil {
			t.Error("an invalid pattern did not panic at first use")
		}
	}()
	r.MatchString("x")
}

func TestValueBuiltOnceAtFirstGet(t *testing.T) {
	calls := 0
	v := &Value[map[string]bool]{New: func() map[string]bool { calls++; return map[string]bool{"a": true} }}
	if v.Built() || calls != 0 {
		t.Fatal("built before first use")
	}
	first, second := v.Get(), v.Get()
	if !first["a"] || !second["a"] || calls != 1 || !v.Built() {
		t.Errorf("built %d times, want once at first Get", calls)
	}
}

func TestValueThatPanicsKeepsFailing(t *testing.T) {
	v := &Value[int]{New: func() int { panic("broken table") }}
	for i := range 2 {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Get %d did not panic", i+1)
				}
			}()
			v.Get()
		}()
	}
}
