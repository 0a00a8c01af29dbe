package labels

import (
	"fmt"
	"strings"
)

// Style is how label names are spelled, the label_style option.
type Style string

// The label styles.
const (
	// Snake gives the names of the table, such as git_commit.
	Snake Style = "snake"
	// OCI gives the OCI image annotation names where one applies and the
	// snake names for the rest.
	OCI Style = "oci"
	// GCE gives the snake names, with names and values made to obey Google
	// Compute Engine's label rules.
	GCE Style = "gce"
)

// Styles are the valid label styles, the default first.
var Styles = []Style{Snake, OCI, GCE}

// Naming spells label names and values as a style and a prefix say.
type Naming struct {
	Style  Style  // "" means Snake
	Prefix string // put in front of every name but the OCI names
}

// Key returns the key under which the label called name is written. name is
// a name of the table or another label's snake name (such as a generated
// data label's).
func (n Naming) Key(name string) string {
	if n.Style == OCI {
		if l, ok := Lookup(name); ok && l.OCI != "" {
			return l.OCI
		}
	}
	key := n.Prefix + name
	if n.Style == GCE {
		key = GCEKey(key)
	}
	return key
}

// Value returns value as the style requires.
func (n Naming) Value(value string) string {
	if n.Style == GCE {
		return GCEValue(value)
	}
	return value
}

// Apply returns the labels of values (by label name) under their keys, with
// their values spelled as the style requires.
func (n Naming) Apply(values map[string]string) map[string]string {
	out := make(map[string]string, len(values))
	for name, v := range values {
		out[n.Key(name)] = n.Value(v)
	}
	return out
}

// gceMax is the longest label name or value Google Compute Engine accepts.
const gceMax = 63

// GCEKey makes a valid GCE label name: lowercase letters, digits, '_' and
// '-', starting with a letter, at most 63 characters.
func GCEKey(s string) string {
	k := GCEValue(s)
	if k == "" || k[0] < 'a' || k[0] > 'z' {
		k = "l" + k
		if len(k) > gceMax {
			k = k[:gceMax]
		}
	}
	return k
}

// GCEValue makes a valid GCE label value: lowercase letters, digits, '_'
// and '-', at most 63 characters. Other characters become '_', so a time
// 2024-05-01T10:00:00Z becomes 2024-05-01t10_00_00z.
func GCEValue(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= gceMax {
			break
		}
	}
	return b.String()
}

// GCEName reports whether s already is a valid GCE label name.
func GCEName(s string) bool {
	return s != "" && GCEKey(s) == s
}

// CheckKeys refuses, with the gce style, two of the labels called names
// (names of the table, or other labels' snake names such as generated data
// labels') that become one key, when one of them is a label of the table:
// GCE label names are cut to 63 characters, so a long label_prefix makes
// git_commit and git_commit_short one key, and one label would silently
// replace the other. Two names that are not of the table are left to the
// caller, which knows where they come from. Each error names both labels
// and the option to change.
func (n Naming) CheckKeys(names []string) []error {
	if n.Style != GCE {
		return nil
	}
	var errs []error
	first := map[string]string{}
	for _, name := range names {
		key := n.Key(name)
		prev, seen := first[key]
		switch {
		case !seen:
			first[key] = name
		case Known(prev) || Known(name):
			errs = append(errs, fmt.Errorf("label_style = \"gce\": the labels %q and %q both become the key %q (GCE label names are at most 63 characters); shorten label_prefix or add one of them to exclude_labels", prev, name, key))
		}
	}
	return errs
}
