// Package labeltest checks the labels a component made against what a test
// wants, deriving the rest from the label table: a label added to the table
// changes only the tests that are about it, and no test pins the whole set
// of labels by hand.
package labeltest

import (
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

// Check checks that got holds every label of want with its value, and
// besides them only default labels of the table, whose facts the test does
// not speak of: never an opt-in label, never a label the table does not
// have.
func Check(t testing.TB, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("label %s = %q, want %q\n got %v\nwant %v", k, got[k], v, got, want)
		}
	}
	for k := range got {
		if _, wanted := want[k]; wanted {
			continue
		}
		if l, ok := labels.Lookup(k); !ok || l.OptIn {
			t.Errorf("label %s = %q is none the test wants, nor a default label of the table", k, got[k])
		}
	}
}
