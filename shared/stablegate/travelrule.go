package stablegate

import (
	"context"
	"time"
)

// Travel rule: above a configured amount, a payout to an outside address
// carries who sends and who receives (originator and beneficiary), and the
// receiving VASP when known, in the interVASP Messaging Standard's shape
// (IVMS 101, the 2023 edition: payloadVersion "101.2023"; the 2020 edition
// is read and renamed by the compliance service); data that comes
// with a deposit is attached to it. The data is PII: it is stored sealed
// (Sealer, purpose TravelRulePurpose) and never logged, put in an error or
// in a list response. Field names and codes below are the standard's, so
// the JSON is the standard's JSON.

// TravelRulePurpose is the seal context's purpose for travel-rule payloads.
const TravelRulePurpose = "travel-rule"

// IVMSVersion2023 is the payload version this package reads and writes.
const IVMSVersion2023 = "101.2023"

// TravelPayload is an IVMS 101 (2023) document: the originator and the
// beneficiary, the VASPs on either side, and the payload's metadata.
type TravelPayload struct {
	Originator      IVMSOriginator   `json:"originator"`
	Beneficiary     IVMSBeneficiary  `json:"beneficiary"`
	OriginatingVASP *IVMSPerson      `json:"originatingVASP,omitempty"`
	BeneficiaryVASP *IVMSPerson      `json:"beneficiaryVASP,omitempty"`
	TransferPath    *IVMSTransfer    `json:"transferPath,omitempty"`
	PayloadMetadata *IVMSPayloadMeta `json:"payloadMetadata,omitempty"`
	// Edition is the edition the document came in, when not this one
	// ("101": the 2020 edition, read and renamed); refusals name fields
	// by that edition's paths. Not part of the JSON.
	Edition string `json:"-"`
}

// IVMSOriginator is the account holder who allows the transfer, and the
// accounts (here: chain addresses) it is made from.
type IVMSOriginator struct {
	OriginatorPerson []IVMSPerson `json:"originatorPerson"`
	AccountNumber    []string     `json:"accountNumber,omitempty"`
}

// IVMSBeneficiary is who receives the transfer, and the accounts (chain
// addresses) it is made to.
type IVMSBeneficiary struct {
	BeneficiaryPerson []IVMSPerson `json:"beneficiaryPerson"`
	AccountNumber     []string     `json:"accountNumber,omitempty"`
}

// IVMSPerson is a natural person or a legal person (exactly one of them).
type IVMSPerson struct {
	NaturalPerson *IVMSNaturalPerson `json:"naturalPerson,omitempty"`
	LegalPerson   *IVMSLegalPerson   `json:"legalPerson,omitempty"`
}

// IVMSNaturalPerson is an individual.
type IVMSNaturalPerson struct {
	Name                   IVMSNaturalName          `json:"name"`
	GeographicAddress      []IVMSAddress            `json:"geographicAddress,omitempty"`
	NationalIdentification *IVMSNationalID          `json:"nationalIdentification,omitempty"`
	CustomerIdentification string                   `json:"customerIdentification,omitempty"`
	DateAndPlaceOfBirth    *IVMSDateAndPlaceOfBirth `json:"dateAndPlaceOfBirth,omitempty"`
	CountryOfResidence     string                   `json:"countryOfResidence,omitempty"`
}

// IVMSNaturalName is a natural person's names: at least one of type LEGL.
type IVMSNaturalName struct {
	NameIdentifier         []IVMSNaturalNameID `json:"nameIdentifier"`
	LocalNameIdentifier    []IVMSLocalNameID   `json:"localNameIdentifier,omitempty"`
	PhoneticNameIdentifier []IVMSLocalNameID   `json:"phoneticNameIdentifier,omitempty"`
}

// IVMSNaturalNameID is one name: primary (family) and secondary (given)
// identifiers and the name's type (IVMSNaturalNameTypes).
type IVMSNaturalNameID struct {
	PrimaryIdentifier               string `json:"primaryIdentifier"`
	SecondaryIdentifier             string `json:"secondaryIdentifier,omitempty"`
	NaturalPersonNameIdentifierType string `json:"naturalPersonNameIdentifierType"`
}

// IVMSLocalNameID is a name in local characters (its type field keeps the
// 2020 name in both editions).
type IVMSLocalNameID struct {
	PrimaryIdentifier   string `json:"primaryIdentifier"`
	SecondaryIdentifier string `json:"secondaryIdentifier,omitempty"`
	NameIdentifierType  string `json:"nameIdentifierType"`
}

// IVMSLegalPerson is a company or other legal entity (a VASP is one).
type IVMSLegalPerson struct {
	Name                   IVMSLegalName   `json:"name"`
	GeographicAddress      []IVMSAddress   `json:"geographicAddress,omitempty"`
	CustomerIdentification string          `json:"customerIdentification,omitempty"`
	NationalIdentification *IVMSNationalID `json:"nationalIdentification,omitempty"`
	CountryOfRegistration  string          `json:"countryOfRegistration,omitempty"`
}

