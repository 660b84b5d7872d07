package slip39

// Arithmetic in GF(2^8) with the Rijndael polynomial x^8 + x^4 + x^3 + x + 1,
// by log and exp tables of the generator 3, as SLIP-39 specifies.

var expTable, logTable = func() (exp [255]byte, log [256]byte) {
	p := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(p)
		log[p] = byte(i)
		p = p<<1 ^ p // times 3
		if p&0x100 != 0 {
			p ^= 0x11b
		}
	}
	return exp, log
}()

// interpolate evaluates at x the polynomial through the points (xs[i],
// ys[i][j]) for every byte position j (Lagrange form). The xs must be
// distinct and the ys of one length.
func interpolate(xs []byte, ys [][]byte, x byte) []byte {
	for i, xi := range xs {
		if xi == x {
			return append([]byte(nil), ys[i]...)
		}
	}
	// log of the product of (x_i - x) over all i; subtraction is xor.
	logProd := 0
	for _, xi := range xs {
		logProd += int(logTable[xi^x])
	}
	out := make([]byte, len(ys[0]))
	for i, xi := range xs {
		// log of the basis polynomial of point i evaluated at x.
		l := logProd - int(logTable[xi^x])
		for j, xj := range xs {
			if j != i {
				l -= int(logTable[xi^xj])
			}
		}
		l = ((l % 255) + 255) % 255
		for k, v := range ys[i] {
			if v != 0 {
				out[k] ^= expTable[(int(logTable[v])+l)%255]
			}
		}
	}
	return out
}
