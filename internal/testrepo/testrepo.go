// Package testrepo makes git repositories for tests in t.TempDir() with the
// git CLI, in a fixed environment (a private HOME, no system git
// configuration, fixed identities, LC_ALL=C and dates that advance with
// every git call), so that tests are repeatable on any machine.
package testrepo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Epoch is the date of the first git call in a repository made by Init, and
// of the commit made by New. Every later git call is dated Step later than
// the one before, so that each commit is newer than its parent and history
// order never depends on how fast the machine is.
var Epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Step is how much later each git call is dated than the one before.
const Step = time.Hour

// The identities commits are made with.
const (
	AuthorName     = "Test Author"
	AuthorEmail    = "test@example.com"
	CommitterName  = "Test Committer"
	CommitterEmail = "test@example.com"
)

// The git binary and PATH the fixtures use, found when the test binary
// starts, so that a test may hide git from the code under test by changing
// PATH while its fixtures keep working.
var (
	gitBin, _ = exec.LookPath("git")
	gitPath   = os.Getenv("PATH")
)

// trust lets the fixtures' own git calls work in any repository a test
// makes, including ones it hands to another owner or that use local
// submodules; the code under test is what must judge trust.
var trust = []string{"-c", "safe.directory=*", "-c", "protocol.file.allow=always"}

// Repo is a git repository in a temporary directory.
type Repo struct {
	T    testing.TB
	Dir  string
	home string
	tick atomic.Int64
}

// NeedGit skips the test when git is not installed.
func NeedGit(t testing.TB) {
	t.Helper()
	if gitBin == "" {
		t.Skip("git is not installed; this test needs the git CLI to build its repository")
	}
}

// Open returns the repository (or the directory to be one) at dir, such as
// a cache a benchmark keeps between runs. It skips the test when git is not
// installed.
func Open(t testing.TB, dir string) *Repo {
	t.Helper()
	NeedGit(t)
	return &Repo{T: t, Dir: dir, home: t.TempDir()}
}

// Init makes an empty repository on branch main, with git init's further
// args (--bare, --object-format=sha256, ...).
func Init(t testing.TB, args ...string) *Repo {
	t.Helper()
	r := Open(t, t.TempDir())
	r.Git(append([]string{"init", "-q", "-b", "main"}, args...)...)
	return r
}

// New makes a repository on branch main with one commit of
// template.pkr.hcl, dated Epoch.
func New(t testing.TB) *Repo {
	t.Helper()
	r := Init(t)
	r.Write("template.pkr.hcl", "# template\n")
	r.Git("add", "-A")
	r.tick.Store(0)
	r.Git("commit", "-q", "-m", "first")
	return r
}

// Clone clones r (through file://, so that --depth counts) into a new
// temporary directory with git clone's further args (--bare, --depth=1,
// --no-local, ...) and returns the clone, its origin r. Its git calls are
// dated after r's.
func (r *Repo) Clone(args ...string) *Repo {
	r.T.Helper()
	c := &Repo{T: r.T, Dir: filepath.Join(r.T.TempDir(), "clone"), home: r.home}
	c.tick.Store(r.tick.Load())
	c.GitIn(r.Dir, append(append([]string{"clone", "-q"}, args...), "file://"+r.Dir, c.Dir)...)
	return c
}

// Environ is the environment of the next git call: nothing of the machine's
// but PATH, and a date one Step later than the call before.
func (r *Repo) Environ() []string {
	date := fmt.Sprintf("%d +0200", Epoch.Add(time.Duration(r.tick.Add(1)-1)*Step).Unix())
	return []string{
		"PATH=" + gitPath,
		"HOME=" + r.home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=" + AuthorName, "GIT_AUTHOR_EMAIL=" + AuthorEmail,
		"GIT_COMMITTER_NAME=" + CommitterName, "GIT_COMMITTER_EMAIL=" + CommitterEmail,
		"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date,
		"GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C",
	}
}

// Command returns git with exactly args, to run in dir in the fixtures'
// environment. Unlike Git it does not trust every directory: a test sees
// how git itself treats the repository.
func (r *Repo) Command(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(gitBin, args...) //nolint:gosec // test fixture: the test names the arguments
	cmd.Dir = dir
	cmd.Env = r.Environ()
	return cmd
}

// Cmd returns the command Git would run in the repository, for a test that
// gives it input or adds to its environment.
func (r *Repo) Cmd(args ...string) *exec.Cmd {
	return r.Command(r.Dir, append(append([]string{}, trust...), args...)...)
}

// TryGitIn runs git in dir and returns its output without the final
// newlines; the error holds git's stderr.
func (r *Repo) TryGitIn(dir string, args ...string) (string, error) {
	cmd := r.Command(dir, append(append([]string{}, trust...), args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, stderr.String())
	}
	return strings.TrimRight(string(out), "\n"), nil
}

// TryGit runs git in the repository as TryGitIn does.
func (r *Repo) TryGit(args ...string) (string, error) { return r.TryGitIn(r.Dir, args...) }

// GitIn runs git in dir and returns its output without the final newlines;
// it fails the test when git fails.
func (r *Repo) GitIn(dir string, args ...string) string {
	r.T.Helper()
	out, err := r.TryGitIn(dir, args...)
	if err != nil {
		r.T.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// Git runs git in the repository as GitIn does.
func (r *Repo) Git(args ...string) string { r.T.Helper(); return r.GitIn(r.Dir, args...) }

// Write writes a file of the work tree, making its directory.
func (r *Repo) Write(name, content string) {
	r.T.Helper()
	WriteFile(r.T, filepath.Join(r.Dir, name), content)
}

// CommitAll commits every change of the work tree (or nothing) with msg.
func (r *Repo) CommitAll(msg string) {
	r.T.Helper()
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
}

// DetachOnNewCommit detaches HEAD and commits a new file there, so that no
// branch points at HEAD, as in a CI checkout of a merge commit.
func (r *Repo) DetachOnNewCommit() {
	r.T.Helper()
	r.Git("checkout", "-q", "--detach")
	r.Write("second.txt", "second\n")
	r.CommitAll("second")
}

// WriteFile writes the file at path, making its directory.
func WriteFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Env returns a lookup over exactly the given variables, so that the
// machine's environment (CI=true in CI, GITHUB_* on a runner) never reaches
// a test.
func Env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}
