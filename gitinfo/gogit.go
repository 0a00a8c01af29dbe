package gitinfo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// noGit is why a fact that needs the git binary is unknown.
const noGit = "the git binary is not on PATH, and go-git cannot answer this as git would"

// noGitPushed is why Pushed is unknown on the go-git path.
const noGitPushed = "the git binary is not on PATH, and go-git tells only whether a remote-tracking ref points at HEAD itself; none does"

// repoGoGit is where go-git found the repository.
type repoGoGit struct {
	root   string           // work tree root, or gitDir without a work tree
	gitDir string           // per-worktree git dir
	dotGit string           // root/.git (a directory or a gitdir file); "" when bare
	fs     billy.Filesystem // the git dir (objects, refs in the common dir)
}

// openGoGit opens the repository containing dir as git finds it: the first
// directory up from dir holding a .git (a directory, or a file naming one,
// which must exist), else dir itself as a bare repository.
func openGoGit(dir string) (*git.Repository, *repoGoGit, error) {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	}
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, nil, fmt.Errorf("gitinfo: %s: %w", dir, ErrNotRepository)
	}
	if err != nil {
		// a repository go-git cannot read (SHA-256, an extension): its
		// root is the first directory up holding .git
		for d := dir; ; d = filepath.Dir(d) {
			if _, serr := os.Lstat(filepath.Join(d, ".git")); serr == nil || d == filepath.Dir(d) {
				return nil, &repoGoGit{root: d, dotGit: filepath.Join(d, ".git")}, err
			}
		}
	}
	fs, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, nil, fmt.Errorf("gitinfo: %s: unexpected go-git storage", dir)
	}
	at := &repoGoGit{gitDir: fs.Filesystem().Root(), fs: fs.Filesystem()}
	at.root = at.gitDir
	if wt, err := repo.Worktree(); err == nil {
		at.root = wt.Filesystem.Root()
		at.dotGit = filepath.Join(at.root, ".git")
	}
	return repo, at, nil
}

// collectGoGitBounded runs collectGoGit, which cannot be interrupted, in
// a goroutine and stops waiting for it when ctx ends; the goroutine then
// runs to its end and its answer is dropped.
func collectGoGitBounded(ctx context.Context, dir string, mode DirtyMode, opts Options) (*found, error) {
	type result struct {
		f   *found
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("gitinfo: go-git failed reading %s: %v", dir, p)}
			}
		}()
		f, err := collectGoGit(dir, mode, opts)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.f, r.err
	case <-ctx.Done():
		return nil, &StoppedError{Commands: []string{"go-git reading " + dir}, Err: ctx.Err()}
	}
}

