package gcp

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const typeChannel = "gcp:monitoring/notificationChannel:NotificationChannel"

func testChannelsArgs(mutate func(*AlertChannelsArgs)) *AlertChannelsArgs {
	a := &AlertChannelsArgs{
		Prefix: "hh-prod", Email: "oncall@example.org",
		PagerURL: pulumi.ToSecret(pulumi.String("https://pager.example.org/hook?auth_token=t0ken")).(pulumi.StringOutput),
		Labels:   kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestAlertChannelsDefaults(t *testing.T) {
	var ch *AlertChannels
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		var err error
		ch, err = NewAlertChannels(ctx, "alerts", testChannelsArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeChannel, Name: "hh-prod-email", Path: "type", Want: "email"},
		{Type: typeChannel, Name: "hh-prod-email", Path: "labels.email_address", Want: "oncall@example.org"},
		{Type: typeChannel, Name: "hh-prod-email", Path: "enabled", Want: true},
		{Type: typeChannel, Name: "hh-prod-email", Path: "userLabels.data-classification", Want: "phi"},
		{Type: typeChannel, Name: "hh-prod-pager", Path: "type", Want: "webhook_tokenauth"},
		{Type: typeChannel, Name: "hh-prod-pager", Path: "labels.url", Want: "[secret]"},
		{Type: typeChannel, Name: "hh-prod-pager", Path: "enabled", Want: true},
		{Type: typeChannel, Name: "hh-prod-pager", Path: "userLabels.owner", Want: "platform"},
	})
	for _, r := range m.ByType(typeChannel) {
		assert.Equal(t, gcpkittest.PrimaryRegion, m.Region(r.Provider), r.Name)
	}

	names := make(chan []string, 1)
	ch.Names.ApplyT(func(n []string) []string { names <- n; return n })
	got := <-names
	require.Len(t, got, 2)
	for _, n := range got {
		assert.True(t, strings.HasPrefix(n, "projects/healthhub-test/notificationChannels/"), "alert policies take channel names: %s", n)
	}
	assert.Empty(t, gcpkittest.Violations(m, "production"), "the channels pass the whole policy pack")
}

// A secret pager URL is passed through unread and stays secret: the program never inspects a
// secret's value, so no error or log can carry the token (a plain URL is checked up front).
func TestAlertChannelsSecretPagerURLStaysSecret(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewAlertChannels(ctx, "alerts", testChannelsArgs(func(a *AlertChannelsArgs) {
			a.PagerURL = pulumi.ToSecret(pulumi.String("[secret]")).(pulumi.StringOutput)
		}), pulumi.Provider(p.Primary))
		return err
	})
	for _, r := range m.ByType("gcp:monitoring/notificationChannel:NotificationChannel") {
		if r.Inputs["type"].StringValue() == "webhook_tokenauth" {
			assert.True(t, r.Inputs["labels"].ObjectValue()["url"].IsSecret(), "the pager URL is a secret")
		}
	}
}

func TestAlertChannelsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*AlertChannelsArgs)
		want   string
	}{
		{"no prefix", func(a *AlertChannelsArgs) { a.Prefix = "" }, `AlertChannels: Prefix = "": required`},
		{"no email", func(a *AlertChannelsArgs) { a.Email = "" }, `AlertChannels: Email = ""`},
		{"named email", func(a *AlertChannelsArgs) { a.Email = "On call <oncall@example.org>" }, `AlertChannels: Email = "On call <oncall@example.org>": must be a plain e-mail address`},
		{"no pager", func(a *AlertChannelsArgs) { a.PagerURL = nil }, "AlertChannels: PagerURL = <nil>: required"},
		{"plain http pager", func(a *AlertChannelsArgs) { a.PagerURL = pulumi.String("http://pager.example.org/hook") }, "AlertChannels: PagerURL = [secret]: must be an https URL"},
		{"no labels", func(a *AlertChannelsArgs) { a.Labels = nil }, "AlertChannels: Labels = map[]: must include \"environment\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewAlertChannels(ctx, "alerts", testChannelsArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
