package gitinfo

import "sort"

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// versionCmp compares like git's version sort (glibc strverscmp): digit
// runs compare numerically; runs with leading zeros are fractional and sort
// before plain numbers.
func versionCmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			if c := numRunCmp(a[si:i], b[sj:j]); c != 0 {
				return c
			}
			continue
		}
		if a[i] != b[j] {
			if a[i] < b[j] {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	switch {
	case len(a)-i < len(b)-j:
		return -1
	case len(a)-i > len(b)-j:
		return 1
	}
	return 0
}

func numRunCmp(x, y string) int {
	fx, fy := len(x) > 1 && x[0] == '0', len(y) > 1 && y[0] == '0'
	switch {
	case fx && !fy:
		return -1
	case !fx && fy:
		return 1
	case fx && fy:
		// fractional parts compare as strings
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	if len(x) != len(y) {
		if len(x) < len(y) {
			return -1
		}
		return 1
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// sortVersionsDesc sorts names newest version first (like
// `git tag --sort=-v:refname`).
func sortVersionsDesc(names []string) {
	sort.SliceStable(names, func(i, j int) bool { return versionCmp(names[i], names[j]) > 0 })
}
