package naming

import "regexp"

// CountryCode is an ISO 3166 alpha-2 code in upper case, as every cloud's web firewall names
// the countries it lets in (healthhub:allowedCountries).
var CountryCode = regexp.MustCompile(`^[A-Z]{2}$`)
