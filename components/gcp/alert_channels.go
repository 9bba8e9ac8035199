package gcp

import (
	"fmt"
	"net/mail"
	"net/url"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/monitoring"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
)

// AlertChannelsArgs configures where the estate's alerts go.
type AlertChannelsArgs struct {
	// Prefix names the channels.
	Prefix string
	// Email receives every alert. Required.
	Email string
	// PagerURL is the on-call pager's https webhook, token included: a secret. Required.
	PagerURL pulumi.StringInput
	Labels   map[string]string
}

// AlertChannels are the Cloud Monitoring notification channels every alert policy notifies:
// an e-mail address and the pager (164.308(a)(6) security incident procedures).
type AlertChannels struct {
	pulumi.ResourceState

	Email pulumi.StringOutput `pulumi:"email"`
	Pager pulumi.StringOutput `pulumi:"pager"`
	// Names are both channels, as alert policies take them.
	Names pulumi.StringArrayOutput `pulumi:"names"`
}

// Validate checks the Args before anything is registered.
func (a *AlertChannelsArgs) Validate() error {
	const c = "AlertChannels"
	if a.Prefix == "" {
		return kit.ArgError(c, "Prefix", `""`, "required")
	}
	if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email {
		return kit.ArgError(c, "Email", fmt.Sprintf("%q", a.Email), "must be a plain e-mail address such as oncall@example.org")
	}
	if a.PagerURL == nil {
		return kit.ArgError(c, "PagerURL", nil, "required: the on-call pager's https webhook")
	}
	// A plain value is checked now. A secret is never inspected (see NewAlertChannels): its
	// shape is the stack owner's to get right.
	if s, ok := a.PagerURL.(pulumi.String); ok {
		if err := checkPagerURL(string(s)); err != nil {
			return err
		}
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// checkPagerURL refuses a webhook that would send alerts, and the token in the URL, in clear.
// The error never repeats the URL: it is a secret.
func checkPagerURL(s string) error {
	if u, err := url.Parse(s); err != nil || u.Scheme != "https" || u.Host == "" {
		return kit.ArgError("AlertChannels", "PagerURL", "[secret]", "must be an https URL")
	}
	return nil
}

// NewAlertChannels creates the e-mail and pager channels.
func NewAlertChannels(ctx *pulumi.Context, name string, args *AlertChannelsArgs, opts ...pulumi.ResourceOption) (*AlertChannels, error) {
	a := &AlertChannels{}
	if err := kit.Register(ctx, TypeAlertChannels, name, args, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)

	email, err := monitoring.NewNotificationChannel(ctx, args.Prefix+"-email", &monitoring.NotificationChannelArgs{
		DisplayName: pulumi.Sprintf("%s on-call e-mail", args.Prefix),
		Type:        pulumi.String("email"),
		Labels:      pulumi.StringMap{"email_address": pulumi.String(args.Email)},
		Enabled:     pulumi.Bool(true),
		UserLabels:  gcpkit.Labels(args.Labels),
	}, parent)
	if err != nil {
		return nil, err
	}

	// A secret URL is not inspected: the program never reads a secret's value, so no error or
	// log can carry the pager's token. A plain one was checked above.
	pagerURL := pulumi.ToSecret(args.PagerURL).(pulumi.StringOutput)
	pager, err := monitoring.NewNotificationChannel(ctx, args.Prefix+"-pager", &monitoring.NotificationChannelArgs{
		DisplayName: pulumi.Sprintf("%s on-call pager", args.Prefix),
		// The token travels in the URL, which Google keeps as the channel's url label.
		Type:       pulumi.String("webhook_tokenauth"),
		Labels:     pulumi.StringMap{"url": pagerURL},
		Enabled:    pulumi.Bool(true),
		UserLabels: gcpkit.Labels(args.Labels),
		// The URL comes back in the labels Google returns; they stay secret in the state.
	}, parent, pulumi.AdditionalSecretOutputs([]string{"labels"}))
	if err != nil {
		return nil, err
	}

	a.Email = email.Name
	a.Pager = pager.Name
	a.Names = pulumi.StringArray{email.Name, pager.Name}.ToStringArrayOutput()
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{"email": a.Email, "pager": a.Pager, "names": a.Names})
}
