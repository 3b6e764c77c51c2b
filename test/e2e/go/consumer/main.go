// The consumer the e2e test builds: every module it imports comes from the Packyard Go proxy.
package main

import (
	"fmt"

	shout "example.test/Acme/Shout"
	hello "example.test/acme/hello-go"
	hellov2 "example.test/acme/hello-go/v2"
	"example.test/acme/legacy"
)

func main() {
	fmt.Println(hello.Greeting())
	fmt.Println(hellov2.Greeting())
	fmt.Println(shout.Loud("shout"))
	fmt.Println(legacy.Name())
}