// IVMSLegalName is a legal person's names: at least one of type LEGL.
type IVMSLegalName struct {
	NameIdentifier         []IVMSLegalNameID `json:"nameIdentifier"`
	LocalNameIdentifier    []IVMSLegalNameID `json:"localNameIdentifier,omitempty"`
	PhoneticNameIdentifier []IVMSLegalNameID `json:"phoneticNameIdentifier,omitempty"`
}

// IVMSLegalNameID is one of a legal person's names (IVMSLegalNameTypes).
type IVMSLegalNameID struct {
	LegalPersonName               string `json:"legalPersonName"`
	LegalPersonNameIdentifierType string `json:"legalPersonNameIdentifierType"`
}

// IVMSAddress is a postal address: either address lines or a street with a
// building name or number, and always a town and a country.
type IVMSAddress struct {
	AddressType        string   `json:"addressType"`
	Department         string   `json:"department,omitempty"`
	SubDepartment      string   `json:"subDepartment,omitempty"`
	StreetName         string   `json:"streetName,omitempty"`
	BuildingNumber     string   `json:"buildingNumber,omitempty"`
	BuildingName       string   `json:"buildingName,omitempty"`
	Floor              string   `json:"floor,omitempty"`
	PostBox            string   `json:"postBox,omitempty"`
	Room               string   `json:"room,omitempty"`
	Postcode           string   `json:"postcode,omitempty"`
	TownName           string   `json:"townName"`
	TownLocationName   string   `json:"townLocationName,omitempty"`
	DistrictName       string   `json:"districtName,omitempty"`
	CountrySubDivision string   `json:"countrySubDivision,omitempty"`
	Country            string   `json:"country"`
	AddressLine        []string `json:"addressLine,omitempty"`
}

// IVMSNationalID is an identifier a government or registry issued: a
// passport or tax number for a person, an LEI (LEIX) or a registry number
// (with its registration authority, RA + 6 digits) for a legal person.
type IVMSNationalID struct {
	NationalIdentifier     string `json:"nationalIdentifier"`
	NationalIdentifierType string `json:"nationalIdentifierType"`
	CountryOfIssue         string `json:"countryOfIssue,omitempty"`
	RegistrationAuthority  string `json:"registrationAuthority,omitempty"`
}

// IVMSDateAndPlaceOfBirth: the date is an ISO 8601 date (YYYY-MM-DD) in
// the past.
type IVMSDateAndPlaceOfBirth struct {
	DateOfBirth  string `json:"dateOfBirth"`
	PlaceOfBirth string `json:"placeOfBirth"`
}

// IVMSTransfer is the path through intermediary VASPs, numbered from 0.
type IVMSTransfer struct {
	TransferPath []IVMSIntermediary `json:"transferPath"`
}

// IVMSIntermediary is one intermediary VASP and its place on the path.
type IVMSIntermediary struct {
	IntermediaryVASP IVMSPerson `json:"intermediaryVASP"`
	Sequence         int        `json:"sequence"`
}

// IVMSPayloadMeta says which edition the payload follows (IVMSVersion2023)
// and how names were transliterated.
type IVMSPayloadMeta struct {
	TransliterationMethod []string `json:"transliterationMethod,omitempty"`
	PayloadVersion        string   `json:"payloadVersion"`
}

// The standard's code lists.
var (
	// IVMSNaturalNameTypes: alias, name at birth, maiden, legal, other.
	IVMSNaturalNameTypes = []string{"ALIA", "BIRT", "MAID", "LEGL", "MISC"}
	// IVMSLegalNameTypes: legal, short, trading.
	IVMSLegalNameTypes = []string{"LEGL", "SHRT", "TRAD"}
	// IVMSAddressTypes: residential, business, geographic.
	IVMSAddressTypes = []string{"HOME", "BIZZ", "GEOG"}
	// IVMSNaturalIDTypes are the national identifier types of a natural
	// person: alien registration, passport, driver licence, foreign
	// investment, tax, social security, identity card, other.
	IVMSNaturalIDTypes = []string{"ARNU", "CCPT", "DRLC", "FIIN", "TXID", "SOCS", "IDCD", "MISC"}
	// IVMSLegalIDTypes are those of a legal person: registration
	// authority, foreign investment, tax, LEI, other.
	IVMSLegalIDTypes = []string{"RAID", "FIIN", "TXID", "LEIX", "MISC"}
	// IVMSTransliterations are the transliteration method codes.
	IVMSTransliterations = []string{"arab", "aran", "armn", "cyrl", "deva", "geor", "grek", "hani", "hebr", "kana", "kore", "thai", "othr"}
)

// TravelDirection is whether the data went out with a payout or came in
// with a deposit.
type TravelDirection string

// Directions.
const (
	TravelOut TravelDirection = "out"
	TravelIn  TravelDirection = "in"
)

// TravelStatus is where a transfer stands with the travel rule.
type TravelStatus string

