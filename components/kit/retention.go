package kit

// MinRetentionDays is the HIPAA six-year floor (45 CFR 164.316(b)(2)(i)).
const MinRetentionDays = 2190

// RetentionError is the error for a retention period under the HIPAA floor.
func RetentionError(component, arg string, days int) error {
	return ArgError(component, arg, days, "must be at least %d (HIPAA six years)", MinRetentionDays)
}

// CheckRetention fails when days is under the HIPAA floor.
func CheckRetention(component, arg string, days int) error {
	if days < MinRetentionDays {
		return RetentionError(component, arg, days)
	}
	return nil
}
