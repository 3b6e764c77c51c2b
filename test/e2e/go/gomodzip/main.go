// gomodzip builds a module zip as `go mod download` stores it: gomodzip <module path> <version> <dir> <out.zip>.
// Built offline in GOPATH mode against Debian's golang.org/x/mod (apt golang-golang-x-mod-dev).
package main

import (
	"fmt"
	"os"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: gomodzip <module path> <version> <dir> <out.zip>")
		os.Exit(2)
	}
	out, err := os.Create(os.Args[4])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := zip.CreateFromDir(out, module.Version{Path: os.Args[1], Version: os.Args[2]}, os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := out.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
