package gitinfo

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// repoAt is where discovery found the repository.
type repoAt struct {
	gitDir   string // absolute per-worktree git dir
	root     string // work tree root, or gitDir without a work tree
	dir      string // the described directory relative to root ("" for root)
	worktree bool   // root is a work tree
	bare     bool
	shallow  bool
}

// discoverCLI asks git which repository contains r.dir.
func discoverCLI(ctx context.Context, r *runner) (*repoAt, error) {
	out, err := r.run(ctx, "rev-parse", "--absolute-git-dir", "--is-bare-repository", "--is-shallow-repository", "--is-inside-work-tree", "--show-prefix")
	if err != nil {
		var ge *gitError
		if !errors.As(err, &ge) {
			return nil, err
		}
		msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(ge.stderr), "fatal: "))
		if _, at, ok := strings.Cut(msg, "dubious ownership in repository at '"); ok {
			at, _, _ = strings.Cut(at, "'")
			return nil, untrusted(at)
		}
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return nil, fmt.Errorf("gitinfo: %s: %w (git says: %s)", r.dir, ErrNotRepository, msg)
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) < 4 {
		return nil, fmt.Errorf("gitinfo: unexpected git rev-parse output %q", out)
	}
	at := &repoAt{gitDir: lines[0], root: lines[0], bare: lines[1] == "true", shallow: lines[2] == "true", worktree: lines[3] == "true"}
	switch {
	case at.worktree && len(lines) > 4:
		// git ran in the physical directory; the prefix leads there from the
		// root
		at.dir = strings.TrimSuffix(lines[4], "/")
		root, err := filepath.EvalSymlinks(r.dir)
		if err != nil {
			root = r.dir
		}
		if at.dir != "" {
			for range strings.Count(at.dir, "/") + 1 {
				root = filepath.Dir(root)
			}
		}
		at.root = root
	case !at.bare:
		// inside the git dir, or outside a work tree configured elsewhere
		if top, err := r.run(ctx, "rev-parse", "--show-toplevel"); err == nil && len(bytes.TrimSpace(top)) > 0 {
			at.root, at.worktree, at.dir = string(bytes.TrimSpace(top)), true, ""
		}
	}
	return at, nil
}

