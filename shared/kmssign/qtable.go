package kmssign

import "github.com/decred/dcrd/dcrec/secp256k1/v4"

// The signer computes the point R of each signature from its one public
// key Q (recoveryID): R = u1·G + u2·Q. The library multiplies G by a
// precomputed table and an arbitrary point by a general ladder, five times
// slower. Q never changes for a signer, so it gets a table too: for every
// byte position i of a scalar and every byte value j, the point j·256^i·Q,
// in affine coordinates (Z = 1, the fast mixed addition). A product u·Q is
// then 32 additions, one per byte of u. The table is 32 × 255 points of 64
// bytes (about 650 KB), built once per key at its first signature with
// about 8,200 additions and one field inversion (a few milliseconds).

// affinePoint is a point with Z = 1, its coordinates normalised.
type affinePoint struct{ x, y secp256k1.FieldVal }

// qTable is j·256^i·Q at [i][j-1].
type qTable [32][255]affinePoint

// newQTable builds the table of q.
func newQTable(q *secp256k1.PublicKey) *qTable {
	const n = 32 * 255
	jac := make([]secp256k1.JacobianPoint, n)
	var base secp256k1.JacobianPoint // 256^i·Q, affine
	q.AsJacobian(&base)
	for i := 0; i < 32; i++ {
		row := jac[i*255 : (i+1)*255]
		row[0].Set(&base)
		for j := 1; j < 255; j++ {
			secp256k1.AddNonConst(&row[j-1], &base, &row[j])
		}
		if i < 31 {
			var next secp256k1.JacobianPoint // 255·B + B = 256·B
			secp256k1.AddNonConst(&row[254], &base, &next)
			next.ToAffine()
			base = next
		}
	}
	// One inversion for all: the prefix products of the Z values, inverted
	// once, then unwound from the end (Montgomery's trick).
	prefix := make([]secp256k1.FieldVal, n)
	prefix[0].Set(&jac[0].Z)
	for k := 1; k < n; k++ {
		prefix[k].Mul2(&prefix[k-1], &jac[k].Z)
	}
	var inv secp256k1.FieldVal
	inv.Set(&prefix[n-1]).Inverse()
	t := new(qTable)
	for k := n - 1; k >= 0; k-- {
		var zInv, zInv2, zInv3 secp256k1.FieldVal
		if k > 0 {
			zInv.Mul2(&inv, &prefix[k-1])
			inv.Mul(&jac[k].Z)
		} else {
			zInv.Set(&inv)
		}
		zInv2.SquareVal(&zInv)
		zInv3.Mul2(&zInv2, &zInv)
		p := &t[k/255][k%255]
		p.x.Mul2(&jac[k].X, &zInv2).Normalize()
		p.y.Mul2(&jac[k].Y, &zInv3).Normalize()
	}
	return t
}

// mulAdd adds u·Q to acc (acc normalised, as AddNonConst wants).
func (t *qTable) mulAdd(u *secp256k1.ModNScalar, acc *secp256k1.JacobianPoint) {
	b := u.Bytes() // big-endian: b[31] is byte position 0
	var p, sum secp256k1.JacobianPoint
	p.Z.SetInt(1)
	for i := 0; i < 32; i++ {
		j := b[31-i]
		if j == 0 {
			continue
		}
		e := &t[i][j-1]
		p.X.Set(&e.x)
		p.Y.Set(&e.y)
		secp256k1.AddNonConst(acc, &p, &sum)
		acc.Set(&sum)
	}
}
