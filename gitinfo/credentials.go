package gitinfo

import (
	"net/url"
	"regexp"
	"strings"
)

// credentialParam reports whether a query parameter name looks like it
// carries a secret.
func credentialParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "secret", "password", "passwd", "pwd", "key", "sig", "auth", "credential", "session", "code", "jwt", "bearer"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return n == "pass" || n == "p" || n == "pw"
}

// userinfoRE matches something that looks like user:secret@ or token@
// inside a string that is not a parseable URL.
var userinfoRE = regexp.MustCompile(`[^\s/@]*:[^\s/]*@|[^\s/@:]+@`)

// scpRE matches scp-style git addresses: [user@]host:path.
var scpRE = regexp.MustCompile(`^(?:([^@/:\s]+)@)?([A-Za-z0-9][A-Za-z0-9.\-]*|\[[0-9A-Fa-f:.]+\]):([^/].*|/.*)?$`)

// StripCredentials removes user info and credential-looking query parameters
// from a URL; scp-style git@host:x is kept; a string it cannot parse is
// returned with anything that looks like user:secret@ removed.
//
// The URL is edited in place rather than re-serialised, so the result keeps
// its spelling and StripCredentials(StripCredentials(s)) ==
// StripCredentials(s).
func StripCredentials(rawURL string) string {
	// Each pass only removes text, so repeating it until nothing changes
	// ends, and makes the result stable: what one pass leaves (a scrubbed
	// string that now reads as a URL, say) is cleaned by the next.
	s := stripOnce(rawURL)
	for {
		next := stripOnce(s)
		if next == s {
			return s
		}
		s = next
	}
}

// stripOnce is one pass of StripCredentials.
func stripOnce(rawURL string) string {
	s := strings.TrimSpace(rawURL)
	if s == "" {
		return ""
	}
	i := strings.Index(s, "://")
	if i < 0 {
		// user:secret@host:path: a password before the host is dropped;
		// a bare user name (git@host:path) is not a secret and stays.
		if at := strings.IndexByte(s, '@'); at >= 0 && strings.Contains(s[:at], ":") && !strings.ContainsAny(s[:at], "/ ") {
			s = s[at+1:]
		}
		if scpRE.MatchString(s) && !strings.ContainsAny(s, "?# ") {
			// scp-style: a bare user name (git@) is not a secret.
			return s
		}
		return scrubUnparsed(s)
	}
	scheme, rest := s[:i], s[i+3:]
	if strings.ContainsAny(scheme, " /@?#") {
		return scrubUnparsed(s)
	}
	// User info ends at the last '@' before the path, even when the
	// password holds a '?' or '#' that would otherwise end the authority.
	head := rest
	if slash := strings.IndexByte(rest, '/'); slash >= 0 {
		head = rest[:slash]
	}
	if at := strings.LastIndexByte(head, '@'); at >= 0 {
		rest = rest[at+1:]
	} else if looksLikeUserinfo(head) {
		// user:pa/ss@host: a password may hold an unencoded '/', so the
		// user info runs to the last '@' before any query or fragment.
		if at := strings.IndexByte(rest, '@'); at >= 0 {
			end := len(rest)
			if q := strings.IndexAny(rest[at:], "?#"); q >= 0 {
				end = at + q
			}
			rest = rest[strings.LastIndexByte(rest[:end], '@')+1:]
		}
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		authority = authority[at+1:]
	}
	fragment := ""
	if h := strings.IndexByte(tail, '#'); h >= 0 {
		tail, fragment = tail[:h], tail[h+1:]
	}
	query, hasQuery := "", false
	if q := strings.IndexByte(tail, '?'); q >= 0 {
		tail, query, hasQuery = tail[:q], tail[q+1:], true
	}
	if strings.Contains(tail, "@") {
		// user info inside the path of something odd: scrub it
		tail = userinfoRE.ReplaceAllString(tail, "")
	}
	out := scheme + "://" + authority + tail
	if hasQuery {
		if kept := filterParams(query); kept != "" {
			out += "?" + kept
		}
	}
	if fragment != "" && filterParams(fragment) == fragment {
		out += "#" + fragment
	}
	return strings.TrimSpace(out)
}

// looksLikeUserinfo reports whether the text before a URL's first '/' is
// "user:secret" rather than "host" or "host:port" (an all-digit password is
// taken for a port).
func looksLikeUserinfo(authority string) bool {
	colon := strings.LastIndexByte(authority, ':')
	return colon >= 0 && !strings.HasPrefix(authority, "[") && !isDigits(authority[colon+1:])
}

// filterParams drops key=value pairs whose key looks like a credential.
func filterParams(q string) string {
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if p == "" || credentialParam(key) || strings.Contains(p, "@") {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}

func scrubUnparsed(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	for {
		out := strings.TrimSpace(userinfoRE.ReplaceAllString(s, ""))
		if out == s {
			return out
		}
		s = out
	}
}
