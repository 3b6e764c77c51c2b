// Package hello greets from the v1 module.
package hello

// Greeting says which module and version answered.
func Greeting() string { return "hello-go GREETING_VERSION" }
