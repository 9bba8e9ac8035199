package rules

import (
	"slices"
	"strings"
)

// Section is a HIPAA regulation section a rule serves, written as the CFR cites it
// ("164.312(a)(2)(iv)"), so a compliance matrix can be built from the rules themselves.
type Section string

// The sections the rules cite. The technical safeguards (45 CFR 164.312) and the contingency
// plan standard (164.308(a)(7)) are the columns of the compliance matrix; the others are
// implementation specifications or standards that a rule serves as well.
const (
	AccessControl        Section = "164.312(a)(1)"
	UniqueUserID         Section = "164.312(a)(2)(i)"
	Encryption           Section = "164.312(a)(2)(iv)"
	AuditControls        Section = "164.312(b)"
	Integrity            Section = "164.312(c)(1)"
	Authentication       Section = "164.312(d)"
	TransmissionSecurity Section = "164.312(e)(1)"

	ContingencyPlan      Section = "164.308(a)(7)"
	DataBackupPlan       Section = "164.308(a)(7)(ii)(A)"
	DisasterRecoveryPlan Section = "164.308(a)(7)(ii)(B)"

	RiskAnalysis           Section = "164.308(a)(1)(ii)(A)"
	RiskManagement         Section = "164.308(a)(1)(ii)(B)"
	InformationAccess      Section = "164.308(a)(4)"
	PasswordManagement     Section = "164.308(a)(5)(ii)(D)"
	IncidentResponse       Section = "164.308(a)(6)(ii)"
	DocumentationRetention Section = "164.316(b)(2)(i)"
)

var sectionTitles = map[Section]string{
	AccessControl:          "access control",
	UniqueUserID:           "unique user identification",
	Encryption:             "encryption and decryption",
	AuditControls:          "audit controls",
	Integrity:              "integrity",
	Authentication:         "person or entity authentication",
	TransmissionSecurity:   "transmission security",
	ContingencyPlan:        "contingency plan",
	DataBackupPlan:         "data backup plan",
	DisasterRecoveryPlan:   "disaster recovery plan",
	RiskAnalysis:           "risk analysis",
	RiskManagement:         "risk management",
	InformationAccess:      "information access management",
	PasswordManagement:     "password management",
	IncidentResponse:       "security incident procedures: response and reporting",
	DocumentationRetention: "retention of documentation",
}

// Safeguards are the columns of the compliance matrix, in the regulation's order.
var Safeguards = []Section{
	AccessControl, Encryption, AuditControls, Integrity, Authentication, TransmissionSecurity, ContingencyPlan,
}

// Sections lists every section a rule may cite.
func Sections() []Section {
	out := make([]Section, 0, len(sectionTitles))
	for s := range sectionTitles {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Title is the section's heading in the regulation; empty for a section the rules do not know.
func (s Section) Title() string { return sectionTitles[s] }

// Safeguard is the matrix column a section counts under: itself for a column, the standard an
// implementation specification belongs to (164.308(a)(7)(ii)(B) under 164.308(a)(7)), and
// empty for a section outside the matrix. Encryption is its own column although the
// regulation files it under access control, because auditors ask for it by name.
func (s Section) Safeguard() Section {
	if slices.Contains(Safeguards, s) {
		return s
	}
	switch {
	case s == UniqueUserID:
		return AccessControl
	case strings.HasPrefix(string(s), string(ContingencyPlan)):
		return ContingencyPlan
	}
	return ""
}

// Cite is how a description names the sections: "HIPAA 164.312(b) audit controls, ...".
func Cite(sections []Section) string {
	parts := make([]string, len(sections))
	for i, s := range sections {
		parts[i] = string(s) + " " + s.Title()
	}
	return "HIPAA " + strings.Join(parts, ", ")
}
