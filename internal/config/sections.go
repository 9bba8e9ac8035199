package config

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/healthhub/estate/internal/netrange"
)

// decodeSection lays a section's JSON over its typed default, so a stack overrides only the
// fields it names (nested objects included) and a misspelt field is an error, not a silent
// default.
func decodeSection[T any](def T, raw string) (T, error) {
	v := def
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return def, err
	}
	return v, nil
}

// sectionSet reports whether a section says anything beyond its default. Pulumi hands every
// stack the defaults Pulumi.yaml declares, so a section only counts as written when it differs
// from them.
func sectionSet(name, raw string) bool {
	if raw == "" {
		return false
	}
	switch name {
	case CloudAWS:
		return differs(DefaultAWS, raw)
	case CloudGCP:
		return differs(DefaultGCP, raw)
	case CloudAzure:
		return differs(DefaultAzure, raw)
	}
	return true
}

func differs[T any](def T, raw string) bool {
	v, err := decodeSection(def, raw)
	return err != nil || !reflect.DeepEqual(v, def)
}

// mustJSON renders a typed default as the raw text Pulumi would hand the program.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// fieldNames lists a section's JSON field names, for the message of an unreadable section.
func fieldNames(v any) string {
	t := reflect.TypeOf(v)
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// otherClouds reports every key written for a cloud other than the selected one: a section
// left in by mistake, or a secret the selected cloud never reads, would otherwise be ignored
// without a word.
func otherClouds(c *checker, cloud string, raw map[string]string) {
	if cloud == "" {
		return // the cloud itself is already reported
	}
	for _, k := range Keys {
		if len(k.Clouds) == 0 || slices.Contains(k.Clouds, cloud) {
			continue
		}
		readBy := strings.Join(k.Clouds, " or ")
		switch {
		case k.Secret && raw[k.Name] != "":
			c.fail(k.Name, SecretPlaceholder, "set for cloud %s; %s is only read when healthhub:cloud is %s: remove it with `pulumi config rm %s:%s`", cloud, k.Name, readBy, Namespace, k.Name)
		case !k.Secret && sectionSet(k.Name, raw[k.Name]):
			c.fail(k.Name, raw[k.Name], "set for cloud %s; the %s section is only read when healthhub:cloud is %s", cloud, k.Name, readBy)
		}
	}
}

// networkPair checks a primary and a DR range: each private, and apart, so the regions can be
// peered.
func networkPair(c *checker, key, v, drKey, drV string) {
	primary := privateCIDR(c, key, v)
	dr := privateCIDR(c, drKey, drV)
	if primary != nil && dr != nil && netrange.Overlap(primary, dr) {
		c.fail(drKey, drV, "must not overlap %s (%s), so the regions can be peered", key, v)
	}
}
