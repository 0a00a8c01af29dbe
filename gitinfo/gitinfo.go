// Package gitinfo answers "which source revision was this built from": the
// commit, branch, tags, describe string, dirty state (with the changed
// paths) and remote of a git repository, whether HEAD is on a remote, and
// the CI run described by the environment (DetectCI). It knows nothing of
// Packer.
//
// # How
//
// The git binary on PATH answers (cli.go): one `git rev-parse` finds the
// repository (and whether it is a shallow clone), then log, for-each-ref,
// symbolic-ref, describe, status and remote run at once, under the
// caller's context, with --no-optional-locks, GIT_TERMINAL_PROMPT=0 and
// LC_ALL=C, so that git honours all the user configured (includeIf,
// commit-graph, fsmonitor, filters, sparse and split indexes, SHA-256).
// Beside describe, a look for any tag runs; in a repository without one,
// describe (which would walk the whole history to find none) is stopped
// and Describe is the short commit, as describe prints it. With
// Options.Pushed, one more for-each-ref runs beside them. Without git,
// go-git answers commit, short commit, time, author, branch, tags, remote
// and shallow (the gogit*.go files), from a ref only when it is exactly an
// object name of a readable commit; the rest is unknown.
//
// # Bounded
//
// Every git call runs under the caller's context. When its deadline passes
// or it is canceled, git and every process it started (a core.fsmonitor
// hook, a clean filter) are killed, and Collect returns a *StoppedError
// naming the commands still running, which wraps
// context.DeadlineExceeded or context.Canceled. Callers give Collect a
// deadline (context.WithTimeout) and cancel it on an interrupt.
//
// # Trust
//
// gitinfo trusts exactly what git trusts and never writes: a repository
// another user owns is refused (ErrUntrusted) as git refuses it, and
// safe.directory is never overridden; the go-git path applies the same rule.
//
// The repository is always the one containing the path: GIT_DIR,
// GIT_WORK_TREE, GIT_INDEX_FILE and the other variables that point git at
// another repository are removed from every git call. GIT_CONFIG_COUNT,
// GIT_CONFIG_PARAMETERS, GIT_CONFIG_GLOBAL and the like are the user's
// settings and count as they do for git. Collect reads no other variable:
// the CI run is the caller's (Options.CI, detected once with DetectCI).
//
// # Facts for release gates
//
// A gate that must fail closed reads a fact only when it is known, and
// otherwise refuses with Facts.Unknown[fact]:
//
//   - clean: Dirty is non-nil and false (Options.Dirty not DirtyOff).
//     When dirty, Changed lists the first MaxChanged changed paths and
//     ChangedCount counts them all.
//   - pushed: with Options.Pushed, Pushed is non-nil and true (PushedRef
//     names the remote-tracking ref that contains HEAD); else the CI says
//     it builds HEAD (CI.Commit == Commit). Remotes names the remotes
//     checked; a Shallow clone where no remote-tracking ref contains HEAD
//     leaves Pushed unknown ("shallow clone: ..."), as does go-git unless
//     a remote-tracking ref points at HEAD itself.
//   - tag: Tags are the tags at HEAD (or CI.Tag, the tag a tag pipeline
//     builds).
//   - branches: Branch, never "HEAD" (the CI's branch for a detached HEAD);
//     BranchFrom says where it came from.
//
// Collect fails (no Facts) only when there is no repository to describe,
// it is not trusted, or the context ended: a gate refuses then too.
package gitinfo

import (
	"errors"
	"fmt"
	"time"
)

// DirtyMode selects what counts as a dirty work tree.
type DirtyMode string

const (
	// DirtyAll counts tracked changes (staged or not) and untracked files
	// that are not ignored.
	DirtyAll DirtyMode = "all"
	// DirtyTracked counts only changes to tracked files.
	DirtyTracked DirtyMode = "tracked"
	// DirtyOff does not check; Facts.Dirty stays nil.
	DirtyOff DirtyMode = "off"
)

// ParseDirtyMode returns the mode for s ("" means DirtyAll) or an error naming
// the valid values.
func ParseDirtyMode(s string) (DirtyMode, error) {
	switch DirtyMode(s) {
	case "":
		return DirtyAll, nil
	case DirtyAll, DirtyTracked, DirtyOff:
		return DirtyMode(s), nil
	}
	return "", fmt.Errorf("invalid dirty mode %q: valid values are %q, %q and %q", s, DirtyAll, DirtyTracked, DirtyOff)
}

// Options tunes Collect.
type Options struct {
	// Dirty selects the dirty check; "" means DirtyAll.
	Dirty DirtyMode
	// CI is the CI run the caller detected, once for all it does, with
	// DetectCI; nil when there is none. Collect reads no environment: it
	// uses CI to name the branch of a detached HEAD (see Facts.Branch) and
	// returns it as Facts.CI.
	CI *CI
	// IgnorePaths are files whose changes never count toward Dirty or
	// against Tree, such as the caller's own output file. Relative paths
	// are taken from the process's working directory.
	IgnorePaths []string
	// Pushed asks whether HEAD's commit is on a remote (Facts.Pushed,
	// PushedRef). It costs one more git command, run beside the others:
	// `git for-each-ref --contains=HEAD --count=2 --format=%(refname)
	// refs/remotes/`, which may walk history; without Pushed it never runs.
	Pushed bool
}

