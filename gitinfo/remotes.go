package gitinfo

import (
	"sort"
	"strings"
)

// pickRemote returns the remote the facts name, given each remote's fetch
// URL by remote name: origin's, else the only remote's, else "" (several
// remotes and none named origin: which one the build came from cannot be
// told). Credentials are stripped. Both engines pick with it.
func pickRemote(fetchURLs map[string]string) string {
	if u, ok := fetchURLs["origin"]; ok || len(fetchURLs) != 1 {
		return StripCredentials(u)
	}
	for _, u := range fetchURLs {
		return StripCredentials(u)
	}
	return ""
}

// parseRemotes reads `git remote -v` output into each remote's fetch URL
// by name.
func parseRemotes(out string) map[string]string {
	urls := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		name, rest, _ := strings.Cut(line, "\t")
		if u, ok := strings.CutSuffix(rest, " (fetch)"); ok && urls[name] == "" {
			urls[name] = u
		}
	}
	return urls
}

// remoteNames returns the names of the remotes, sorted.
func remoteNames(fetchURLs map[string]string) []string {
	var names []string
	for n := range fetchURLs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
