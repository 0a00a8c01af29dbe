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

// TestClone: Clone's --depth counts (the clone goes through file://), and
// its origin is the repository it came from.
func TestClone(t *testing.T) {
	r := New(t)
	r.Write("b.txt", "b\n")
	r.CommitAll("second")
	c := r.Clone("--depth=1")
	if got := c.Git("rev-list", "--count", "HEAD"); got != "1" {
		t.Errorf("a --depth=1 clone holds %s commits, want 1", got)
	}
	if got, want := c.Git("remote", "get-url", "origin"), "file://"+r.Dir; got != want {
		t.Errorf("origin = %q, want %q", got, want)
	}
	if got, want := c.Git("rev-parse", "HEAD"), r.Git("rev-parse", "HEAD"); got != want {
		t.Errorf("clone HEAD %s, want %s", got, want)
	}
}