// collectCLI answers every fact with the git binary: discovery first, then
// the independent queries at once.
func collectCLI(ctx context.Context, r *runner, mode DirtyMode, opts Options) (*found, error) {
	at, err := discoverCLI(ctx, r)
	if err != nil {
		return nil, err
	}
	f := &found{Facts: &Facts{Root: at.root, CI: opts.CI, Shallow: at.shallow}}
	r = &runner{bin: r.bin, dir: at.root, env: r.env}

	var wg sync.WaitGroup
	ask := func(args ...string) *answer {
		a := &answer{}
		wg.Go(func() { a.out, a.err = r.run(ctx, args...) })
		return a
	}
	log := ask("log", "-1", "--no-walk", "--no-show-signature", "--format=%H%x00%h%x00%ct%x00%an%x00%T", "HEAD", "--")
	refs := ask("for-each-ref", "--points-at=HEAD", "--sort=-v:refname", "--format=%(refname)", "refs/heads/", "refs/tags/")
	sym := ask("symbolic-ref", "-q", "HEAD")
	// describe walks the whole history to find that there is no tag;
	// without one it prints what log's %h is, so a cheap look for any tag
	// runs beside it and stops it when there is none
	descCtx, stopDescribe := context.WithCancel(ctx)
	defer stopDescribe()
	desc, anyTag := &answer{}, &answer{}
	wg.Go(func() { desc.out, desc.err = r.run(descCtx, "describe", "--tags", "--always", "HEAD") })
	wg.Go(func() {
		anyTag.out, anyTag.err = r.run(ctx, "for-each-ref", "--count=1", "--format=x", "refs/tags/")
		if anyTag.err == nil && len(anyTag.out) == 0 {
			stopDescribe()
		}
	})
	remote := ask("remote", "-v")
	pushed := &answer{err: errors.New("not asked")}
	if opts.Pushed {
		pushed = ask("for-each-ref", "--contains=HEAD", "--count=2", "--format=%(refname)", "refs/remotes/")
	}
	var st statusResult
	stErr, tree := errors.New("no status"), &answer{}
	if at.worktree && mode != DirtyOff {
		wg.Go(func() { st, stErr = gitStatus(ctx, r, at, mode, opts.IgnorePaths) })
		if at.dir != "" {
			tree = ask("rev-parse", "-q", "--verify", "HEAD:"+at.dir)
		}
	}
	wg.Wait()
	if ctx.Err() != nil {
		errs := []error{log.err, refs.err, sym.err, desc.err, anyTag.err, remote.err, pushed.err, stErr, tree.err}
		if anyTag.err == nil && len(anyTag.out) == 0 {
			errs[3] = nil // stopped for want of a tag, not by ctx
		}
		return nil, stopped(ctx, time.Now(), errs...)
	}

	if b, ok := strings.CutPrefix(sym.text(), "refs/heads/"); sym.err == nil && ok {
		f.Branch, f.BranchFrom = b, BranchCheckedOut
	} else if sym.err != nil {
		f.rebasing = rebasingBranch(at.gitDir)
	}
	// HEAD's commit
	var rootTree string
	if log.err != nil {
		reason := log.err.Error()
		if sym.err == nil && strings.Contains(reason, "does not have any commits yet") {
			reason = "HEAD has no commit yet (unborn branch)"
		}
		f.unknownAll(headFacts, "%s", reason)
	} else {
		fields := strings.Split(log.text(), "\x00")
		if len(fields) != 5 || fields[0] == "" || strings.Trim(fields[0], "0123456789abcdef") != "" {
			return nil, fmt.Errorf("gitinfo: unexpected git log output %q", log.out)
		}
		f.Commit, f.ShortCommit, f.Author, rootTree = fields[0], fields[1], fields[3], fields[4]
		if n, err := strconv.ParseInt(fields[2], 10, 64); err == nil {
			f.CommitTime = time.Unix(n, 0).UTC()
		} else {
			f.unknown(FactCommitTime, "git log printed commit time %q", fields[2])
		}
		if refs.err != nil {
			f.unknown(FactTags, "%v", refs.err)
		}
		for _, ref := range strings.Fields(string(refs.out)) {
			if t, ok := strings.CutPrefix(ref, "refs/tags/"); ok {
				f.Tags = append(f.Tags, t)
			} else if b, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
				f.branchesAtHead = append(f.branchesAtHead, b)
			}
		}
		switch {
		case anyTag.err == nil && len(anyTag.out) == 0:
			// no tag: `git describe --tags --always` prints the short
			// commit, abbreviated as log's %h is
			f.Describe = f.ShortCommit
		case desc.err != nil:
			f.unknown(FactDescribe, "%v", desc.err)
		default:
			f.Describe = desc.text()
		}
	}

	urls := parseRemotes(string(remote.out))
	f.Remote, f.Remotes = pickRemote(urls), remoteNames(urls)
	if remote.err != nil {
		f.unknown(FactRemote, "%v", remote.err)
	}
	if opts.Pushed {
		f.pushedCLI(pushed, at.shallow)
	}

	// dirty and tree
	switch {
	case mode == DirtyOff:
		f.unknown(FactTree, "the dirty check is off, so a changed directory cannot be told apart")
	case !at.worktree:
		f.unknownAll([]string{FactDirty, FactTree}, "no work tree (bare repository or git dir)")
	case stErr != nil:
		f.unknownAll([]string{FactDirty, FactTree}, "%v", stErr)
	default:
		f.Dirty, f.Changed, f.ChangedCount = &st.dirty, st.changed, st.count
		switch {
		case f.Commit == "":
			f.unknown(FactTree, "HEAD has no readable commit")
		case st.dirDirty:
			f.unknown(FactTree, "%s has uncommitted changes", cmp.Or(at.dir, "the work tree"))
		case at.dir == "":
			f.Tree = rootTree
		case tree.err != nil:
			f.unknown(FactTree, "%s is not in HEAD", at.dir)
		default:
			f.Tree = tree.text()
		}
	}
	return f, nil
}

// answer is what one git command printed.
type answer struct {
	out []byte
	err error
}

func (a *answer) text() string { return string(bytes.TrimSpace(a.out)) }
