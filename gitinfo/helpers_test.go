package gitinfo

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// TestMain makes Collect hermetic: a private HOME, no system config and
// none of the machine's GIT_* variables. (The fixtures' git has its own
// fixed environment, from testrepo.)
func TestMain(m *testing.M) {
	if dir := os.Getenv("GITINFO_RSS_CHILD"); dir != "" {
		rssChild(dir) // BenchmarkCollectPeakRSS's child
	}
	testrepo.Main(m)
}

// gitRepo is a repository built with the git CLI for a test.
type gitRepo struct {
	*testrepo.Repo
	marker string // a file planted commands would create
}

// newRepo makes an empty repository on branch main, with git init's
// further args.
func newRepo(t testing.TB, args ...string) *gitRepo {
	t.Helper()
	return &gitRepo{Repo: testrepo.Init(t, args...)}
}

// basic creates a small committed tree: files at several depths, an
// executable, a symlink and a .gitignore.
func (r *gitRepo) basic() *gitRepo {
	r.T.Helper()
	r.Write("README.md", "hello\n")
	r.Write("src/main.go", "package main\n")
	r.Write("src/pkg/util.go", "package pkg\n")
	r.Write("docs/guide.txt", "guide\n")
	r.Write(".gitignore", "*.log\n/build/\n")
	r.Write("run.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(r.Dir, "run.sh"), 0o755); err != nil { //nolint:gosec // executable fixture
		r.T.Fatal(err)
	}
	if err := os.Symlink("README.md", filepath.Join(r.Dir, "link")); err != nil {
		r.T.Fatal(err)
	}
	r.CommitAll("initial")
	return r
}
