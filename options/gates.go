package options

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// Gate collects the facts the release gates need, with Collect, and checks
// them with CheckGates: what a component runs before any builder. Without a
// gate it does nothing and reads nothing.
func (s *Shared) Gate(ctx context.Context, env func(string) (string, bool), ignore []string) error {
	if !s.Require.Set() {
		return nil
	}
	if strings.Contains(s.GitPath, Unknown) {
		return s.undecided(fmt.Sprintf("git_path (%s) is not known before the build, so the repository cannot be read before any builder runs", s.GitPath),
			"set git_path from a variable or path.root")
	}
	col, err := s.Collect(ctx, env, ignore)
	if err != nil {
		return err
	}
	return s.CheckGates(col)
}

// CheckGates checks the release gates against col, the facts collected
// with these options, and returns one error that lists every gate that
// does not hold, each naming its option, the repository, what was found
// and what would make it pass; nil when every gate holds or none is set. A
// gate that cannot be decided (no repository, the fact unknown) does not
// hold.
func (s *Shared) CheckGates(col Collection) error {
	r := s.Require
	if !r.Set() {
		return nil
	}
	if v := r.unknownValues(); len(v) > 0 {
		return fmt.Errorf("%s: the value is not known before the build, so the gate cannot be decided before any builder runs; set it from a variable or write it out", strings.Join(v, ", "))
	}
	g := col.Git
	if g == nil {
		reason, hint := "the repository could not be read", "run Packer inside the repository or set git_path to a directory of it"
		if col.Err != nil {
			reason, hint = col.Err.Error(), unreadableHint(col.Err)
		}
		return s.undecided(reason, hint)
	}
	var errs []error
	if r.Clean {
		errs = append(errs, s.checkClean(g))
	}
	if r.Pushed {
		errs = append(errs, checkPushed(g, col.CI))
	}
	if r.Tag != "" {
		errs = append(errs, checkTag(r.Tag, g, col.CI))
	}
	if len(r.Branches) > 0 {
		errs = append(errs, checkBranches(r.Branches, g, col.CI))
	}
	return errors.Join(errs...)
}

// undecided is the error of every gate set when none can be decided.
func (s *Shared) undecided(reason, hint string) error {
	return fmt.Errorf("%s: cannot be decided: %s; %s, or set the gates from a variable (clean = var.release)",
		strings.Join(s.Require.Names(), ", "), reason, hint)
}

// unknownValues names the gates whose value Packer does not know yet.
func (r Require) unknownValues() []string {
	var names []string
	if strings.Contains(r.Tag, Unknown) {
		names = append(names, "require.tag")
	}
	for _, b := range r.Branches {
		if strings.Contains(b, Unknown) {
			names = append(names, "require.branches")
			break
		}
	}
	return names
}

func (s *Shared) checkClean(g *gitinfo.Facts) error {
	switch {
	case g.Dirty == nil:
		reason := g.Unknown[gitinfo.FactDirty]
		if reason == "" {
			reason = "the dirty check did not run"
		}
		return fmt.Errorf("require.clean: cannot be decided: whether the work tree of %s is clean is unknown: %s; "+
			"make git (on PATH) able to run git status there, or set clean from a variable (clean = var.release)", g.Root, reason)
	case *g.Dirty:
		return fmt.Errorf("require.clean: the work tree of %s has %s; "+
			"commit or stash them (or ignore them in .gitignore), or set clean from a variable (clean = var.release) to build a work in progress",
			g.Root, changes(g, s.DirtyCheck))
	}
	return nil
}

// shownChanges is how many changed paths a message names.
const shownChanges = 5