// Where Facts.Branch came from (Facts.BranchFrom).
const (
	// BranchCheckedOut: HEAD is the branch (a symbolic ref to it).
	BranchCheckedOut = "checked-out"
	// BranchRebase: HEAD is detached by a stopped rebase of the branch.
	BranchRebase = "rebase"
	// BranchCI: HEAD is detached, and the CI (Options.CI) says it builds
	// the branch (the source branch of a pull request).
	BranchCI = "ci"
	// BranchAtHead: HEAD is detached, no CI names a branch, and the branch
	// is the only local branch pointing at HEAD.
	BranchAtHead = "branch-at-head"
)

// MaxChanged is how many changed paths Facts.Changed lists at most.
const MaxChanged = 10

// ErrNotRepository is returned (wrapped) by Collect when path is not inside a
// git repository.
var ErrNotRepository = errors.New("not a git repository")

// Facts are the facts Collect could establish about a repository.
type Facts struct {
	// Root is the work tree root (or the git dir of a bare repository).
	Root string
	// Commit is the full hex object name of HEAD; "" when unknown (e.g. an
	// empty repository).
	Commit string
	// ShortCommit is Commit abbreviated like git does by default (7 hex
	// digits, more in large repositories or when ambiguous).
	ShortCommit string
	// CommitTime is the committer time of HEAD in UTC; zero when unknown.
	CommitTime time.Time
	// Author is the author name of HEAD.
	Author string
	// Branch is never "HEAD": the checked-out branch, the CI branch when HEAD
	// is detached, else the single local branch pointing at HEAD, else "".
	Branch string
	// BranchFrom says where Branch came from: BranchCheckedOut,
	// BranchRebase, BranchCI or BranchAtHead; "" when Branch is "".
	BranchFrom string
	// Tags are the tags pointing at HEAD, lightweight and annotated, newest
	// version first.
	Tags []string
	// Describe is what `git describe --tags --always` prints.
	Describe string
	// Dirty tells whether the work tree has changes per Options.Dirty; nil
	// when unknown or DirtyOff.
	Dirty *bool
	// Changed are the first MaxChanged changes the dirty check counted, in
	// the order `git status` reports them: paths relative to the work tree
	// root, with '/' (an untracked directory is one entry ending in '/', a
	// submodule with changes is its path). Empty when the tree is clean
	// or the check did not run (Dirty is nil).
	Changed []string
	// ChangedCount is how many changes the dirty check counted in all
	// (Changed lists the first of them); 0 when clean or unknown.
	ChangedCount int
	// Tree is the object name of the tree of path's directory at HEAD (what
	// `git rev-parse HEAD:<dir>` prints); "" when that directory has
	// changes per Options.Dirty, when it is not in HEAD, or when the dirty
	// check is off.
	Tree string
	// Remote is the URL of origin (else of the only remote), credentials
	// stripped.
	Remote string
	// Remotes are the names of the configured remotes, sorted: those whose
	// remote-tracking refs Pushed looks in. Empty when there is none.
	Remotes []string
	// Shallow tells whether the repository is a shallow clone (its history
	// cut short, as CI checkouts often are).
	Shallow bool
	// Pushed, set only when Options.Pushed asked, tells whether HEAD's
	// commit is reachable from a remote-tracking ref (refs/remotes/...),
	// that is, whether it was fetched from, or pushed to, a remote as far
	// as this clone knows (it does not ask the remote). nil when not asked,
	// or unknown with the reason in Unknown[FactPushed]: HEAD has no
	// commit; git failed; a shallow clone in which no remote-tracking ref
	// contains HEAD (the cut history cannot tell); or the go-git path, which
	// answers only when a remote-tracking ref points at HEAD itself. false
	// means no remote-tracking ref contains HEAD, also when there is no
	// remote (Remotes is empty) or no remote-tracking ref at all (a CI
	// checkout of one commit: compare Commit with CI.Commit).
	Pushed *bool
	// PushedRef is a remote-tracking ref that contains HEAD, such as
	// "refs/remotes/origin/main", when Pushed is true.
	PushedRef string
	// CI is Options.CI: the CI run the caller detected; nil when none.
	CI *CI
	// Unknown maps a fact name ("dirty", "describe", ...) to the reason it
	// is unknown.
	Unknown map[string]string
}

func (f *Facts) unknown(fact, format string, args ...any) {
	if f.Unknown == nil {
		f.Unknown = map[string]string{}
	}
	f.Unknown[fact] = fmt.Sprintf(format, args...)
}

func (f *Facts) unknownAll(facts []string, format string, args ...any) {
	for _, k := range facts {
		f.unknown(k, format, args...)
	}
}
