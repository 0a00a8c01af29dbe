package gitinfo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseDirtyMode(t *testing.T) {
	tests := []struct {
		in      string
		want    DirtyMode
		wantErr bool
	}{
		{"", DirtyAll, false},
		{"all", DirtyAll, false},
		{"tracked", DirtyTracked, false},
		{"off", DirtyOff, false},
		{"ALL", "", true},
		{"untracked", "", true},
	}
	for _, tt := range tests {
		got, err := ParseDirtyMode(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDirtyMode(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), `"tracked"`) {
			t.Errorf("error %q does not name the valid values", err)
		}
	}
}

func TestCollectErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	repo := newRepo(t).basic()
	tests := []struct {
		name string
		ctx  context.Context
		path string
		opts Options
		is   error
	}{
		{"not a repository", context.Background(), t.TempDir(), Options{LookupEnv: noEnv}, ErrNotRepository},
		{"canceled", canceled, repo.dir, Options{LookupEnv: noEnv}, context.Canceled},
		{"bad mode", context.Background(), repo.dir, Options{Dirty: "sometimes"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Collect(tt.ctx, tt.path, tt.opts)
			if err == nil || f != nil {
				t.Fatalf("Collect = %+v, %v; want error", f, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("error %v is not %v", err, tt.is)
			}
		})
	}
}

func TestWildmatch(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          bool
	}{
		{"*.log", "a.log", true},
		{"*.log", "dir/a.log", false},
		{"**/cache/**", "a/cache/b/c", true},
		{"**/cache/**", "cache/x", true},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/*/b", "a/x/y/b", false},
		{"foo?", "foo/", false},
		{"[a-c]x", "bx", true},
		{"[!a-c]x", "bx", false},
		{"[[:digit:]]*", "7up", true},
		{"\\*lit", "*lit", true},
		{"\\*lit", "xlit", false},
		{"[]]", "]", true},
		{"abc[", "abc[", false},
		{"**", "any/thing", true},
		{"x**y", "xaby", true},
	}
	for _, tt := range tests {
		if got := wildmatch(tt.pattern, tt.text); got != tt.want {
			t.Errorf("wildmatch(%q, %q) = %v, want %v", tt.pattern, tt.text, got, tt.want)
		}
	}
}

func TestVersionSort(t *testing.T) {
	in := []string{"v1.2.0", "v1.10.0", "v1.9.0", "v2.0.0-rc1", "v1.10.1", "v0.9"}
	sortVersionsDesc(in)
	want := "v2.0.0-rc1 v1.10.1 v1.10.0 v1.9.0 v1.2.0 v0.9"
	if got := strings.Join(in, " "); got != want {
		t.Errorf("sorted = %s, want %s", got, want)
	}
}

func TestConfigParse(t *testing.T) {
	c := newGitConfig()
	// go-git's format/config decoder gets the continuation ("a\n b"), the
	// legacy [section.Sub] header (a syntax error) and "key =" versus
	// "key" (both "") wrong.
	c.parse("[core]\n\tfileMode = false ; comment\n\tbare\n\tsymlinks =\n[remote \"origin\"]\n\turl = \"https://h/x\" # c\n[Remote \"Up\"]\n\tURL = a\\\n b\n[branch.Main]\n\tremote = origin\n", nil)
	tests := []struct{ key, want string }{
		{"branch.main.remote", "origin"},
		{"core.filemode", "false"},
		{"core.bare", "true"},
		{"remote.origin.url", "https://h/x"},
		{"remote.Up.url", "a b"},
	}
	for _, tt := range tests {
		if got, _ := c.get(tt.key); got != tt.want {
			t.Errorf("get(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
	if c.boolean("core.fileMode", true) {
		t.Error("core.fileMode should be false")
	}
	if !c.boolean("core.bare", false) || c.boolean("core.symlinks", true) {
		t.Error(`a bare "key" is true and "key =" is false, as in git`)
	}
}

// When HEAD cannot be read, the work tree is not compared with an empty tree
// (which would call every clean repository dirty): the answer is git's own,
// and unknown, with the reason, where git cannot answer either.
func TestDirtyWhenHeadUnreadable(t *testing.T) {
	tests := []struct {
		name      string
		breakRepo func(r *gitRepo)
	}{
		{"HEAD commit object missing", func(r *gitRepo) {
			dirs, _ := filepath.Glob(filepath.Join(r.dir, ".git", "objects", "??"))
			for _, d := range dirs {
				must(t, os.RemoveAll(d))
			}
		}},
		{"garbage after HEAD's ref", func(r *gitRepo) {
			must(t, os.WriteFile(filepath.Join(r.dir, ".git", "HEAD"), []byte("ref: refs/heads/main\x00\xff junk\n"), 0o600))
		}},
		{"HEAD symref loop", func(r *gitRepo) {
			must(t, os.WriteFile(filepath.Join(r.dir, ".git", "refs", "heads", "main"), []byte("ref: refs/heads/main\n"), 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t).basic()
			tt.breakRepo(r)
			f, err := Collect(context.Background(), r.dir, Options{LookupEnv: noEnv})
			if err != nil {
				return // refusing the repository outright is also not a wrong answer
			}
			out, gitErr := r.tryGitIn(r.dir, "status", "--porcelain")
			if gitErr != nil {
				if f.Dirty != nil || f.Unknown[FactDirty] == "" {
					t.Errorf("git cannot answer (%v) but dirty = %v (reason %q), want unknown with a reason", gitErr, fmtBool(f.Dirty), f.Unknown[FactDirty])
				}
				return
			}
			want := strings.TrimSpace(out) != ""
			if f.Dirty == nil || *f.Dirty != want {
				t.Errorf("dirty = %s, git status says %v", fmtBool(f.Dirty), want)
			}
		})
	}
}
