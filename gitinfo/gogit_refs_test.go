package gitinfo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// TestGoGitCorruptedRefs: with git hidden from PATH, a ref that is not
// exactly an object name, or names no readable commit, leaves the HEAD
// facts unknown with the reason; go-git never makes up a commit from the
// hex it could decode. The git CLI refuses them too.
func TestGoGitCorruptedRefs(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(r *gitRepo, head string) // head: HEAD's commit
		want    string                        // the reason names this
		valid   bool                          // git reads it as HEAD's commit too
	}{
		{"loose ref with non-hex digits", func(r *gitRepo, head string) {
			r.Write(".git/refs/heads/main", head[:6]+"zz"+head[8:]+"\n")
		}, "not an object name", false},
		{"loose ref one digit short", func(r *gitRepo, head string) {
			r.Write(".git/refs/heads/main", head[:39]+"\n")
		}, "not an object name", false},
		{"loose ref empty", func(r *gitRepo, _ string) { r.Write(".git/refs/heads/main", "") }, "", false},
		{"loose ref naming no object", func(r *gitRepo, head string) {
			r.Write(".git/refs/heads/main", head[:6]+strings.Repeat("0", 34)+"\n")
		}, "reading HEAD's commit", false},
		{"packed-refs corrupted", func(r *gitRepo, head string) {
			r.Git("pack-refs", "--all")
			p := filepath.Join(r.Dir, ".git", "packed-refs")
			b, err := os.ReadFile(p) //nolint:gosec // the test's repository
			must(t, err)
			must(t, os.WriteFile(p, []byte(strings.ReplaceAll(string(b), head, "22677azz"+head[8:])), 0o600))
		}, "not an object name", false},
		{"HEAD a symref to a corrupt ref", func(r *gitRepo, head string) {
			r.Write(".git/refs/heads/broken", "22677azz"+head[8:]+"\n")
			r.Write(".git/HEAD", "ref: refs/heads/broken\n")
		}, "refs/heads/broken holds", false},
		{"detached HEAD corrupt", func(r *gitRepo, head string) {
			r.Write(".git/HEAD", head[:30]+"xyz"+head[33:]+"\n")
		}, "HEAD holds", false},
		{"loose ref with trailing words (git reads it)", func(r *gitRepo, head string) {
			r.Write(".git/refs/heads/main", head+"\tgarbage after\n")
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t).basic()
			head := r.Git("rev-parse", "HEAD")
			tt.corrupt(r, head)
			gitCommit, _ := r.TryGit("rev-parse", "-q", "--verify", "HEAD^{commit}")
			if tt.valid != (gitCommit == head) {
				t.Fatalf("git reads HEAD as %q; the case expects valid=%v", gitCommit, tt.valid)
			}
			t.Setenv("PATH", t.TempDir())
			f, err := Collect(context.Background(), r.Dir, Options{})
			switch {
			case err != nil:
				t.Fatalf("Collect: %v", err)
			case tt.valid && f.Commit != head:
				t.Errorf("Commit = %q, want %s (unknown: %q)", f.Commit, head, f.Unknown[FactCommit])
			case !tt.valid && (f.Commit != "" || f.ShortCommit != "" || !f.CommitTime.IsZero() || f.Author != "" || len(f.Tags) > 0):
				t.Errorf("facts %+v from a ref that names no commit", f)
			case !tt.valid && !strings.Contains(f.Unknown[FactCommit], tt.want):
				t.Errorf("Unknown[commit] = %q, want a reason naming %q", f.Unknown[FactCommit], tt.want)
			}
		})
	}
}

// FuzzGoGitRefs writes random content to HEAD, to the loose ref of main or
// to packed-refs, and asks the go-git engine (as Collect does with git
// hidden from PATH): the commit it reports is "" or names an object of the
// repository; it never panics.
func FuzzGoGitRefs(f *testing.F) {
	testrepo.NeedGit(f)
	r := &gitRepo{Repo: testrepo.Init(f)}
	r.Write("a.txt", "a\n")
	r.CommitAll("first")
	r.Git("tag", "-a", "-m", "t", "v1")
	head := r.Git("rev-parse", "HEAD")
	objects := map[string]bool{}
	for _, o := range strings.Fields(r.Git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)")) {
		objects[o] = true
	}
	for _, seed := range []struct {
		target  uint8
		content string
	}{
		{0, head + "\n"}, {0, "22677azz" + head[8:] + "\n"}, {0, head[:39]}, {0, ""}, {0, "ref: refs/heads/main\n"},
		{1, "# pack-refs with: peeled fully-peeled sorted \n" + head + " refs/heads/main\n"},
		{1, "zz" + head[2:] + " refs/heads/main\n"}, {1, head + "  refs/heads/main\n^" + head + "\n"},
		{2, "ref: refs/heads/main\n"}, {2, head + "\n"}, {2, "ref: refs/tags/v1\n"}, {2, "ref: ../../x\n"}, {2, head[:20] + "\x00\xff"},
	} {
		f.Add(seed.target, []byte(seed.content))
	}
	git := filepath.Join(r.Dir, ".git")
	f.Fuzz(func(t *testing.T, target uint8, content []byte) {
		must(t, os.WriteFile(filepath.Join(git, "HEAD"), []byte("ref: refs/heads/main\n"), 0o600))
		must(t, os.WriteFile(filepath.Join(git, "refs", "heads", "main"), []byte(head+"\n"), 0o600))
		_ = os.Remove(filepath.Join(git, "packed-refs"))
		switch target % 3 {
		case 0:
			must(t, os.WriteFile(filepath.Join(git, "refs", "heads", "main"), content, 0o600))
		case 1:
			must(t, os.Remove(filepath.Join(git, "refs", "heads", "main")))
			must(t, os.WriteFile(filepath.Join(git, "packed-refs"), content, 0o600))
		case 2:
			must(t, os.WriteFile(filepath.Join(git, "HEAD"), content, 0o600))
		}
		got, err := collectGoGit(r.Dir, DirtyAll, Options{})
		if err != nil {
			return // refusing the repository names no commit either
		}
		if got.Commit != "" && !objects[got.Commit] {
			t.Fatalf("Commit %q names no object of the repository (content %q)", got.Commit, content)
		}
		if got.Commit == "" && got.Unknown[FactCommit] == "" {
			t.Fatalf("no commit and no reason (content %q)", content)
		}
	})
}
