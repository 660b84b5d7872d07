package slip39

// The RS1024 checksum over 10-bit words (a Reed-Solomon code over
// GF(1024)), with the customization string in front, as SLIP-39 specifies.

var rsGen = [10]uint32{0xe0e040, 0x1c1c080, 0x3838100, 0x7070200, 0xe0e0009, 0x1c0c2412, 0x38086c24, 0x3090fc48, 0x21b1f890, 0x3f3f120}

func polymod(values []int) uint32 {
	chk := uint32(1)
	for _, v := range values {
		b := chk >> 20
		chk = (chk&0xfffff)<<10 ^ uint32(v)
		for i := 0; i < 10; i++ {
			if (b>>i)&1 != 0 {
				chk ^= rsGen[i]
			}
		}
	}
	return chk
}

func customized(custom string, words []int) []int {
	vs := make([]int, 0, len(custom)+len(words)+checksumWords)
	for i := 0; i < len(custom); i++ {
		vs = append(vs, int(custom[i]))
	}
	return append(vs, words...)
}

// checksum returns the three checksum words of data.
func checksum(custom string, data []int) []int {
	pm := polymod(append(customized(custom, data), 0, 0, 0)) ^ 1
	return []int{int(pm>>20) & 1023, int(pm>>10) & 1023, int(pm) & 1023}
}

func checksumOK(custom string, words []int) bool { return polymod(customized(custom, words)) == 1 }
