package testrepo

import (
	"strconv"
	"testing"
)

// TestFixturesIgnoreTheMachine: the machine's GIT_* variables, PATH and
// HOME do not reach the fixtures' git; New's commit has the fixed
// identities and is dated Epoch, and later commits are newer.
func TestFixturesIgnoreTheMachine(t *testing.T) {
	NeedGit(t)
	t.Setenv("GIT_DIR", t.TempDir())
	t.Setenv("GIT_AUTHOR_NAME", "Someone Else")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("PATH", t.TempDir()) // as a test hiding git from the code under test
	r := New(t)
	if got, want := r.Git("log", "-1", "--format=%an <%ae>|%cn <%ce>|%aI|%cI"),
		AuthorName+" <"+AuthorEmail+">|"+CommitterName+" <"+CommitterEmail+">|2026-01-02T05:04:05+02:00|2026-01-02T05:04:05+02:00"; got != want {
		t.Errorf("first commit: %q, want %q", got, want)
	}
	if out, err := r.TryGit("config", "--global", "--list"); err == nil || out != "" {
		t.Errorf("git config --global --list = %q, %v; want no global configuration", out, err)
	}
	r.Write("b.txt", "b\n")
	r.CommitAll("second")
	first, _ := strconv.ParseInt(r.Git("log", "-1", "--format=%ct", "HEAD~1"), 10, 64)
	second, _ := strconv.ParseInt(r.Git("log", "-1", "--format=%ct", "HEAD"), 10, 64)
	if second <= first {
		t.Errorf("second commit dated %d, not after the first (%d)", second, first)
	}
	if got := r.Git("rev-list", "--count", "HEAD"); got != "2" {
		t.Errorf("rev-list --count HEAD = %s, want 2", got)
	}
}