// Statuses.
const (
	// TravelRequired: the transfer needs data and has none yet.
	TravelRequired TravelStatus = "required"
	// TravelProvided: a payout's data was given with its request.
	TravelProvided TravelStatus = "provided"
	// TravelReceived: a deposit's data came from the sending VASP.
	TravelReceived TravelStatus = "received"
	// TravelNotRequired: the amount is at or under the threshold.
	TravelNotRequired TravelStatus = "not_required"
)

// TravelField names a piece of data a deployment requires beyond the
// standard's minimum.
type TravelField string

// Fields a TravelRuleConfig may require.
const (
	// TravelFieldBeneficiaryVASP: the receiving VASP is named.
	TravelFieldBeneficiaryVASP TravelField = "beneficiaryVASP"
	// TravelFieldOriginatorAccount: the originator's accounts are given.
	TravelFieldOriginatorAccount TravelField = "originator.accountNumber"
	// TravelFieldOriginatorAddress: every originator has an address.
	TravelFieldOriginatorAddress TravelField = "originator.geographicAddress"
	// TravelFieldOriginatorNationalID: every originator has a national
	// identification.
	TravelFieldOriginatorNationalID TravelField = "originator.nationalIdentification"
	// TravelFieldOriginatorBirth: every natural-person originator has a
	// date and place of birth.
	TravelFieldOriginatorBirth TravelField = "originator.dateAndPlaceOfBirth"
)

// DefaultTravelThreshold is 1,000 USDT (about EUR/USD 1,000, FATF's
// de minimis amount). The EU's transfer-of-funds rule has no threshold:
// configure 0 there.
const DefaultTravelThreshold Amount = 1_000_000_000

// TravelRuleConfig is a deployment's (or a tenant's) travel rule: a payout
// to an outside address of more than Threshold needs data; at 0 every
// payout does. Require lists what is needed beyond the standard's
// minimum; OriginatingVASP, if set, is the deployment itself, written into
// payouts' data that do not name it.
type TravelRuleConfig struct {
	Threshold       Amount
	Require         []TravelField
	OriginatingVASP *IVMSPerson
	// Disabled turns the rule off (no data required, none refused).
	Disabled bool
}

// Requires reports whether a transfer of amount needs travel-rule data.
func (c TravelRuleConfig) Requires(amount Amount) bool {
	return !c.Disabled && amount > c.Threshold
}

// TravelRecord is a transfer's travel-rule data, as stored: the payload
// sealed (PII), the rest plain for reading and listing.
type TravelRecord struct {
	Tenant     string
	TransferID string
	Direction  TravelDirection
	Status     TravelStatus
	// PayloadSealed is the IVMS 101 JSON, sealed for the tenant under
	// TravelRulePurpose; empty when no data was given (not_required).
	PayloadSealed []byte
	// CounterpartyVASP names the VASP on the other side (the beneficiary's
	// for a payout, the originator's for a deposit): its LEI if given, else
	// its legal name. A company's name, not a person's.
	CounterpartyVASP string
	Amount           Amount
	Chain            Chain
	At               time.Time
	// OwnAddress marks a payout to the customer's own address (the
	// merchant's settlement): originator and beneficiary are one person.
	OwnAddress bool
}

// TravelStore keeps travel records: one per transfer and direction,
// written once.
type TravelStore interface {
	// PutTravel writes r once (ErrTravelRecordExists if the transfer has a
	// record in that direction already).
	PutTravel(ctx context.Context, r TravelRecord) error
	// Travel reads the record of a transfer in a direction (ErrNotFound;
	// another tenant's is not found too).
	Travel(ctx context.Context, tenant, transferID string, d TravelDirection) (TravelRecord, error)
	// TravelByTransfer lists a transfer's records, out before in.
	TravelByTransfer(ctx context.Context, tenant, transferID string) ([]TravelRecord, error)
}

// Travel-rule refusals.
var (
	// ErrTravelRuleDataRequired: the payout is over the travel-rule
	// threshold and came without originator and beneficiary data; nothing
	// was written.
	ErrTravelRuleDataRequired = &Error{Kind: KindRefused, Code: "travel_rule_data_required",
		Message: "this payout is over the travel-rule threshold: send originator and beneficiary data (IVMS 101) in travel_rule", Param: "travel_rule"}
	// ErrTravelRuleDataInvalid: the travel-rule data breaks the IVMS 101
	// standard or the deployment's requirements; Param is the failing
	// field's path (travel_rule.originator.originatorPerson[0]...).
	ErrTravelRuleDataInvalid = &Error{Kind: KindInvalid, Code: "travel_rule_data_invalid",
		Message: "travel-rule data is not valid IVMS 101", Param: "travel_rule"}
	// ErrTravelRecordExists: the transfer has travel-rule data in this
	// direction already, different from what was sent.
	ErrTravelRecordExists = &Error{Kind: KindConflict, Code: "travel_rule_data_exists",
		Message: "this transfer has travel-rule data already", Param: "travel_rule"}
)
