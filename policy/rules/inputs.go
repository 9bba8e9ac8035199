package rules

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Get reads a dotted path ("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm").
func Get(inputs map[string]any, path string) (any, bool) {
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

// BoolTrue is the check for a security switch. An unknown switch cannot be shown to be on, so
// it fails: every switch the estate sets is a literal, known at preview.
func BoolTrue(inputs map[string]any, path string) bool {
	v, _ := Get(inputs, path)
	b, ok := v.(bool)
	return ok && b
}

// Present is the check for a reference (a key ARN, a role): unknown counts as present, since
// a reference to a resource not yet created is unknown at preview.
func Present(inputs map[string]any, path string) bool {
	v, ok := Get(inputs, path)
	if !ok {
		return false
	}
	s, isString := v.(string)
	return !isString || s != ""
}

func Number(inputs map[string]any, path string) (int64, bool) {
	v, ok := Get(inputs, path)
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

func Str(inputs map[string]any, path string) string {
	v, _ := Get(inputs, path)
	s, _ := v.(string)
	return s
}

// Dependents returns the resources of a type whose inputs refer to target.
func Dependents(all []Resource, target Resource, typ string) []Resource {
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

// List reads an array input; a missing or unknown array is empty.
func List(inputs map[string]any, path string) []any {
	v, _ := Get(inputs, path)
	a, _ := v.([]any)
	return a
}

// Strs reads an array of strings, skipping what is not a string.
func Strs(inputs map[string]any, path string) []string {
	var out []string
	for _, v := range List(inputs, path) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// ExplicitlyTrue reports a switch set to true; an unknown switch counts as true, which is the
// cautious reading for a switch that must stay off (publiclyAccessible, endpointPublicAccess).
func ExplicitlyTrue(inputs map[string]any, path string) bool {
	v, _ := Get(inputs, path)
	return v == true || IsUnknown(v)
}

// DependencyOf returns the first resource r's inputs refer to that has the type and
// satisfies ok (nil accepts any); the zero Resource if there is none.
func DependencyOf(all []Resource, r Resource, typ string, ok func(Resource) bool) Resource {
	for _, d := range r.Dependencies {
		for _, o := range all {
			if o.URN == d && o.Type == typ && (ok == nil || ok(o)) {
				return o
			}
		}
	}
	return Resource{}
}

// HasDependency reports whether r's inputs refer to a resource of the type that satisfies ok.
func HasDependency(all []Resource, r Resource, typ string, ok func(Resource) bool) bool {
	return DependencyOf(all, r, typ, ok).URN != ""
}

// HoldsPHI: a store holds PHI unless its data-classification tag says otherwise, so an
// untagged store is held to the stricter rule. tagsPath is where its profile says the type
// carries its tags (Profile.TagsPath).
func HoldsPHI(r Resource, tagsPath string) bool {
	tags, _ := Get(r.Inputs, tagsPath)
	m, _ := tags.(map[string]any)
	c, _ := m["data-classification"].(string)
	return c == "" || c == "phi"
}

// Known is a value that can be matched: empty when unknown at preview.
func Known(s string) string {
	if IsUnknown(s) {
		return ""
	}
	return s
}

// Anchor is what a finding about a whole account, project or subscription is reported on:
// the stack's first provider of that cloud (providerType), else its first resource of the
// package; false when the stack deploys nothing there.
func Anchor(all []Resource, providerType, pkg string) (Resource, bool) {
	var first Resource
	deploys := false
	for _, r := range all {
		switch {
		case r.Type == providerType && first.Type != providerType:
			first = r
		case IsCustom(r.Type) && Package(r.Type) == pkg:
			deploys = true
			if first.URN == "" {
				first = r
			}
		}
	}
	return first, deploys
}
