// Package catalog declares the serverless estate as data: its services, their functions with
// the routes, tables, secrets and AI services each may use, and the tables. The components
// are built from it, so 41 functions are one loop, not 41 copies, and a bad entry is caught
// by Validate before anything is registered.
package catalog

// Catalog is the whole serverless estate.
type Catalog struct {
	Services []Service
	Tables   []Table
	// Rotation rotates the secrets every 90 days. It belongs to no service and is not one of
	// the services' functions.
	Rotation Function
}

// Service is a group of functions owned together.
type Service struct {
	Name      string
	Functions []Function
}

// Access is what a function may do to a table.
type Access string

const (
	Read  Access = "read"
	Write Access = "write" // read and write
)

// Function is one Lambda function.
type Function struct {
	Name    string
	Handler string
	Runtime string
	// MemoryMB is 128 to 10240; TimeoutSeconds 1 to 900, at most 29 behind the API.
	MemoryMB       int
	TimeoutSeconds int
	// ReservedConcurrency caps the function so one hot path cannot starve the others.
	ReservedConcurrency int
	// Routes the API sends to the function; none for workers and scheduled jobs.
	Routes []Route
	// Tables the function may use, and how.
	Tables map[string]Access
	// Secrets the function may read (names from Secrets).
	Secrets []string
	// AIServices the function may call (names from AIServices).
	AIServices []string
	// Rotates lets the function write new versions of its secrets (the rotation function).
	Rotates bool
}

// Route is one API method and path. Public routes take no authorizer.
type Route struct {
	Method string
	Path   string
	Public bool
}

// Table is one DynamoDB table.
type Table struct {
	Name     string
	HashKey  string
	RangeKey string
	// Attributes are the key attributes and their types (S, N or B).
	Attributes map[string]string
	GSIs       []GSI
	// TTLAttribute expires items; empty keeps them.
	TTLAttribute string
	Stream       bool
	// PHI tables get a replica in the DR region.
	PHI bool
}

// GSI is a global secondary index.
type GSI struct {
	Name     string
	HashKey  string
	RangeKey string
}

// Secrets are the third-party credentials the estate holds, by catalog name.
var Secrets = []string{"openai", "azure-speech", "google-vision"}

// AIServices are the AWS AI services a function may be allowed, with the actions each grants.
var AIServices = map[string][]string{
	"polly":     {"polly:SynthesizeSpeech"},
	"translate": {"translate:TranslateText"},
}

// Runtimes are the Lambda runtimes the estate deploys.
var Runtimes = []string{"nodejs20.x", "nodejs22.x", "python3.12", "python3.13", "provided.al2023"}

// Functions returns every function with its service, in catalog order.
func (c Catalog) Functions() []ServiceFunction {
	var out []ServiceFunction
	for _, s := range c.Services {
		for _, f := range s.Functions {
			out = append(out, ServiceFunction{Service: s.Name, Function: f})
		}
	}
	return out
}

// ServiceFunction is a function with the service it belongs to.
type ServiceFunction struct {
	Service string
	Function
}

// Table returns the table of that name.
func (c Catalog) Table(name string) (Table, bool) {
	for _, t := range c.Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}
