package auth

// DummyHash is the hash a login for an unknown username is checked against.
func DummyHash(s *Service) []byte { return s.dummyHash }
