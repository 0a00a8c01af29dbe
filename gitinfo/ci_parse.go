package gitinfo

import "strings"

// Parsers for the values CI variables hold: refs, pull-request numbers and
// the "false" some CIs write for "none".

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// refName splits a full ref into a branch or a tag name. Anything else (for
// example refs/pull/1/merge) yields neither.
func refName(ref string) (branch, tag string) {
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		return strings.TrimPrefix(ref, "refs/heads/"), ""
	case strings.HasPrefix(ref, "refs/tags/"):
		return "", strings.TrimPrefix(ref, "refs/tags/")
	case strings.HasPrefix(ref, "refs/"):
		return "", ""
	}
	return ref, ""
}

// pullNumber extracts N from refs/pull/N/..., pull/N, or a URL ending in /N.
func pullNumber(s string) string {
	s = strings.TrimSuffix(s, "/")
	for _, p := range []string{"refs/pull/", "pull/", "refs/merge-requests/", "merge-requests/"} {
		if i := strings.Index(s, p); i >= 0 {
			rest := s[i+len(p):]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				rest = rest[:j]
			}
			if isDigits(rest) {
				return rest
			}
		}
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 && isDigits(s[i+1:]) {
		return s[i+1:]
	}
	return ""
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func notFalse(s string) string {
	if s == "false" || s == "0" {
		return ""
	}
	return s
}
