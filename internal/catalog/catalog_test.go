package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHealthHubCatalog(t *testing.T) {
	c := HealthHub()
	require.NoError(t, c.Validate())
	assert.Len(t, c.Services, 7)
	assert.Len(t, c.Functions(), 41)
	assert.Len(t, c.Tables, 7)

	public := 0
	for _, f := range c.Functions() {
		for _, r := range f.Routes {
			if r.Public {
				public++
			}
		}
	}
	assert.Equal(t, 1, public, "only sign-up is public; every other route takes the authorizer")
}

// broken returns the HealthHub catalog with one change.
func broken(change func(*Catalog)) Catalog {
	c := HealthHub()
	change(&c)
	return c
}

func fn(c *Catalog, service, name string) *Function {
	for i := range c.Services {
		if c.Services[i].Name != service {
			continue
		}
		for j := range c.Services[i].Functions {
			if c.Services[i].Functions[j].Name == name {
				return &c.Services[i].Functions[j]
			}
		}
	}
	panic("no function " + service + "/" + name)
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Catalog)
		want   string
	}{
		{"duplicate route", func(c *Catalog) { fn(c, "records", "get-record").Routes[0] = get("/users/{userId}") },
			`functions[records/get-record].routes = "GET /users/{userId}": is already routed to users/get-profile`},
		{"unknown table", func(c *Catalog) { fn(c, "imaging", "get-image").Tables = ro("image") },
			`functions[imaging/get-image].tables = "image": is not a table of the catalog`},
		{"memory out of range", func(c *Catalog) { fn(c, "assistant", "chat").MemoryMB = 64 },
			`functions[assistant/chat].memoryMB = "64": must be 128 to 10240`},
		{"API timeout past the gateway's", func(c *Catalog) { fn(c, "assistant", "chat").TimeoutSeconds = 60 },
			`functions[assistant/chat].timeoutSeconds = "60": must be 1 to 29 (the API gives up after 29 s)`},
		{"worker timeout past Lambda's", func(c *Catalog) { fn(c, "records", "export-records").TimeoutSeconds = 1200 },
			`must be 1 to 900 (Lambda's limit)`},
		{"unknown secret", func(c *Catalog) { fn(c, "assistant", "chat").Secrets = []string{"anthropic"} },
			`functions[assistant/chat].secrets = "anthropic": must be one of openai, azure-speech, google-vision`},
		{"unknown AI service", func(c *Catalog) { fn(c, "notifications", "translate-text").AIServices = []string{"comprehend"} },
			`must be one of polly, translate`},
		{"unknown runtime", func(c *Catalog) { fn(c, "users", "get-profile").Runtime = "nodejs14.x" },
			`functions[users/get-profile].runtime = "nodejs14.x": must be one of`},
		{"no concurrency cap", func(c *Catalog) { fn(c, "users", "get-profile").ReservedConcurrency = 0 },
			`reservedConcurrency = "0": must be 1 to 1000`},
		{"bad method", func(c *Catalog) { fn(c, "users", "get-profile").Routes[0].Method = "FETCH" },
			`method must be one of GET, POST, PUT, PATCH, DELETE`},
		{"bad path", func(c *Catalog) { fn(c, "users", "get-profile").Routes[0].Path = "users/:id" },
			`path must be /segments`},
		{"function name reused", func(c *Catalog) { fn(c, "records", "get-record").Name = "get-profile" },
			`is used by another function`},
		{"bad access", func(c *Catalog) { fn(c, "users", "get-profile").Tables["users"] = "admin" },
			`tables[users] = "admin": must be read or write`},
		{"hash key undeclared", func(c *Catalog) { c.Tables[0].HashKey = "id" },
			`tables[users].hashKey = "id": must be declared in attributes`},
		{"attribute not a key", func(c *Catalog) { c.Tables[2].Attributes["createdAt"] = "S" },
			`tables[records].attributes[createdAt] = "createdAt": is not a key`},
		{"attribute type", func(c *Catalog) { c.Tables[0].Attributes["userId"] = "STRING" },
			`must be S, N or B`},
		{"table twice", func(c *Catalog) { c.Tables = append(c.Tables, c.Tables[0]) },
			`tables[users] = "users": is declared twice`},
		{"empty service", func(c *Catalog) { c.Services = append(c.Services, Service{Name: "billing"}) },
			`services[billing] = "billing": has no functions`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := broken(tt.change).Validate()
			var cerr *Error
			require.ErrorAs(t, err, &cerr)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	err := broken(func(c *Catalog) {
		fn(c, "assistant", "chat").MemoryMB = 1
		fn(c, "imaging", "get-image").Tables = ro("nope")
	}).Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 problems")
}
