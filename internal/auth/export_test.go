package auth

// DummyHash is the hash a login for an unknown username is checked against.
func DummyHash(s *Service) []byte { return s.dummyHash }

// HOTP and CheckTOTP expose the code functions to the tests of RFC 6238's vectors.
var (
	HOTP      = hotp
	CheckTOTP = checkTOTP
)
