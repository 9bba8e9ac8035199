package aws

import "github.com/healthhub/estate/policy/rules"

// accessLogFormat is the second half of the access-log control: a stage with a destination
// but an empty format writes no log lines. The format is a literal the estate writes, so an
// unknown one fails. REST and HTTP API stages both name it accessLogSettings.format.
func accessLogFormat(r rules.Resource) []string {
	v, _ := rules.Get(r.Inputs, "accessLogSettings.format")
	if s, _ := v.(string); s == "" || rules.IsUnknown(v) {
		return []string{"accessLogSettings.format is empty or unknown at preview: the stage would write no access log lines"}
	}
	return nil
}
