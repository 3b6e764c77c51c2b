// Package legacy has no go.mod: its v2 tags are published as +incompatible versions.
package legacy

// Name says which version answered.
func Name() string { return "legacy v2.0.0+incompatible" }
