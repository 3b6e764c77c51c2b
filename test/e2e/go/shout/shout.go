// Package shout lives at a module path with upper-case letters (proxy URLs write them as !a).
package shout

import "strings"

// Loud upper-cases its argument.
func Loud(s string) string { return strings.ToUpper(s) + "!" }
