package gcp

import "github.com/healthhub/estate/policy/rules"

// TypeTopic is a Pub/Sub topic: alerts and events, which can carry record identifiers.
const TypeTopic = "gcp:pubsub/topic:Topic"

var pubsubEncrypted = rules.Rule{
	Name:        "gcp-pubsub-topic-encrypted-cmek",
	Cloud:       rules.CloudGCP,
	Description: "Pub/Sub topics encrypt messages with a customer-managed Cloud KMS key (kmsKeyName).",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeTopic},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if !rules.Present(r.Inputs, "kmsKeyName") {
			return []string{"kmsKeyName is not set: messages would use a Google-managed key"}
		}
		return nil
	},
}
