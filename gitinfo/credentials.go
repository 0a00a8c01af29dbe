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

// safeParams are the query, fragment and path (";key=value") parameters
// StripCredentials keeps, compared without regard to case: those the CI
// run links and remotes it is given need (Azure Pipelines'
// _build/results?buildId=, TeamCity's viewLog.html?buildId=&buildTypeId=&tab=)
// and that name what is shown, never who may see it. Every other
// parameter is dropped, as a ticket, a session id or a signature may hide
// under any name (?ticket=, ?access=, ;jsessionid=, ?X-Amz-Signature=).
// The list is in StripCredentials' documentation.
var safeParams = []string{
	"attempt", "branch", "build", "buildId", "buildNumber", "buildTypeId", "definitionId",
	"job", "jobId", "page", "path", "pipeline", "pipelineId", "ref", "ref_type", "run",
	"runId", "tab", "tag", "version", "versionId", "view", "workflow",
}

// safeParam reports whether key is one of safeParams.
func safeParam(key string) bool {
	for _, k := range safeParams {
		if strings.EqualFold(k, key) {
			return !credentialParam(key)
		}
	}
	return false
}

// userinfoRE matches something that looks like user:secret@ or token@
// inside a string that is not a parseable URL.
var userinfoRE = regexp.MustCompile(`[^\s/@]*:[^\s/]*@|[^\s/@:]+@`)

// scpRE matches scp-style git addresses: [user@]host:path.
var scpRE = regexp.MustCompile(`^(?:([^@/:\s]+)@)?([A-Za-z0-9][A-Za-z0-9.\-]*|\[[0-9A-Fa-f:.]+\]):([^/].*|/.*)?$`)

// schemeRE matches a URL scheme (RFC 3986).
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*$`)

// scpHostRE matches the host and colon that start what follows the user
// info of an scp-style address.
var scpHostRE = regexp.MustCompile(`^(?:[A-Za-z0-9][A-Za-z0-9.\-]*|\[[0-9A-Fa-f:.]+\]):`)

// StripCredentials removes from a URL or git address what could let
// someone else in, keeping what names the place:
//
//   - In a URL (scheme://...), the user info: everything up to the last
//     '@' of the authority. A password may hold an unencoded '/', '?', '#'
//     or '@', so when the text before the first '/' holds a ':' ahead of
//     any '@' ("user:secret" and "host:port" cannot be told apart when the
//     password is digits), everything up to the last '@' of the whole URL
//     goes: https://u:12/34secret@host/x becomes https://host/x, and
//     https://host:8443/x@y becomes https://y. A user name alone
//     (https://token@host) goes too.
//   - In a URL's query, fragment and path parameters (";key=value"), every
//     parameter but these (whatever their case), and any whose value holds
//     an '@': attempt, branch, build, buildId, buildNumber, buildTypeId,
//     definitionId, job, jobId, page, path, pipeline, pipelineId, ref,
//     ref_type, run, runId, tab, tag, version, versionId, view, workflow.
//     They are what CI run links need (Azure Pipelines'
//     _build/results?buildId=, TeamCity's viewLog.html?buildId=) and name
//     what is shown, never who may see it; a ticket, a session id or a
//     signature may hide under any other name.
//     A fragment without '=' (an anchor, or a route such as Bitbucket's
//     #!/results/7) is kept; one with a parameter that is not safe goes
//     whole.
//   - In an scp-style address ([user@]host:path), a password: the whole
//     user info up to the last '@' that is followed by host:, so
//     user:secret@host:path becomes host:path; a bare user name
//     (git@host:path) is no secret and stays.
//   - In anything else, whatever looks like user:secret@ or token@, and
//     everything from the first '?' or '#'.
//
// '@' signs in a URL's path are taken for user info ("pkg@v1" loses
// "pkg@"): a leaked secret costs more than a mangled path.
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
	if i < 0 || !schemeRE.MatchString(s[:i]) {
		// user:secret@host:path: a password before the host is dropped;
		// a bare user name (git@host:path) is not a secret and stays.
		if at := strings.IndexByte(s, '@'); at >= 0 && strings.Contains(s[:at], ":") && !strings.Contains(s[:at], " ") {
			s = s[scpUserinfoEnd(s)+1:]
		}
		if scpRE.MatchString(s) && !strings.ContainsAny(s, "?# ") {
			// scp-style: a bare user name (git@) is not a secret.
			return s
		}
		return scrubUnparsed(s)
	}
	scheme, rest := s[:i], s[i+3:]
	head := rest
	if slash := strings.IndexByte(rest, '/'); slash >= 0 {
		head = rest[:slash]
	}
	if colon, at := strings.IndexByte(head, ':'), strings.IndexByte(head, '@'); colon >= 0 && !strings.HasPrefix(head, "[") && (at < 0 || colon < at) {
		// user:pa/ss@host: a password may hold an unencoded '/', '?', '#'
		// or '@', so the user info runs to the last '@'
		rest = rest[strings.LastIndexByte(rest, '@')+1:]
	} else if at := strings.LastIndexByte(head, '@'); at >= 0 {
		rest = rest[at+1:]
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
	if strings.Contains(tail, ";") {
		tail = filterMatrixParams(tail)
	}
	out := scheme + "://" + authority + tail
	if hasQuery {
		if kept := filterParams(query, "&;", "&"); kept != "" {
			out += "?" + kept
		}
	}
	if fragment != "" && !strings.Contains(fragment, "@") &&
		(!strings.Contains(fragment, "=") || filterParams(fragment, "&;", "&") == fragment) {
		out += "#" + fragment
	}
	return strings.TrimSpace(out)
}

// scpUserinfoEnd returns the index of the '@' that ends the user info of
// an scp-style address: the last one followed by host:, else the last.
func scpUserinfoEnd(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '@' && scpHostRE.MatchString(s[i+1:]) {
			return i
		}
	}
	return strings.LastIndexByte(s, '@')
}

// filterMatrixParams keeps, of each path segment's ";key=value"
// parameters, the safe ones.
func filterMatrixParams(path string) string {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if name, params, ok := strings.Cut(seg, ";"); ok {
			segs[i] = name
			if kept := filterParams(params, ";", ";"); kept != "" {
				segs[i] += ";" + kept
			}
		}
	}
	return strings.Join(segs, "/")
}

// filterParams keeps, of the key=value pairs in q separated by any of
// seps, those whose key is safe and whose value holds no '@', joined by
// join.
func filterParams(q, seps, join string) string {
	parts := strings.FieldsFunc(q, func(r rune) bool { return strings.ContainsRune(seps, r) })
	kept := parts[:0]
	for _, p := range parts {
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if safeParam(key) && !strings.Contains(p, "@") {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, join)
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
