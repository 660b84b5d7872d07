package devstack

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/stablegate/stablegate/internal/dev/kycdev"
)

// KYCDevPath is where the local gateway serves the dev KYC provider
// (internal/dev/kycdev): POST {API}/kycdev/verifications starts one (the
// functions' KYC_PROVIDER_URL), POST {API}/kycdev/verifications/{ref}/verify,
// /reject or /review makes it send its signed verdict to POST
// /v1/kyc/callback, as a real provider would.
const KYCDevPath = "/kycdev"

// devKYC makes the dev KYC provider of a stack whose gateway is apiURL and
// sets the template parameters that point the functions at it. The callback
// secret is random per run; it stays in the stack's process and in the
// functions' environment (functions.json in the state folder), never in a log.
func devKYC(apiURL string, params map[string]string) (*kycdev.Provider, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(b)
	params["KycProviderUrl"] = apiURL + KYCDevPath
	params["KycProviderName"] = "dev"
	params["KycApiKey"] = "dev-kyc-api-key"
	params["KycCallbackSecret"] = secret
	return &kycdev.Provider{Secret: []byte(secret), CallbackURL: apiURL + "/v1/kyc/callback", PublicURL: apiURL + KYCDevPath}, nil
}
