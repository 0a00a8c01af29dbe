package gitinfo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Fact names used as keys of Facts.Unknown.
const (
	FactCommit     = "commit"
	FactShort      = "short_commit"
	FactCommitTime = "commit_time"
	FactAuthor     = "author"
	FactBranch     = "branch"
	FactTags       = "tags"
	FactDescribe   = "describe"
	FactDirty      = "dirty"
	FactRemote     = "remote"
	FactTree       = "tree"
	FactPushed     = "pushed"
)

// headFacts are the facts read from HEAD's commit.
var headFacts = []string{FactCommit, FactShort, FactCommitTime, FactAuthor, FactTags, FactDescribe}

// Collect gathers the facts of the repository containing path (walking up
// like git, including linked worktrees and submodules). It asks the git
// binary on PATH, or go-git where there is none. It returns the facts it
// could gather with the reasons for the others in Facts.Unknown; it fails
// only when path does not exist (the error wraps fs.ErrNotExist), when it is
// not in a repository or in one owned by another user that git does not
// trust (ErrNotRepository, and ErrUntrusted for the latter), when path
// cannot be accessed at all, or when ctx is done.
//
// Every git call runs under ctx: when its deadline passes or it is
// canceled, git and every process it started (a hook such as
// core.fsmonitor, a clean filter) are killed (on Unix git runs in a
// process group of its own, and the whole group is killed; on Windows in a
// job object, which is terminated; elsewhere git alone), and Collect returns within about a second with a *StoppedError
// that wraps ctx's error and names the commands still running. Because git
// runs in its own process group, a signal sent to the caller's process
// group (a terminal's Ctrl-C) does not reach it: cancel ctx on such a
// signal. The go-git path cannot be interrupted: Collect stops waiting
// for it when ctx ends and returns a *StoppedError; its goroutine then
// runs to its end and its answer is dropped.
func Collect(ctx context.Context, path string, opts Options) (*Facts, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := time.Now()
	mode, err := ParseDirtyMode(string(opts.Dirty))
	if err != nil {
		return nil, err
	}
	dir, err := startDir(path)
	if err != nil {
		return nil, err
	}
	var f *found
	if bin, lookErr := exec.LookPath("git"); lookErr == nil {
		f, err = collectCLI(ctx, &runner{bin: bin, dir: dir, env: gitEnv()}, mode, opts)
	} else {
		f, err = collectGoGitBounded(ctx, dir, mode, opts)
	}
	if ctx.Err() != nil {
		return nil, stopped(ctx, start, err)
	}
	if err != nil {
		return nil, err
	}
	if f.Branch == "" {
		f.branchWhenDetached()
	}
	return f.Facts, nil
}

// found is what an engine found: the facts, and what names the branch of a
// detached HEAD.
type found struct {
	*Facts
	rebasing       string   // what a stopped rebase is rebasing
	branchesAtHead []string // local branches pointing at HEAD
}

// startDir returns the absolute directory of path (its parent when path is
// a file).
func startDir(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("gitinfo: %w", err)
	}
	fi, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		// usually a typo in the path the user configured
		return "", fmt.Errorf("gitinfo: path %s does not exist: %w", abs, fs.ErrNotExist)
	}
	if err != nil {
		return "", fmt.Errorf("gitinfo: %w", err)
	}
	if !fi.IsDir() {
		abs = filepath.Dir(abs)
	}
	return abs, nil
}

// branchWhenDetached names the branch of a detached HEAD: the branch a
// stopped rebase is rebasing (never the one it rebases onto), else the CI's
// branch (the source branch of a pull request, which a local branch that
// happens to point at HEAD may not be), else the single local branch
// pointing at HEAD.
func (f *found) branchWhenDetached() {
	switch {
	case f.rebasing != "":
		if b, ok := strings.CutPrefix(f.rebasing, "refs/heads/"); ok { // not "detached HEAD", a rebase of no branch
			f.Branch, f.BranchFrom = b, BranchRebase
		}
	case f.CI != nil && f.CI.Branch != "" && f.Commit != "":
		f.Branch, f.BranchFrom = f.CI.Branch, BranchCI
	case len(f.branchesAtHead) == 1:
		f.Branch, f.BranchFrom = f.branchesAtHead[0], BranchAtHead
	}
}

// rebasingBranch returns what a stopped rebase in gitDir is rebasing
// (refs/heads/<name>, or "detached HEAD"), "" when no rebase is under way.
func rebasingBranch(gitDir string) string {
	for _, d := range []string{"rebase-merge", "rebase-apply"} {
		if b, err := os.ReadFile(filepath.Join(gitDir, d, "head-name")); err == nil { //nolint:gosec // the repository's own state file
			return strings.TrimSpace(string(b))
		}
	}
	return ""
}
