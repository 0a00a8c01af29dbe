package gitinfo

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// TestLocationVariables: GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE in the
// environment name another repository; the facts are those of the
// repository containing the path, from both engines, never a mix.
func TestLocationVariables(t *testing.T) {
	a := newRepo(t).basic()
	b := newRepo(t).basic()
	b.Write("other.txt", "b\n")
	b.CommitAll("b only")
	b.Write("README.md", "b is dirty\n")
	t.Setenv("GIT_DIR", filepath.Join(b.Dir, ".git"))
	t.Setenv("GIT_WORK_TREE", b.Dir)
	t.Setenv("GIT_INDEX_FILE", filepath.Join(b.Dir, ".git", "index"))
	want := a.Git("rev-parse", "HEAD")
	for _, eng := range []engine{engineCLI, engineGoGit} {
		t.Run(string(eng), func(t *testing.T) {
			if eng == engineGoGit {
				t.Setenv("PATH", t.TempDir())
			}
			f, err := Collect(context.Background(), a.Dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Root != a.Dir || f.Commit != want {
				t.Errorf("Root %q, Commit %q; want %q, %q (the repository containing the path)", f.Root, f.Commit, a.Dir, want)
			}
			if eng == engineCLI && (f.Dirty == nil || *f.Dirty) {
				t.Errorf("Dirty = %s, want false: the other repository's changes leaked in", fmtBool(f.Dirty))
			}
		})
	}
}

// TestConfigVariables: settings given through GIT_CONFIG_COUNT count as
// they do for git.
func TestConfigVariables(t *testing.T) {
	r := newRepo(t).basic()
	r.Write("scratch.tmp", "x\n")
	ignore := filepath.Join(t.TempDir(), "ignore")
	testrepo.WriteFile(t, ignore, "*.tmp\n")
	collect := func() *Facts {
		t.Helper()
		f, err := Collect(context.Background(), r.Dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := collect(); f.Dirty == nil || !*f.Dirty {
		t.Fatalf("without the setting Dirty = %s, want true", fmtBool(f.Dirty))
	}
	t.Setenv("GIT_CONFIG_COUNT", "1")
	t.Setenv("GIT_CONFIG_KEY_0", "core.excludesFile")
	t.Setenv("GIT_CONFIG_VALUE_0", ignore)
	cmd := r.Cmd("status", "--porcelain")
	cmd.Env = append(cmd.Env, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=core.excludesFile", "GIT_CONFIG_VALUE_0="+ignore)
	out, err := cmd.Output()
	if err != nil || len(out) != 0 {
		t.Fatalf("git status with the setting: %q, %v; want clean", out, err)
	}
	if f := collect(); f.Dirty == nil || *f.Dirty {
		t.Errorf("with core.excludesFile from GIT_CONFIG_COUNT Dirty = %s, want false as git says", fmtBool(f.Dirty))
	}
}

// TestUserConfiguration: the user's global configuration counts for both
// engines: with core.abbrev = 12 there, git abbreviates to 12 digits, and
// go-git, which cannot honour it, leaves the short commit unknown rather
// than give the default 7.
func TestUserConfiguration(t *testing.T) {
	r := newRepo(t).basic()
	home := t.TempDir()
	testrepo.WriteFile(t, filepath.Join(home, ".gitconfig"), "[core]\n\tabbrev = 12\n")
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	want := r.Git("rev-parse", "HEAD")[:12]
	for _, eng := range []engine{engineCLI, engineGoGit} {
		t.Run(string(eng), func(t *testing.T) {
			if eng == engineGoGit {
				t.Setenv("PATH", t.TempDir())
			}
			f, err := Collect(context.Background(), r.Dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case eng == engineCLI && f.ShortCommit != want:
				t.Errorf("git: ShortCommit = %q, want %q", f.ShortCommit, want)
			case eng == engineGoGit && f.ShortCommit != "":
				t.Errorf("go-git: ShortCommit = %q, want unknown", f.ShortCommit)
			}
		})
	}
}
