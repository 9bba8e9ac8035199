package catalog

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Problem is one bad catalog entry: where, what was given and what is allowed.
type Problem struct {
	Where   string
	Value   string
	Allowed string
}

// Error lists every problem of a catalog at once.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid service catalog (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s = %q: %s", p.Where, p.Value, p.Allowed)
	}
	return b.String()
}

var (
	name       = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	routePath  = regexp.MustCompile(`^(/([a-z0-9-]+|\{[a-zA-Z]+\}))+$`)
	attrName   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
	methods    = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	attrTypes  = []string{"S", "N", "B"}
	accesses   = []Access{Read, Write}
	apiTimeout = 29 // API Gateway gives up on an integration after 29 seconds
)

// Validate checks the whole catalog and reports every problem at once.
func (c Catalog) Validate() error {
	v := &validator{}
	tables := map[string]bool{}
	for i, t := range c.Tables {
		where := fmt.Sprintf("tables[%s]", t.Name)
		if !name.MatchString(t.Name) {
			v.fail(fmt.Sprintf("tables[%d].name", i), t.Name, "must be a lowercase name of letters, digits and hyphens")
		}
		if tables[t.Name] {
			v.fail(where, t.Name, "is declared twice")
		}
		tables[t.Name] = true
		v.table(where, t)
	}

	functions := map[string]bool{}
	routes := map[string]string{}
	for _, s := range c.Services {
		if !name.MatchString(s.Name) {
			v.fail("services", s.Name, "must be a lowercase name of letters, digits and hyphens")
		}
		if len(s.Functions) == 0 {
			v.fail("services["+s.Name+"]", s.Name, "has no functions")
		}
		for _, f := range s.Functions {
			where := fmt.Sprintf("functions[%s/%s]", s.Name, f.Name)
			if !name.MatchString(f.Name) {
				v.fail(where+".name", f.Name, "must be a lowercase name of letters, digits and hyphens")
			}
			if functions[f.Name] {
				v.fail(where+".name", f.Name, "is used by another function; function names are unique across services")
			}
			functions[f.Name] = true
			v.function(where, f, tables)
			for _, r := range f.Routes {
				key := r.Method + " " + r.Path
				if other, ok := routes[key]; ok {
					v.fail(where+".routes", key, "is already routed to %s", other)
				}
				routes[key] = s.Name + "/" + f.Name
			}
		}
	}
	if c.Rotation.Name != "" {
		v.function("rotation", c.Rotation, tables)
		if !c.Rotation.Rotates {
			v.fail("rotation.rotates", "false", "must be true: the rotation function writes new secret versions")
		}
	}
	if len(v.problems) > 0 {
		return &Error{Problems: v.problems}
	}
	return nil
}

type validator struct{ problems []Problem }

func (v *validator) fail(where, value, allowed string, args ...any) {
	v.problems = append(v.problems, Problem{Where: where, Value: value, Allowed: fmt.Sprintf(allowed, args...)})
}

func (v *validator) table(where string, t Table) {
	used := map[string]bool{}
	key := func(field, attr string, required bool) {
		switch {
		case attr == "" && required:
			v.fail(where+"."+field, attr, "required")
		case attr == "":
		case t.Attributes[attr] == "":
			v.fail(where+"."+field, attr, "must be declared in attributes (%s)", strings.Join(slices.Sorted(maps.Keys(t.Attributes)), ", "))
		default:
			used[attr] = true
		}
	}
	key("hashKey", t.HashKey, true)
	key("rangeKey", t.RangeKey, false)
	for _, g := range t.GSIs {
		key("gsis["+g.Name+"].hashKey", g.HashKey, true)
		key("gsis["+g.Name+"].rangeKey", g.RangeKey, false)
	}
	for _, attr := range slices.Sorted(maps.Keys(t.Attributes)) {
		switch {
		case !attrName.MatchString(attr):
			v.fail(where+".attributes", attr, "must be an identifier")
		case !slices.Contains(attrTypes, t.Attributes[attr]):
			v.fail(where+".attributes["+attr+"]", t.Attributes[attr], "must be S, N or B")
		case !used[attr]:
			v.fail(where+".attributes["+attr+"]", attr, "is not a key of the table or an index; DynamoDB declares key attributes only")
		}
	}
}

func (v *validator) function(where string, f Function, tables map[string]bool) {
	if f.Handler == "" {
		v.fail(where+".handler", f.Handler, "required")
	}
	if !slices.Contains(Runtimes, f.Runtime) {
		v.fail(where+".runtime", f.Runtime, "must be one of %s", strings.Join(Runtimes, ", "))
	}
	if f.MemoryMB < 128 || f.MemoryMB > 10240 {
		v.fail(where+".memoryMB", fmt.Sprint(f.MemoryMB), "must be 128 to 10240")
	}
	maxTimeout := 900
	if len(f.Routes) > 0 {
		maxTimeout = apiTimeout
	}
	if f.TimeoutSeconds < 1 || f.TimeoutSeconds > maxTimeout {
		v.fail(where+".timeoutSeconds", fmt.Sprint(f.TimeoutSeconds), "must be 1 to %d (%s)", maxTimeout,
			map[bool]string{true: "the API gives up after 29 s", false: "Lambda's limit"}[maxTimeout == apiTimeout])
	}
	if f.ReservedConcurrency < 1 || f.ReservedConcurrency > 1000 {
		v.fail(where+".reservedConcurrency", fmt.Sprint(f.ReservedConcurrency), "must be 1 to 1000")
	}
	for _, r := range f.Routes {
		if !slices.Contains(methods, r.Method) {
			v.fail(where+".routes", r.Method+" "+r.Path, "method must be one of %s", strings.Join(methods, ", "))
		}
		if !routePath.MatchString(r.Path) {
			v.fail(where+".routes", r.Method+" "+r.Path, "path must be /segments of lowercase words or {params}")
		}
	}
	for _, t := range slices.Sorted(maps.Keys(f.Tables)) {
		if !tables[t] {
			v.fail(where+".tables", t, "is not a table of the catalog")
		}
		if !slices.Contains(accesses, f.Tables[t]) {
			v.fail(where+".tables["+t+"]", string(f.Tables[t]), "must be read or write")
		}
	}
	for _, s := range f.Secrets {
		if !slices.Contains(Secrets, s) {
			v.fail(where+".secrets", s, "must be one of %s", strings.Join(Secrets, ", "))
		}
	}
	for _, a := range f.AIServices {
		if _, ok := AIServices[a]; !ok {
			v.fail(where+".aiServices", a, "must be one of %s", strings.Join(slices.Sorted(maps.Keys(AIServices)), ", "))
		}
	}
}
