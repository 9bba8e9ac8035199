package aws

func guardCases() []ruleCase {
	return []ruleCase{}
}
