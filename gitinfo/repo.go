package gitinfo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// repository locates the parts of a git repository.
type repository struct {
	root      string // work tree root, or gitDir when bare
	gitDir    string // per-worktree git dir (HEAD, index)
	commonDir string // shared git dir (objects, refs, config)
	bare      bool
	cfg       *gitConfig
}

// isGitDir reports whether dir looks like a git directory: HEAD plus objects
// and refs (possibly through commondir).
func isGitDir(dir string) bool {
	if fi, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	common := dir
	if b, err := os.ReadFile(filepath.Join(dir, "commondir")); err == nil { //nolint:gosec // repository metadata
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(dir, c)
		}
		common = c
	}
	if fi, err := os.Stat(filepath.Join(common, "objects")); err != nil || !fi.IsDir() {
		return false
	}
	if fi, err := os.Stat(filepath.Join(common, "refs")); err != nil || !fi.IsDir() {
		return false
	}
	return true
}

// readGitFile parses a ".git" file ("gitdir: <path>") found in dir.
func readGitFile(dir, file string) (string, error) {
	b, err := os.ReadFile(file) //nolint:gosec // the .git file of the repository being inspected
	if err != nil {
		return "", err
	}
	line := strings.TrimSpace(string(b))
	if !strings.HasPrefix(line, "gitdir:") {
		return "", fmt.Errorf("invalid gitfile format: %s", file)
	}
	p := strings.TrimSpace(strings.TrimPrefix(line, "gitdir:"))
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p), nil
}

// discover walks up from path like git does and returns the repository.
func discover(path string) (*repository, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("gitinfo: %w", err)
	}
	fi, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		// usually a typo in the path the user configured
		return nil, fmt.Errorf("gitinfo: path %s does not exist: %w", abs, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("gitinfo: %w", err)
	}
	if !fi.IsDir() {
		abs = filepath.Dir(abs)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	for dir := abs; ; {
		dotgit := filepath.Join(dir, ".git")
		if st, err := os.Stat(dotgit); err == nil {
			gitDir := ""
			if st.IsDir() {
				gitDir = dotgit
			} else if gd, err := readGitFile(dir, dotgit); err == nil {
				gitDir = gd
			}
			if gitDir != "" && isGitDir(gitDir) {
				return newRepository(dir, gitDir, false), nil
			}
		}
		if isGitDir(dir) && filepath.Base(dir) != ".git" {
			return newRepository(dir, dir, true), nil
		}
		if filepath.Base(dir) == ".git" && isGitDir(dir) {
			// path is inside a .git directory: git treats it as bare-like
			return newRepository(dir, dir, true), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, fmt.Errorf("gitinfo: %s: %w", abs, ErrNotRepository)
		}
		dir = parent
	}
}

func newRepository(root, gitDir string, bare bool) *repository {
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil { //nolint:gosec // repository metadata
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = filepath.Clean(c)
	}
	r := &repository{root: root, gitDir: gitDir, commonDir: common, bare: bare}
	r.cfg = loadConfig(common, gitDir)
	if !bare && r.cfg.boolean("core.bare", false) && gitDir == filepath.Join(root, ".git") {
		// a .git directory explicitly configured as bare
		r.bare = true
	}
	if wt, ok := r.cfg.get("core.worktree"); ok && !bare && wt != "" {
		if !filepath.IsAbs(wt) {
			wt = filepath.Join(gitDir, wt)
		}
		r.root = filepath.Clean(wt)
	}
	if r.bare {
		r.root = gitDir
	}
	return r
}

// errUnsupported marks repository features this package does not read
// natively; callers fall back to the git binary or report the fact unknown.
var errUnsupported = errors.New("unsupported repository feature")
