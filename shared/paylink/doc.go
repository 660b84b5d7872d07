// Package paylink makes the payment requests a payer's wallet reads: a URI
// per chain, the same URI as a QR code (PNG or SVG) and as an NFC NDEF
// message. It is pure: no I/O, no clock, no AWS.
//
// # Ethereum: EIP-681
//
// An ERC20 payment is a request to call the token's transfer function
// (ERC-681, "URL Format for Transaction Requests", status Final):
//
//	ethereum:<token>@<chain id>/transfer?address=<recipient>&uint256=<base units>
//
// Build writes both addresses EIP-55 checksummed and the amount as a plain
// integer of base units (1.5 USDT is uint256=1500000). The standard allows,
// and encourages, scientific notation (1.5e6), but wallets have read it
// badly: MetaMask mobile went through a float for years and lost precision
// (metamask-mobile #7998, #30832); a plain integer is read the same by all.
// Build writes the chain id of the request (NewRequest takes the network's:
// 1 on mainnet, the local chain's id on a dev stack), so a wallet on another
// network switches or refuses instead of paying there (MetaMask mobile
// switches to it); only a request with ChainID 0 goes without. Build refuses a label or
// message on Ethereum: EIP-681 has no such keys, and a reader that takes
// every typed key as an argument (the standard reads "address" and
// "uint256" so) would build a call to another function.
//
// Parse reads what wallets and other generators write: the scheme in any
// case, the "pay-" prefix, no chain id (ChainID 0: the payer's current
// network), lower-case or checksummed addresses (a mixed-case address must
// match its checksum), uint256 in scientific notation when it is a whole
// number (2.5e6), and gas, gasLimit and gasPrice (ignored). It refuses an
// ENS name (resolution is not ours to do), a native-coin request (no
// function), any other function, a non-zero value (ether sent along) and a
// key given twice.
//
// # Tron: no standard, the BIP-21 form with the token
//
// Tron has no payment URI standard: the "TIP-17" some generators cite is
// the adaptive energy model, not a URI scheme, and TronLink documents none
// (its in-send scanner has been reported to take only a bare address,
// BTCPayServer.Plugins.USDt #46). The wallets that do read a tron: URI read
// it the BIP-21 way: the recipient as the path, "amount" in whole units of
// the asset (Tangem's TronPaymentUriParser; BTCPay's USDt plugin writes
// tron:<address>?amount=), and Trust Wallet reads and writes BIP-21 for
// chains other than Ethereum (wallet-core #2363, shapeshift/web #10638).
// The token is named by its TRC20 contract in "token", the key Tangem's
// parser reads and most gateways write; without it a wallet would take the
// request for TRX. So Build writes
//
//	tron:<recipient>?token=<TRC20 contract>&amount=<decimal>[&label=..][&message=..]
//
// with the amount printed with all six decimals (12.500000): Tangem takes
// a dot-less integer above 100000 for base units, and a decimal point leaves
// no doubt that the amount is in whole USDT. Label and message are BIP-21's, each
// percent-encoded (a space is %20, never "+"). Because a scanner may know
// none of this, a checkout should also show the address and amount to copy.
//
// Parse is lenient to the variants in use: the scheme in any case, "//"
// after it, the contract under "token", "contract" or "contractAddress"
// (the same contract if more than one is given), an amount with fewer
// decimals (12.5) or trailing zeros past six (12.5000000), and "+" for a
// space in label or message. It refuses a request with no token (that is a
// TRX payment), no amount, or a key given twice.
//
// # The amount
//
// Amounts are sg.Amount: base units of USDT, which has 6 decimals on both
// chains. A request always has an amount above zero; Parse refuses a URI
// without one (an invoice's link is never open-ended).
//
// # QR codes and NFC
//
// QRPNG and QRSVG draw the URI as a QR code at error correction level M
// (15% of the code may be lost), with the 4-module quiet zone the standard
// asks for; the SVG is one path of whole modules on a white square, with a
// viewBox so it scales and shape-rendering="crispEdges" so it stays sharp.
// NDEF makes an NFC Forum NDEF message of one URI record (well-known type
// "U"); NDEFFile names it as a raw message file (".ndef", the form
// nfcpy's ndeftool saves and tag writers load). NDEF has no registered
// media type, so the file is application/octet-stream.
package paylink
