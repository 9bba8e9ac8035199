// Package aws holds the typed AWS components of the estate. Each one applies the HIPAA-safe
// setting by default; an Args field can only make a component stricter, or pick between
// settings that are both safe (a single NAT gateway in dev, for instance).
//
// Components take their region from the provider passed to them (pulumi.Provider or
// pulumi.Providers); children inherit it through pulumi.Parent. Nothing reads an ambient region.
package aws