// collectGoGit answers with go-git what go-git answers as git would: the
// commit, its short name, time and author, the branch, the tags at HEAD and
// the remote. Describe, dirty and tree need the git binary.
func collectGoGit(dir string, mode DirtyMode, opts Options) (*found, error) {
	repo, at, openErr := openGoGit(dir)
	if at == nil {
		return nil, openErr
	}
	if err := checkOwner(at); err != nil {
		return nil, err
	}
	f := &found{Facts: &Facts{Root: at.root, CI: opts.CI}}
	f.unknown(FactDescribe, "%s", noGit)
	if mode != DirtyOff {
		f.unknown(FactDirty, "%s", noGit)
	}
	f.unknown(FactTree, "%s", noGit)
	if opts.Pushed {
		// answered below only when a remote-tracking ref points at HEAD
		f.unknown(FactPushed, "%s", noGitPushed)
	}
	if openErr != nil {
		f.unknownAll(append(headFacts, FactBranch, FactRemote), "%s; go-git cannot read the repository: %v", noGit, openErr)
		return f, nil
	}

	if shallow, err := repo.Storer.Shallow(); err == nil {
		f.Shallow = len(shallow) > 0
	}
	coreAbbrev := ""
	if cfg, err := repo.Config(); err == nil {
		coreAbbrev = cfg.Raw.Section("core").Option("abbrev")
		for _, scope := range []config.Scope{config.GlobalScope, config.SystemScope} {
			if user, err := config.LoadConfig(scope); err == nil && coreAbbrev == "" {
				coreAbbrev = user.Raw.Section("core").Option("abbrev")
			}
		}
		urls := map[string]string{}
		for name, r := range cfg.Remotes {
			if len(r.URLs) > 0 {
				urls[name] = r.URLs[0]
			}
		}
		f.Remote, f.Remotes = pickRemote(urls), remoteNames(urls)
	} else {
		f.unknown(FactRemote, "reading the configuration: %v", err)
	}

	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil {
		f.unknownAll(append(headFacts, FactBranch), "reading HEAD: %v", err)
		return f, nil
	}
	if head.Type() == plumbing.SymbolicReference {
		f.Branch, f.BranchFrom = head.Target().Short(), BranchCheckedOut
		head, err = repo.Reference(head.Target(), true)
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			f.unknownAll(headFacts, "HEAD has no commit yet (unborn branch)")
			return f, nil
		}
		if err != nil {
			f.unknownAll(headFacts, "reading HEAD: %v", err)
			return f, nil
		}
	} else {
		f.rebasing = rebasingBranch(at.gitDir)
	}
	// go-git reads a ref that is not an object name as one (the hex it
	// could decode, then zeros): only what names a readable commit counts
	id := head.Hash()
	if err := checkRefText(at.fs, head); err != nil {
		f.unknownAll(headFacts, "%v", err)
		return f, nil
	}
	c, err := repo.CommitObject(id)
	if err != nil {
		f.unknownAll(headFacts, "reading HEAD's commit %s: %v", id, err)
		return f, nil
	}
	f.Commit = id.String()
	f.CommitTime = c.Committer.When.UTC()
	f.Author = c.Author.Name
	if f.ShortCommit, err = abbrev(at.fs, coreAbbrev, id); err != nil {
		f.unknown(FactShort, "%v", err)
	}
	remoteAtHead, err := refsAtHead(repo, id, f)
	if err != nil {
		f.unknown(FactTags, "listing references: %v", err)
	}
	if opts.Pushed && remoteAtHead != "" {
		f.Pushed, f.PushedRef = boolPtr(true), remoteAtHead
		delete(f.Unknown, FactPushed)
	}
	return f, nil
}

// refsAtHead lists the tags (peeled) and local branches pointing at id,
// and returns the first remote-tracking ref (by name) pointing at it.
func refsAtHead(repo *git.Repository, id plumbing.Hash, f *found) (string, error) {
	refs, err := repo.References()
	if err != nil {
		return "", err
	}
	remote := ""
	err = refs.ForEach(func(r *plumbing.Reference) error {
		switch {
		case r.Type() != plumbing.HashReference:
		case r.Name().IsRemote():
			if r.Hash() == id && (remote == "" || r.Name().String() < remote) {
				remote = r.Name().String()
			}
		case r.Name().IsBranch():
			if r.Hash() == id {
				f.branchesAtHead = append(f.branchesAtHead, r.Name().Short())
			}
		case r.Name().IsTag():
			if peel(repo, r.Hash()) == id {
				f.Tags = append(f.Tags, strings.TrimPrefix(r.Name().String(), "refs/tags/"))
			}
		}
		return nil
	})
	sortVersionsDesc(f.Tags)
	return remote, err
}

// peel follows annotated tags to the object they tag.
func peel(repo *git.Repository, id plumbing.Hash) plumbing.Hash {
	for range 10 {
		t, err := repo.TagObject(id)
		if err != nil {
			return id
		}
		if t.TargetType != plumbing.TagObject && t.TargetType != plumbing.CommitObject {
			return t.Target
		}
		id = t.Target
	}
	return id
}
