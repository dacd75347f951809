package ticket

import (
	"github.com/gongzhi/gongzhi/internal/creditcode"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// RequesterKind is whom a request is for (诉求主体): a resident, or an
// enterprise (企业诉求) known by its unified social credit code. An
// enterprise's contact is the reporter (her phone is the one the rating is
// asked of), so the loop treats both alike; the figures count them apart.
type RequesterKind string

const (
	RequesterResident   RequesterKind = "resident"
	RequesterEnterprise RequesterKind = "enterprise"
)

// RequesterKinds lists every requester kind.
var RequesterKinds = []RequesterKind{RequesterResident, RequesterEnterprise}

func validRequester(k RequesterKind) bool {
	return k == RequesterResident || k == RequesterEnterprise
}

// requesterOf is the kind as stored: resident when none is given.
func requesterOf(k RequesterKind) RequesterKind {
	if k == "" {
		return RequesterResident
	}
	return k
}

func errRequesterKind(k RequesterKind) error {
	return errs.Invalidf("诉求主体须为 resident（居民）或 enterprise（企业）：%q", "requester_kind must be resident or enterprise: %q", k)
}

// checkRequester fills in the requester kind (resident by default) and
// checks the credit code: required, and valid, for an enterprise; refused
// for a resident.
func (in *NewTicket) checkRequester() error {
	in.RequesterKind = requesterOf(in.RequesterKind)
	in.CreditCode = creditcode.Normalize(in.CreditCode)
	switch in.RequesterKind {
	case RequesterResident:
		if in.CreditCode != "" {
			return errs.Invalidf("居民诉求不填写统一社会信用代码；代表企业反映时请选择“企业”",
				"credit_code is given only for an enterprise's request (requester_kind enterprise)")
		}
		return nil
	case RequesterEnterprise:
		if in.CreditCode == "" {
			return errs.Invalidf("代表企业反映诉求须填写统一社会信用代码", "credit_code is required for an enterprise's request")
		}
		code, err := creditcode.Check(in.CreditCode)
		in.CreditCode = code
		return err
	}
	return errRequesterKind(in.RequesterKind)
}

// importRequesterOK reports whether an imported ticket's requester is
// whole: none or a resident with no credit code, or an enterprise with a
// valid one.
func importRequesterOK(t Ticket) bool {
	switch t.RequesterKind {
	case "", RequesterResident:
		return t.CreditCode == ""
	case RequesterEnterprise:
		return creditcode.Valid(t.CreditCode)
	}
	return false
}
