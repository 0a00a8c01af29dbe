// Command mkdocs writes the labels reference of the docs, generated from the
// label table, to the file named by its argument. `make generate` runs it
// through the go:generate line of package labels.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkdocs FILE")
		os.Exit(2)
	}
	out := os.Args[1]
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(out, []byte(labels.Reference()), 0o644); err != nil { //nolint:gosec // docs are world-readable
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
