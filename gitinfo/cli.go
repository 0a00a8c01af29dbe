package gitinfo

import (
	"bytes"
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
}

// discoverCLI asks git which repository contains r.dir.
func discoverCLI(ctx context.Context, r *runner) (*repoAt, error) {
	out, err := r.run(ctx, "rev-parse", "--absolute-git-dir", "--is-bare-repository", "--is-inside-work-tree", "--show-prefix")
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
	if len(lines) < 3 {
		return nil, fmt.Errorf("gitinfo: unexpected git rev-parse output %q", out)
	}
	at := &repoAt{gitDir: lines[0], root: lines[0], bare: lines[1] == "true", worktree: lines[2] == "true"}
	switch {
	case at.worktree && len(lines) > 3:
		// git ran in the physical directory; the prefix leads there from the
		// root
		at.dir = strings.TrimSuffix(lines[3], "/")
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
	f := &found{Facts: &Facts{Root: at.root, CI: DetectCI(opts.LookupEnv)}}
	r = &runner{bin: r.bin, dir: at.root, env: r.env}

	var (
		wg                                          sync.WaitGroup
		logOut, refsOut, symOut, descOut, remoteOut []byte
		treeOut                                     []byte
		logErr, refsErr, symErr, descErr, remoteErr error
		treeErr                                     error
		st                                          statusResult
		stErr                                       error
	)
	run := func(out *[]byte, err *error, args ...string) {
		wg.Go(func() { *out, *err = r.run(ctx, args...) })
	}
	run(&logOut, &logErr, "log", "-1", "--no-walk", "--format=%H%x00%h%x00%ct%x00%an%x00%T", "HEAD", "--")
	run(&refsOut, &refsErr, "for-each-ref", "--points-at=HEAD", "--sort=-v:refname", "--format=%(refname)", "refs/heads/", "refs/tags/")
	run(&symOut, &symErr, "symbolic-ref", "-q", "HEAD")
	run(&descOut, &descErr, "describe", "--tags", "--always", "HEAD")
	run(&remoteOut, &remoteErr, "remote", "-v")
	checkTree := at.worktree && mode != DirtyOff
	if checkTree {
		wg.Go(func() { st, stErr = gitStatus(ctx, r, at, mode, opts.IgnorePaths) })
		if at.dir != "" {
			run(&treeOut, &treeErr, "rev-parse", "-q", "--verify", "HEAD:"+at.dir)
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// branch
	if symErr == nil {
		f.Branch = strings.TrimPrefix(strings.TrimSpace(string(symOut)), "refs/heads/")
	} else {
		f.rebasing = rebasingBranch(at.gitDir)
	}

	// HEAD's commit
	var rootTree string
	if logErr != nil {
		reason := logErr.Error()
		if symErr == nil && strings.Contains(reason, "does not have any commits yet") {
			reason = "HEAD has no commit yet (unborn branch)"
		}
		f.unknownAll(headFacts, "%s", reason)
	} else {
		fields := strings.Split(strings.TrimSpace(string(logOut)), "\x00")
		if len(fields) != 5 {
			return nil, fmt.Errorf("gitinfo: unexpected git log output %q", logOut)
		}
		f.Commit, f.ShortCommit, f.Author, rootTree = fields[0], fields[1], fields[3], fields[4]
		if n, err := strconv.ParseInt(fields[2], 10, 64); err == nil {
			f.CommitTime = time.Unix(n, 0).UTC()
		} else {
			f.unknown(FactCommitTime, "git log printed commit time %q", fields[2])
		}
		if refsErr != nil {
			f.unknown(FactTags, "%v", refsErr)
			f.unknown(FactBranch, "%v", refsErr)
		}
		for _, ref := range strings.Fields(string(refsOut)) {
			if t, ok := strings.CutPrefix(ref, "refs/tags/"); ok {
				f.Tags = append(f.Tags, t)
			} else if b, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
				f.branchesAtHead = append(f.branchesAtHead, b)
			}
		}
		if descErr != nil {
			f.unknown(FactDescribe, "%v", descErr)
		} else {
			f.Describe = strings.TrimSpace(string(descOut))
		}
	}

	f.Remote = pickRemote(string(remoteOut))
	if remoteErr != nil {
		f.unknown(FactRemote, "%v", remoteErr)
	}

	// dirty and tree
	switch {
	case mode == DirtyOff:
		f.unknown(FactTree, "the dirty check is off, so a changed directory cannot be told apart")
	case !at.worktree:
		f.unknown(FactDirty, "no work tree (bare repository or git dir)")
		f.unknown(FactTree, "no work tree (bare repository or git dir)")
	case stErr != nil:
		f.unknown(FactDirty, "%v", stErr)
		f.unknown(FactTree, "%v", stErr)
	default:
		f.Dirty = &st.dirty
		switch {
		case f.Commit == "":
			f.unknown(FactTree, "HEAD has no readable commit")
		case st.dirDirty:
			f.unknown(FactTree, "%s has uncommitted changes", displayDir(at.dir))
		case at.dir == "":
			f.Tree = rootTree
		case treeErr != nil:
			f.unknown(FactTree, "%s is not in HEAD", at.dir)
		default:
			f.Tree = strings.TrimSpace(string(treeOut))
		}
	}
	return f, nil
}

// pickRemote returns, from `git remote -v` output, origin's fetch URL, else
// the only remote's, credentials stripped.
func pickRemote(out string) string {
	urls := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		name, rest, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		if u, ok := strings.CutSuffix(rest, " (fetch)"); ok {
			if _, seen := urls[name]; !seen {
				urls[name] = u
			}
		} else if _, seen := urls[name]; !seen {
			urls[name] = "" // a remote with push URLs only
		}
	}
	if u, ok := urls["origin"]; ok {
		return StripCredentials(u)
	}
	if len(urls) == 1 {
		for _, u := range urls {
			return StripCredentials(u)
		}
	}
	return ""
}
