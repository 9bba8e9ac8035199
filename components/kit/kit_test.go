package kit_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/components/kit/kittest"
)

const widgetType = "healthhub:test:Widget"

type widget struct{ pulumi.ResourceState }

type widgetArgs struct {
	Size  int
	valid bool // set by Validate: Register must call it before registering
}

func (a *widgetArgs) Validate() error {
	if a.Size < 1 {
		return kit.ArgError("Widget", "Size", a.Size, "must be at least %d", 1)
	}
	a.valid = true
	return nil
}

func TestArgErrorNamesComponentArgumentValueAndRule(t *testing.T) {
	err := kit.ArgError("Cache", "Nodes", 9, "must be %d to %d", 1, 6)
	assert.EqualError(t, err, "Cache: Nodes = 9: must be 1 to 6")
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name    string
		args    *widgetArgs
		wantErr string
	}{
		{"valid", &widgetArgs{Size: 2}, ""},
		{"invalid", &widgetArgs{Size: 0}, "Widget: Size = 0: must be at least 1"},
		{"nil", nil, "Widget: args = <nil>: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := kittest.Run(t, func(ctx *pulumi.Context) error {
				return kit.Register(ctx, widgetType, "w", tt.args, &widget{})
			})
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				kittest.AssertNothingRegistered(t, m)
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.args.valid, "validated before registering")
			assert.Len(t, m.ByType(widgetType), 1)
		})
	}
}

func TestComponent(t *testing.T) {
	assert.Equal(t, "Table", kit.Component("healthhub:aws:Table"))
	assert.Equal(t, "Widget", kit.Component(widgetType))
}

func TestStateful(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
			w := &widget{}
			if err := kit.Register(ctx, widgetType, "w", &widgetArgs{Size: 1}, w); err != nil {
				return err
			}
			inner := &widget{}
			return ctx.RegisterComponentResource("healthhub:test:Inner", "inner", inner, kit.Stateful(w, protect)...)
		})
		r, ok := m.Find("healthhub:test:Inner", "inner")
		require.True(t, ok)
		assert.Equal(t, protect, r.Protect, "protect")
		assert.Equal(t, protect, r.RetainOnDelete, "retainOnDelete")
		parent, _ := m.Find(widgetType, "w")
		assert.Equal(t, parent.URN, r.Parent, "parented to the component")
	}
}

func TestTagsCopiesTheBaseSet(t *testing.T) {
	base := map[string]string{"environment": "dev", "owner": "platform"}
	got := kit.Tags(base)
	assert.Equal(t, pulumi.StringMap{"environment": pulumi.String("dev"), "owner": pulumi.String("platform")}, got)
	got["extra"] = pulumi.String("x")
	assert.NotContains(t, base, "extra", "a component's additions stay its own")
}

func TestRequireTags(t *testing.T) {
	tests := []struct {
		name string
		tags map[string]string
		want string
	}{
		{"complete", kittest.Tags, ""},
		{"none", nil, `Widget: Tags = map[]: must include "environment"`},
		{"no classification", map[string]string{"environment": "dev", "owner": "o"}, `must include "data-classification"`},
		{"empty owner", map[string]string{"environment": "dev", "data-classification": "phi", "owner": ""}, `must include "owner"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := kit.RequireTags("Widget", tt.tags)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestRetentionFloor(t *testing.T) {
	tests := []struct {
		days int
		ok   bool
	}{
		{kit.MinRetentionDays, true},
		{2557, true},
		{kit.MinRetentionDays - 1, false},
		{0, false},
	}
	for _, tt := range tests {
		err := kit.CheckRetention("Widget", "RetentionDays", tt.days)
		if tt.ok {
			assert.NoError(t, err, tt.days)
			continue
		}
		assert.EqualError(t, err, kit.RetentionError("Widget", "RetentionDays", tt.days).Error())
		assert.ErrorContains(t, err, "must be at least 2190 (HIPAA six years)")
	}
}

func TestIsPrivateCIDR(t *testing.T) {
	tests := []struct {
		cidr string
		want bool
	}{
		{"10.20.0.0/18", true},
		{"172.16.0.0/12", true},
		{"172.31.255.0/24", true},
		{"192.168.1.0/24", true},
		{"10.0.0.0/7", false}, // wider than the private range that holds its address
		{"172.32.0.0/16", false},
		{"203.0.113.0/24", false},
		{"0.0.0.0/0", false},
		{"fd00::/8", false}, // IPv6 is not what the estate's networks use
		{"10.20.0.0", false},
		{"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, kit.IsPrivateCIDR(tt.cidr), tt.cidr)
	}
}

func TestClientCidrs(t *testing.T) {
	tests := []struct {
		name  string
		cidrs []string
		want  string
	}{
		{"private", []string{"10.20.0.0/18", "10.20.64.0/18"}, ""},
		{"none", nil, "Cache: ClientCidrBlocks = []: required"},
		{"one public", []string{"10.20.0.0/18", "203.0.113.0/24"}, "Cache: ClientCidrBlocks = 203.0.113.0/24: must be private"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := kit.ClientCidrs("Cache", "ClientCidrBlocks", tt.cidrs)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestCIDRsOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"10.50.0.0/16", "10.51.0.0/16", false},
		{"10.50.0.0/16", "10.50.128.0/20", true}, // inside
		{"10.50.128.0/20", "10.50.0.0/16", true}, // around
		{"10.60.0.0/14", "10.64.0.0/20", false},  // adjacent
		{"10.60.0.0/14", "10.63.255.0/24", true},
		{"10.50.0.0/16", "10.50.0.0/16", true},
		{"10.50.0.0", "10.50.0.0/16", false}, // malformed
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, kit.CIDRsOverlap(tt.a, tt.b), "%s %s", tt.a, tt.b)
	}
}
