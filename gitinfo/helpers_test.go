package gitinfo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

var (
	gitBin  string
	testEnv []string
)

// TestMain makes git and Collect hermetic: a private HOME, no system config
// and none of the machine's GIT_* variables.
func TestMain(m *testing.M) {
	if dir := os.Getenv("GITINFO_RSS_CHILD"); dir != "" {
		rssChild(dir) // BenchmarkCollectPeakRSS's child
	}
	home, err := os.MkdirTemp("", "gitinfo-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "XDG_CONFIG_HOME" {
			_ = os.Unsetenv(k)
		}
	}
	_ = os.Setenv("HOME", home)
	_ = os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	gitBin, _ = exec.LookPath("git")
	testEnv = append(os.Environ(),
		"GIT_AUTHOR_NAME=Ada Author", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Cy Committer", "GIT_COMMITTER_EMAIL=cy@example.com",
		"LC_ALL=C", "GIT_TERMINAL_PROMPT=0")
	code := m.Run()
	_ = os.RemoveAll(home)
	os.Exit(code)
}

func needGit(t testing.TB) {
	t.Helper()
	if gitBin == "" {
		t.Skip("git binary not on PATH: skipping differential test")
	}
}

// gitRepo is a repository built with the git CLI for a test.
type gitRepo struct {
	t      testing.TB
	dir    string
	marker string // a file planted commands would create
	tick   atomic.Int64
}

func newRepo(t testing.TB, args ...string) *gitRepo {
	t.Helper()
	needGit(t)
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git(append([]string{"init", "-q", "-b", "main"}, args...)...)
	return r
}

func (r *gitRepo) env() []string {
	date := fmt.Sprintf("%d +0200", int64(1700000000)+r.tick.Add(1)*3600)
	return append(append([]string{}, testEnv...), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
}

// gitIn runs git in dir and returns trimmed stdout; failure fails the test.
func (r *gitRepo) gitIn(dir string, args ...string) string {
	r.t.Helper()
	out, err := r.tryGitIn(dir, args...)
	if err != nil {
		r.t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (r *gitRepo) tryGitIn(dir string, args ...string) (string, error) {
	cmd := exec.Command(gitBin, append([]string{"-c", "safe.directory=*", "-c", "protocol.file.allow=always"}, args...)...) //nolint:gosec // test helper
	cmd.Dir = dir
	cmd.Env = r.env()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, stderr.String())
	}
	return strings.TrimRight(string(out), "\n"), nil
}

func (r *gitRepo) git(args ...string) string { r.t.Helper(); return r.gitIn(r.dir, args...) }

func (r *gitRepo) write(rel, content string) {
	r.t.Helper()
	writeFile(r.t, filepath.Join(r.dir, rel), content)
}

func writeFile(t testing.TB, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (r *gitRepo) commitAll(msg string) {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
}

// basic creates a small committed tree: files at several depths, an
// executable, a symlink and a .gitignore.
func (r *gitRepo) basic() *gitRepo {
	r.t.Helper()
	r.write("README.md", "hello\n")
	r.write("src/main.go", "package main\n")
	r.write("src/pkg/util.go", "package pkg\n")
	r.write("docs/guide.txt", "guide\n")
	r.write(".gitignore", "*.log\n/build/\n")
	r.write("run.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(r.dir, "run.sh"), 0o755); err != nil { //nolint:gosec // executable fixture
		r.t.Fatal(err)
	}
	if err := os.Symlink("README.md", filepath.Join(r.dir, "link")); err != nil {
		r.t.Fatal(err)
	}
	r.commitAll("initial")
	return r
}

func (r *gitRepo) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(gitBin, append([]string{"-c", "safe.directory=*"}, args...)...) //nolint:gosec // test helper
	cmd.Dir = r.dir
	cmd.Env = r.env()
	return cmd
}
