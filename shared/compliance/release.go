package compliance

import (
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Release refusals.
var (
	// ErrCaseNotCleared: a quarantined deposit is released only on a case
	// an officer closed with no action (closed_reported keeps it held).
	ErrCaseNotCleared = &sg.Error{Kind: sg.KindConflict, Code: "case_not_cleared", Param: "case_id",
		Message: "a quarantined deposit is released only when its case is decided closed_no_action"}
	// ErrCaseNotForDeposit: the case names other evidence than this deposit.
	ErrCaseNotForDeposit = &sg.Error{Kind: sg.KindConflict, Code: "case_not_for_deposit", Param: "case_id",
		Message: "the case does not name this deposit in its evidence"}
)

// CheckRelease says whether the decided case c lets the quarantined
// deposit t go to its wallet: c must be closed with no action by an
// officer, and name t in its evidence (as the screening hit that opened
// it did: "deposit:<ref>", or the transfer's id an officer added). The
// deposit's own state is the ledger's to check.
func CheckRelease(c sg.Case, t sg.Transfer) error {
	if t.Type != sg.TransferDeposit {
		return sg.ErrNotFound.WithParam("transfer_id")
	}
	named := false
	for _, e := range c.Evidence.Transfers {
		if e == t.ID || t.RequestHash != "" && e == "deposit:"+t.RequestHash {
			named = true
		}
	}
	if !named {
		return ErrCaseNotForDeposit
	}
	if c.Status != sg.CaseClosedNoAction || c.Decision == nil || c.Decision.Outcome != sg.CaseClosedNoAction {
		return ErrCaseNotCleared
	}
	return nil
}
