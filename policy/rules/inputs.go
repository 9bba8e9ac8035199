package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// get reads a dotted path ("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm").
func get(inputs map[string]any, path string) (any, bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return nil, false
	}
	var cur any = inputs
	for _, seg := range p {
		switch k := seg.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			a, ok := cur.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			cur = a[k]
		}
	}
	return cur, cur != nil
}

// IsUnknown reports a value that preview cannot know yet.
func IsUnknown(v any) bool { return v == Unknown }

// boolTrue is the check for a security switch. An unknown switch cannot be shown to be on, so
// it fails: every switch the estate sets is a literal, known at preview.
func boolTrue(inputs map[string]any, path string) bool {
	v, _ := get(inputs, path)
	b, ok := v.(bool)
	return ok && b
}

// present is the check for a reference (a key ARN, a role): unknown counts as present, since
// a reference to a resource not yet created is unknown at preview.
func present(inputs map[string]any, path string) bool {
	v, ok := get(inputs, path)
	if !ok {
		return false
	}
	s, isString := v.(string)
	return !isString || s != ""
}

func number(inputs map[string]any, path string) (int64, bool) {
	v, ok := get(inputs, path)
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}

func str(inputs map[string]any, path string) string {
	v, _ := get(inputs, path)
	s, _ := v.(string)
	return s
}

// policyStatements parses an IAM policy document input. known is false when the document is
// a preview unknown.
func policyStatements(inputs map[string]any, path string) (statements []map[string]any, known bool, err error) {
	v, ok := get(inputs, path)
	if !ok {
		return nil, true, nil
	}
	if IsUnknown(v) {
		return nil, false, nil
	}
	var doc struct {
		Statement json.RawMessage
	}
	s, isString := v.(string)
	if !isString {
		return nil, true, fmt.Errorf("policy is not a JSON string")
	}
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return nil, true, err
	}
	if len(doc.Statement) > 0 && strings.HasPrefix(strings.TrimSpace(string(doc.Statement)), "{") {
		var one map[string]any
		err := json.Unmarshal(doc.Statement, &one)
		return []map[string]any{one}, true, err
	}
	err = json.Unmarshal(doc.Statement, &statements)
	return statements, true, err
}

// dependents returns the resources of a type whose inputs refer to target.
func dependents(all []Resource, target Resource, typ string) []Resource {
	var out []Resource
	for _, r := range all {
		if r.Type != typ {
			continue
		}
		for _, d := range r.Dependencies {
			if d == target.URN {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// list reads an array input; a missing or unknown array is empty.
func list(inputs map[string]any, path string) []any {
	v, _ := get(inputs, path)
	a, _ := v.([]any)
	return a
}

// strs reads an array of strings, skipping what is not a string.
func strs(inputs map[string]any, path string) []string {
	var out []string
	for _, v := range list(inputs, path) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// explicitlyTrue reports a switch set to true; an unknown switch counts as true, which is the
// cautious reading for a switch that must stay off (publiclyAccessible, endpointPublicAccess).
func explicitlyTrue(inputs map[string]any, path string) bool {
	v, _ := get(inputs, path)
	return v == true || IsUnknown(v)
}

// customerKey is a key reference that names a customer-managed key: set (or unknown until
// deployment) and not an AWS-managed alias.
func customerKey(inputs map[string]any, path string) (ok bool, why string) {
	if !present(inputs, path) {
		return false, path + " is not set"
	}
	if s := str(inputs, path); strings.HasPrefix(s, "alias/aws/") {
		return false, fmt.Sprintf("%s is the AWS-managed key %s; use a customer-managed key", path, s)
	}
	return true, ""
}

// dependencyOf returns the first resource r's inputs refer to that has the type and
// satisfies ok (nil accepts any); the zero Resource if there is none.
func dependencyOf(all []Resource, r Resource, typ string, ok func(Resource) bool) Resource {
	for _, d := range r.Dependencies {
		for _, o := range all {
			if o.URN == d && o.Type == typ && (ok == nil || ok(o)) {
				return o
			}
		}
	}
	return Resource{}
}

// hasDependency reports whether r's inputs refer to a resource of the type that satisfies ok.
func hasDependency(all []Resource, r Resource, typ string, ok func(Resource) bool) bool {
	return dependencyOf(all, r, typ, ok).URN != ""
}
