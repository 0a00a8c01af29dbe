package gitinfo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
)

func hashLenOf(r *repository) int {
	if v, _ := r.cfg.get("extensions.objectFormat"); strings.EqualFold(v, "sha256") {
		return 32
	}
	return 20
}

// Collect gathers the facts of the repository containing path (walking up
// like git, including linked worktrees and submodules). It returns the facts
// it could gather with the reasons for the others in Facts.Unknown; it fails
// only when path does not exist (the error wraps fs.ErrNotExist), when it is
// not in a repository (ErrNotRepository), when path cannot be accessed at
// all, or when ctx is done.
func Collect(ctx context.Context, path string, opts Options) (*Facts, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mode, err := ParseDirtyMode(string(opts.Dirty))
	if err != nil {
		return nil, err
	}
	repo, err := discover(path)
	if err != nil {
		return nil, err
	}
	f := &Facts{Root: repo.root, CI: DetectCI(opts.LookupEnv)}
	hashLen := hashLenOf(repo)
	db := newODB(filepath.Join(repo.commonDir, "objects"), hashLen)
	defer db.close()

	f.Remote = remoteURL(repo.cfg)

	head, headState := collectHead(repo, db, hashLen, f)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	switch {
	case mode == DirtyOff:
	case repo.bare:
		f.unknown(FactDirty, "bare repository has no work tree")
	default:
		// An unborn branch compares the index with the empty tree; a HEAD
		// that cannot be read leaves the answer to git, or unknown.
		tree := oid("")
		var treeErr error
		switch headState {
		case headCommit:
			tree, treeErr = commitTree(db, head)
		case headUnreadable:
			treeErr = errHeadUnreadable
		}
		var dirty bool
		if treeErr != nil {
			err = treeErr
		} else {
			dirty, err = checkDirty(ctx, repo, db, tree, mode)
		}
		if err != nil && ctx.Err() == nil {
			// Ask git itself where our reader cannot answer correctly.
			d, gerr := dirtyViaGit(ctx, repo.root, mode)
			if gerr == nil {
				dirty, err = d, nil
			} else {
				err = fmt.Errorf("%w; git fallback: %w", err, gerr)
			}
		}
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		if err == nil && dirty && len(opts.IgnorePaths) > 0 {
			// the in-house check cannot leave paths out: ask git
			dirty, err = dirtyIgnoring(ctx, repo.root, "", mode, opts.IgnorePaths)
		}
		if err != nil {
			f.unknown(FactDirty, "%v", err)
		} else {
			f.Dirty = &dirty
		}
	}
	switch {
	case repo.bare:
		f.unknown(FactTree, "bare repository has no work tree")
	case headState != headCommit:
		f.unknown(FactTree, "HEAD has no readable commit")
	default:
		collectTree(ctx, repo.root, path, mode, opts.IgnorePaths, f)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// headState says what collectHead found HEAD to be.
type headState int

const (
	headCommit     headState = iota // HEAD names a readable commit
	headUnborn                      // HEAD names a branch with no commit yet
	headUnreadable                  // HEAD, its ref or its commit cannot be read
)

// errHeadUnreadable is why the dirty check cannot compare with HEAD's tree.
var errHeadUnreadable = errors.New("HEAD's commit cannot be read")

// collectHead fills commit, short commit, time, author, branch, tags and
// describe. It returns HEAD's object name and what HEAD is.
func collectHead(repo *repository, db *odb, hashLen int, f *Facts) (oid, headState) {
	if v, _ := repo.cfg.get("extensions.refStorage"); v != "" && !strings.EqualFold(v, "files") {
		reason := fmt.Sprintf("ref storage %q is not supported", v)
		for _, k := range []string{FactCommit, FactShort, FactCommitTime, FactAuthor, FactBranch, FactTags, FactDescribe} {
			f.unknown(k, "%s", reason)
		}
		return "", headUnreadable
	}
	refs := &refStore{gitDir: repo.gitDir, commonDir: repo.commonDir, hashLen: hashLen}
	name, head, ok, err := refs.resolve("HEAD")
	if err != nil {
		for _, k := range []string{FactCommit, FactShort, FactCommitTime, FactAuthor, FactBranch, FactTags, FactDescribe} {
			f.unknown(k, "reading HEAD: %v", err)
		}
		return "", headUnreadable
	}
	if strings.HasPrefix(name, "refs/heads/") {
		f.Branch = strings.TrimPrefix(name, "refs/heads/")
	}
	if !ok {
		reason := "HEAD has no commit yet (unborn branch)"
		for _, k := range []string{FactCommit, FactShort, FactCommitTime, FactAuthor, FactTags, FactDescribe} {
			f.unknown(k, "%s", reason)
		}
		return "", headUnborn
	}
	f.Commit = head.String()

	minLen := -1
	if v, ok := repo.cfg.get("core.abbrev"); ok {
		switch n, err := strconv.Atoi(v); {
		case err == nil:
			minLen = n
		case strings.EqualFold(v, "no") || strings.EqualFold(v, "false"):
			minLen = 2 * hashLen
		}
	}
	short, err := db.abbrev(head, minLen)
	if err != nil {
		// without pack indexes we cannot prove uniqueness: use the full name
		f.unknown(FactShort, "abbreviating: %v", err)
	} else {
		f.ShortCommit = short
	}

	isCommit := false
	typ, data, err := db.read(head)
	switch {
	case err != nil:
		for _, k := range []string{FactCommitTime, FactAuthor} {
			f.unknown(k, "reading HEAD commit: %v", err)
		}
	case typ != objCommit:
		for _, k := range []string{FactCommitTime, FactAuthor} {
			f.unknown(k, "HEAD is not a commit")
		}
	default:
		c, perr := parseCommit(data, hashLen)
		if perr != nil {
			f.unknown(FactCommitTime, "%v", perr)
			f.unknown(FactAuthor, "%v", perr)
			break
		}
		isCommit = true
		f.CommitTime = c.committer
		f.Author = c.authorName
	}

	names, atHead, err := tagNames(refs, db, head)
	if err != nil {
		f.unknown(FactTags, "reading tags: %v", err)
		f.unknown(FactDescribe, "reading tags: %v", err)
	} else {
		f.Tags = atHead
		if f.ShortCommit == "" {
			f.unknown(FactDescribe, "abbreviated commit unknown")
		} else {
			h := &history{db: db, shallow: readShallow(repo.commonDir, hashLen), nodes: map[oid]*histNode{}}
			d, derr := h.describe(head, names, f.ShortCommit)
			if derr != nil {
				f.unknown(FactDescribe, "%v", derr)
			} else {
				f.Describe = d
			}
		}
	}

	switch {
	case f.Branch != "":
		// a branch is checked out: it wins over anything the CI says
	case f.CI != nil && f.CI.Branch != "":
		// Detached HEAD (the CI default): the CI knows the branch it builds
		// (the source branch of a pull request), which a local branch that
		// happens to point at HEAD may not be.
		f.Branch = f.CI.Branch
	default:
		// Detached HEAD outside CI: a single local branch pointing at HEAD
		// names it.
		heads, err := refs.list("refs/heads/")
		if err != nil {
			f.unknown(FactBranch, "listing branches: %v", err)
		} else {
			var at []string
			for _, r := range heads {
				if r.target == head {
					at = append(at, strings.TrimPrefix(r.name, "refs/heads/"))
				}
			}
			if len(at) == 1 {
				f.Branch = at[0]
			}
		}
	}
	if !isCommit {
		return head, headUnreadable
	}
	return head, headCommit
}

// tagNames reads all tags: the best describe name per tagged commit and the
// names of tags that point at head, newest version first.
func tagNames(refs *refStore, db *odb, head oid) (map[oid]tagName, []string, error) {
	tags, err := refs.list("refs/tags/")
	if err != nil {
		return nil, nil, err
	}
	names := map[oid]tagName{}
	var atHead []string
	for _, r := range tags {
		short := strings.TrimPrefix(r.name, "refs/tags/")
		prio, tagger := 1, int64(0)
		// peel annotated tags (possibly nested)
		target := r.target
		for depth := 0; depth < 10; depth++ {
			typ, data, err := db.read(target)
			if err != nil || typ != objTag {
				break
			}
			t, err := parseTag(data, db.hashLen)
			if err != nil {
				break
			}
			if depth == 0 {
				prio, tagger = 2, t.tagger.Unix()
			}
			target = t.object
		}
		if target == head {
			atHead = append(atHead, short)
		}
		n := tagName{name: short, prio: prio, tagger: tagger}
		if old, ok := names[target]; !ok || old.prio < n.prio || (old.prio == 2 && n.prio == 2 && n.tagger > old.tagger) {
			names[target] = n
		}
	}
	sortVersionsDesc(atHead)
	return names, atHead, nil
}

// readShallow returns the commits listed in the shallow file.
func readShallow(commonDir string, hashLen int) map[oid]bool {
	b, err := os.ReadFile(filepath.Join(commonDir, "shallow")) //nolint:gosec // repository metadata
	if err != nil {
		return nil
	}
	out := map[oid]bool{}
	for _, line := range strings.Fields(string(b)) {
		if id, ok := parseOID(line, hashLen); ok {
			out[id] = true
		}
	}
	return out
}

// remoteURL returns origin's URL, else the only remote's, credentials
// stripped.
func remoteURL(cfg *gitConfig) string {
	if u, ok := cfg.get("remote.origin.url"); ok {
		return StripCredentials(u)
	}
	remotes := cfg.subsections("remote", "url")
	if len(remotes) == 1 {
		u, _ := cfg.get("remote." + remotes[0] + ".url")
		return StripCredentials(u)
	}
	return ""
}
