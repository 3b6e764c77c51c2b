// Package hello greets from the v2 module (import path example.test/acme/hello-go/v2).
package hello

// Greeting says which module answered.
func Greeting() string { return "hello-go/v2 v2.0.0" }
