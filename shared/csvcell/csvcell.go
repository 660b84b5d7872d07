// Package csvcell defuses CSV cells a spreadsheet would read as formulas.
// Every CSV the API hands out (statements, settlement reports, compliance
// exports) writes its cells through Safe.
package csvcell

// Safe keeps a spreadsheet from reading a cell as a formula: a cell that
// starts with = + - @ (or a tab or carriage return, which some spreadsheets
// skip before one) gets a leading single quote, unless it is a plain
// decimal number ("-1.500000", a negative amount, stays a number).
func Safe(v string) string {
	if v == "" || isDecimal(v) {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}

// isDecimal reports whether v is -?digits(.digits)?.
func isDecimal(v string) bool {
	if v[0] == '-' {
		v = v[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0 && i < len(v)-1:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}