// changes describes the changes of the work tree as dirtyCheck counts
// them: how many, and the first few paths.
func changes(g *gitinfo.Facts, dirtyCheck string) string {
	n, paths := g.ChangedCount, g.Changed[:min(len(g.Changed), shownChanges)]
	if n == 0 || len(paths) == 0 {
		return fmt.Sprintf("changes, as dirty_check = %q counts them", dirtyCheck)
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	s := fmt.Sprintf("%d changed path%s, as dirty_check = %q counts them: %s", n, plural, dirtyCheck, strings.Join(paths, ", "))
	if more := n - len(paths); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

func checkPushed(g *gitinfo.Facts, ci *gitinfo.CI) error {
	if g.Commit == "" {
		return fmt.Errorf("require.pushed: cannot be decided: the repository at %s has no commit checked out; commit and push, or set pushed from a variable (pushed = var.release)", g.Root)
	}
	if ciBuilds(g, ci) {
		return nil
	}
	return pushedFromRemotes(g, ci)
}

func checkTag(glob string, g *gitinfo.Facts, ci *gitinfo.CI) error {
	for _, t := range g.Tags {
		if matchAny([]string{glob}, t) {
			return nil
		}
	}
	if ci != nil && ci.Tag != "" && ciBuilds(g, ci) {
		if matchAny([]string{glob}, ci.Tag) {
			return nil
		}
	}
	fix := fmt.Sprintf("tag HEAD with a tag matching %q and push the tag, or set tag from a variable (tag = var.release_tag, empty to require none)", glob)
	if g.Commit == "" {
		return fmt.Errorf("require.tag: cannot be decided: the repository at %s has no commit checked out; %s", g.Root, fix)
	}
	var found string
	switch {
	case len(g.Tags) > 0:
		found = "the tags at HEAD are " + QuoteList(g.Tags)
	case g.Unknown[gitinfo.FactTags] != "":
		return fmt.Errorf("require.tag: cannot be decided: the tags at HEAD (%s) of %s are unknown: %s; %s",
			short(g), g.Root, g.Unknown[gitinfo.FactTags], fix)
	default:
		found = "no tag points at HEAD"
	}
	if ci != nil && ci.Tag != "" {
		if ciBuilds(g, ci) {
			found += fmt.Sprintf(", and the CI (%s) builds the tag %q", ci.Provider, ci.Tag)
		} else {
			found += fmt.Sprintf(", and the CI (%s) builds the tag %q %s", ci.Provider, ci.Tag, ciCommit(ci))
		}
	}
	return fmt.Errorf("require.tag: no tag of HEAD (%s) of %s matches %q: %s; %s", short(g), g.Root, glob, found, fix)
}

func checkBranches(globs []string, g *gitinfo.Facts, ci *gitinfo.CI) error {
	if g.Branch != "" && matchAny(globs, g.Branch) {
		return nil
	}
	fix := "or set branches from a variable (branches = var.release ? [\"main\"] : [])"
	if g.Branch == "" {
		why := "no CI is detected"
		if ci != nil {
			why = fmt.Sprintf("the CI (%s) names no branch", ci.Provider)
		}
		if reason := g.Unknown[gitinfo.FactBranch]; reason != "" {
			why += " (" + reason + ")"
		}
		return fmt.Errorf("require.branches: no branch can be told for HEAD (%s) of %s: no branch is checked out, %s, and not exactly one local branch points at HEAD; "+
			"check out a branch matching %s, build in a CI that names its branch, %s", short(g), g.Root, why, QuoteList(globs), fix)
	}
	return fmt.Errorf("require.branches: the branch of %s is %q (%s), which matches none of %s; build from a branch that matches, %s",
		g.Root, g.Branch, branchSource(g, ci), QuoteList(globs), fix)
}

// branchSource says where the branch enrich reports came from.
func branchSource(g *gitinfo.Facts, ci *gitinfo.CI) string {
	switch g.BranchFrom {
	case gitinfo.BranchCI:
		provider := "the CI"
		if ci != nil {
			provider += " (" + ci.Provider + ")"
		}
		return "at a detached HEAD, the branch " + provider + " builds"
	case gitinfo.BranchRebase:
		return "the branch a stopped rebase is rebasing"
	case gitinfo.BranchAtHead:
		return "at a detached HEAD, the one local branch there"
	}
	return "the branch checked out"
}

// minCICommit is the fewest hex digits of a CI's commit that can name HEAD.
const minCICommit = 7

// ciBuilds reports whether the CI says it builds HEAD: its commit is HEAD's
// name or a prefix of it of at least minCICommit digits, as a CI names the
// commit it checked out.
func ciBuilds(g *gitinfo.Facts, ci *gitinfo.CI) bool {
	if ci == nil || g.Commit == "" || len(ci.Commit) < minCICommit {
		return false
	}
	return strings.HasPrefix(g.Commit, strings.ToLower(ci.Commit))
}

// ciCommit says which commit the CI builds, for a message about a CI that
// does not build HEAD: "for the commit X, not HEAD".
func ciCommit(ci *gitinfo.CI) string {
	switch {
	case ci.Commit == "":
		return "without naming its commit"
	case len(ci.Commit) < minCICommit:
		return fmt.Sprintf("for the commit %q, too short to tell whether it is HEAD", ci.Commit)
	}
	return fmt.Sprintf("for the commit %s, not HEAD", ci.Commit)
}

func short(g *gitinfo.Facts) string {
	if g.ShortCommit != "" {
		return g.ShortCommit
	}
	return g.Commit
}

// pushedFromRemotes decides the pushed gate from the remote-tracking refs,
// when the CI does not say it builds HEAD.
func pushedFromRemotes(g *gitinfo.Facts, ci *gitinfo.CI) error {
	const fix = "or set pushed from a variable (pushed = var.release)"
	switch {
	case g.Pushed != nil && *g.Pushed:
		return nil
	case g.Pushed != nil && len(g.Remotes) == 0:
		return fmt.Errorf("require.pushed: HEAD (%s) of %s is on no remote: the repository has no remote, and %s; "+
			"add one and push HEAD (git remote add origin <url>; git push -u origin HEAD), %s", short(g), g.Root, ciSays(ci), fix)
	case g.Pushed != nil:
		return fmt.Errorf("require.pushed: HEAD (%s) of %s is on no remote: no remote-tracking ref of %s (refs/remotes/, as last fetched) contains it, and %s; "+
			"push it (git push), fetch if it is pushed already (git fetch), %s", short(g), g.Root, remotes(g.Remotes), ciSays(ci), fix)
	}
	reason := g.Unknown[gitinfo.FactPushed]
	if reason == "" {
		reason = "the remote-tracking refs were not read"
	}
	return fmt.Errorf("require.pushed: cannot be decided: whether HEAD (%s) of %s is on a remote is unknown (%s), and %s; "+
		"push HEAD, or run where git can tell, %s", short(g), g.Root, reason, ciSays(ci), fix)
}

// remotes names the remotes whose tracking refs were looked in.
func remotes(names []string) string {
	if len(names) == 1 {
		return "the remote " + names[0]
	}
	return "the remotes " + strings.Join(names, ", ")
}

// ciSays says what the CI says about the commit it builds, for a message
// about a CI that does not build HEAD.
func ciSays(ci *gitinfo.CI) string {
	switch {
	case ci == nil:
		return "no CI is detected"
	case ci.Commit == "":
		return fmt.Sprintf("the CI (%s) names no commit", ci.Provider)
	case len(ci.Commit) < minCICommit:
		return fmt.Sprintf("the CI (%s) names the commit %q, too short to tell whether it is HEAD", ci.Provider, ci.Commit)
	}
	return fmt.Sprintf("the CI (%s) builds the commit %s, not HEAD", ci.Provider, ci.Commit)
}
