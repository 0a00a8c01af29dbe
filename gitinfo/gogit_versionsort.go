package gitinfo

import (
	"cmp"
	"slices"
	"strings"
)

// versionCmp compares tag names as git's version sort does for tags
// without versionsort.suffix: runs of digits compare as numbers.
func versionCmp(a, b string) int {
	for a != "" && b != "" {
		i, j := len(a)-len(strings.TrimLeft(a, "0123456789")), len(b)-len(strings.TrimLeft(b, "0123456789"))
		if i == 0 || j == 0 {
			if a[0] != b[0] {
				return cmp.Compare(a[0], b[0])
			}
			a, b = a[1:], b[1:]
			continue
		}
		x, y := strings.TrimLeft(a[:i], "0"), strings.TrimLeft(b[:j], "0")
		if c := cmp.Or(cmp.Compare(len(x), len(y)), strings.Compare(x, y)); c != 0 {
			return c
		}
		a, b = a[i:], b[j:]
	}
	return cmp.Compare(len(a), len(b))
}

// sortVersionsDesc sorts names newest version first, as
// `git tag --sort=-v:refname` does.
func sortVersionsDesc(names []string) {
	slices.SortStableFunc(names, func(a, b string) int { return versionCmp(b, a) })
}
