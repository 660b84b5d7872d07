package address

import "encoding/binary"

// Forwarders are the deposit addresses of a chain that sweeps through
// CREATE2 forwarders (see infra/contracts/Forwarder.sol): each address is
// the CREATE2 address of an EIP-1167 proxy of Implementation deployed by
// Factory, with the wallet's index as salt. No private key stands behind it.
type Forwarders struct {
	Factory        Account
	Implementation Account
}

// ProxyInitCode is the EIP-1167 minimal proxy's init code for impl.
func ProxyInitCode(impl Account) []byte {
	code := []byte{0x3d, 0x60, 0x2d, 0x80, 0x60, 0x0a, 0x3d, 0x39, 0x81, 0xf3, 0x36, 0x3d, 0x3d, 0x37, 0x3d, 0x3d, 0x3d, 0x36, 0x3d, 0x73}
	code = append(code, impl[:]...)
	return append(code, 0x5a, 0xf4, 0x3d, 0x82, 0x80, 0x3e, 0x90, 0x3d, 0x91, 0x60, 0x2b, 0x57, 0xfd, 0x5b, 0xf3)
}

// Create2 is the address a CREATE2 from deployer with salt and init code
// hash gives: the last 20 bytes of keccak256(0xff ++ deployer ++ salt ++ hash).
func Create2(deployer Account, salt, initCodeHash [32]byte) Account {
	buf := make([]byte, 0, 85)
	buf = append(buf, 0xff)
	buf = append(buf, deployer[:]...)
	buf = append(buf, salt[:]...)
	buf = append(buf, initCodeHash[:]...)
	var a Account
	copy(a[:], keccak256(buf)[12:])
	return a
}

// Salt is a wallet index as a CREATE2 salt (a big-endian uint256).
func Salt(index uint32) [32]byte {
	var s [32]byte
	binary.BigEndian.PutUint32(s[28:], index)
	return s
}

// Address is the forwarder of wallet index.
func (f Forwarders) Address(index uint32) Account {
	var h [32]byte
	copy(h[:], keccak256(ProxyInitCode(f.Implementation)))
	return Create2(f.Factory, Salt(index), h)
}
