package gitinfo

import (
	"strings"
)

// pushedCLI reads the answer of `git for-each-ref --contains=HEAD
// --count=2 --format=%(refname) refs/remotes/` into Pushed and PushedRef.
func (f *found) pushedCLI(a *answer, shallow bool) {
	refs := strings.Fields(string(a.out))
	switch {
	case f.Commit == "":
		f.unknown(FactPushed, "HEAD has no readable commit: %s", f.Unknown[FactCommit])
	case a.err != nil:
		f.unknown(FactPushed, "%v", a.err)
	case len(refs) > 0:
		f.Pushed, f.PushedRef = boolPtr(true), refs[0]
		if len(refs) > 1 && strings.HasSuffix(refs[0], "/HEAD") {
			f.PushedRef = refs[1] // origin/HEAD names a branch of its own
		}
	case shallow:
		f.unknown(FactPushed, "shallow clone: no remote-tracking ref contains HEAD in the history fetched, "+
			"and the history cut off could; fetch more (git fetch --unshallow) to tell")
	default:
		f.Pushed = boolPtr(false)
	}
}

func boolPtr(b bool) *bool { return &b }
