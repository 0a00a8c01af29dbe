package gitinfo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// noGit is why a fact that needs the git binary is unknown.
const noGit = "the git binary is not on PATH, and go-git cannot answer this as git would"

// repoGoGit is where discoverGoGit found the repository.
type repoGoGit struct {
	root    string // work tree root, or gitDir without a work tree
	gitDir  string // per-worktree git dir
	dotGit  string // root/.git (a directory or a gitdir file); "" when bare
	bare    bool   // no work tree
	openDir string // what go-git opens
}

// discoverGoGit walks up from dir like git: the first directory holding a
// .git (a directory, or a file naming one, which must exist), or that is a
// git directory itself.
func discoverGoGit(dir string) (*repoGoGit, error) {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	for d := dir; ; {
		dotGit := filepath.Join(d, ".git")
		if fi, err := os.Stat(dotGit); err == nil {
			gitDir := dotGit
			if !fi.IsDir() {
				gd, err := readGitFile(d, dotGit)
				if err != nil {
					return nil, fmt.Errorf("gitinfo: %s: %w (%v)", dir, ErrNotRepository, err)
				}
				gitDir = gd
			}
			if isGitDir(gitDir) {
				return &repoGoGit{root: d, gitDir: gitDir, dotGit: dotGit, openDir: d}, nil
			}
		}
		if isGitDir(d) {
			return &repoGoGit{root: d, gitDir: d, bare: true, openDir: d}, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, fmt.Errorf("gitinfo: %s: %w", dir, ErrNotRepository)
		}
		d = parent
	}
}

// readGitFile returns the git dir a .git file in dir names; it must exist.
func readGitFile(dir, file string) (string, error) {
	b, err := os.ReadFile(file) //nolint:gosec // the .git file of the repository being inspected
	if err != nil {
		return "", err
	}
	p, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return "", fmt.Errorf("invalid gitfile format: %s", file)
	}
	p = strings.TrimSpace(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	if !isGitDir(p) {
		return "", fmt.Errorf("%s names %s, which is not a git directory", file, p)
	}
	return filepath.Clean(p), nil
}

// isGitDir reports whether dir looks like a git directory to git: HEAD plus
// objects and refs (possibly through commondir).
func isGitDir(dir string) bool {
	if fi, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	common := dir
	if b, err := os.ReadFile(filepath.Join(dir, "commondir")); err == nil { //nolint:gosec // repository metadata
		common = strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(dir, common)
		}
	}
	for _, sub := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(common, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// collectGoGit answers with go-git what go-git answers as git would: the
// commit, its short name, time and author, the branch, the tags at HEAD and
// the remote. Describe, dirty and tree need the git binary.
func collectGoGit(dir string, mode DirtyMode, opts Options) (*found, error) {
	at, err := discoverGoGit(dir)
	if err != nil {
		return nil, err
	}
	if err := checkOwner(at); err != nil {
		return nil, err
	}
	f := &found{Facts: &Facts{Root: at.root, CI: DetectCI(opts.LookupEnv)}}
	f.unknown(FactDescribe, "%s", noGit)
	if mode != DirtyOff {
		f.unknown(FactDirty, "%s", noGit)
	}
	f.unknown(FactTree, "%s", noGit)

	repo, err := git.PlainOpenWithOptions(at.openDir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		f.unknownAll(append(headFacts, FactBranch, FactRemote), "go-git cannot open the repository: %v", err)
		return f, nil
	}
	if cfg, err := repo.Config(); err == nil {
		if u, ok := cfg.Remotes["origin"]; ok && len(u.URLs) > 0 {
			f.Remote = StripCredentials(u.URLs[0])
		} else if len(cfg.Remotes) == 1 {
			for _, r := range cfg.Remotes {
				if len(r.URLs) > 0 {
					f.Remote = StripCredentials(r.URLs[0])
				}
			}
		}
	} else {
		f.unknown(FactRemote, "reading the configuration: %v", err)
	}

	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil {
		f.unknownAll(append(headFacts, FactBranch), "reading HEAD: %v", err)
		return f, nil
	}
	if head.Type() == plumbing.SymbolicReference {
		f.Branch = head.Target().Short()
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
	id := head.Hash()
	f.Commit = id.String()
	if f.ShortCommit, err = abbrev(repo, at.gitDir, id); err != nil {
		f.unknown(FactShort, "%v", err)
	}
	c, err := repo.CommitObject(id)
	if err != nil {
		f.unknownAll([]string{FactCommitTime, FactAuthor}, "reading HEAD's commit: %v", err)
	} else {
		f.CommitTime = c.Committer.When.UTC()
		f.Author = c.Author.Name
	}
	if err := refsAtHead(repo, id, f); err != nil {
		f.unknown(FactTags, "listing references: %v", err)
	}
	return f, nil
}

// refsAtHead lists the tags (peeled) and local branches pointing at id.
func refsAtHead(repo *git.Repository, id plumbing.Hash, f *found) error {
	refs, err := repo.References()
	if err != nil {
		return err
	}
	err = refs.ForEach(func(r *plumbing.Reference) error {
		switch {
		case r.Type() != plumbing.HashReference:
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
	sort.Strings(f.branchesAtHead)
	sortVersionsDesc(f.Tags)
	return err
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
