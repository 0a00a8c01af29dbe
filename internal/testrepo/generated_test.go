package testrepo

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestGenerated: a generated repository has its shape's files, commits and
// annotated tags, the same commit IDs on every machine, a clean work tree
// and an https origin with credentials; it is cached under os.TempDir() by
// shape with a .ready marker, and with Clones, Variants stand beside it at
// the same HEAD, the commit-graph ones with a commit-graph.
func TestGenerated(t *testing.T) {
	NeedGit(t)
	t.Setenv("TMPDIR", t.TempDir())
	for _, tc := range []struct {
		shape    Shape
		cache    string // its directory under os.TempDir()
		files    int    // the shape's files and .gitignore
		tags     int
		head     string
		describe string // without the short commit
	}{
		{
			shape: Shape{Name: "tiny", Dirs: 2, Subdirs: 3, Files: 4, Commits: 30, Tags: 3, TagEvery: 7, Clones: true},
			cache: "enrich-bench-v1-2x3x4f-30c-3t-every7-clones",
			files: 25, tags: 3, head: "c0ed2ab47c09901615b9bcadb738a8dc886c35a9", describe: "v1.3.0-9-g",
		},
		{
			shape: Shape{Name: "tiny-tagless", Dirs: 1, Subdirs: 2, Files: 3, Commits: 12},
			cache: "enrich-bench-v1-1x2x3f-12c-0t-every0",
			files: 7, tags: 0, head: "600bba29873fcb95eef00a7a6d06ab54c61effcc", describe: "",
		},
	} {
		t.Run(tc.shape.Name, func(t *testing.T) {
			repo := Generated(t, tc.shape)
			if want := filepath.Join(os.TempDir(), tc.cache, "refreshed"); repo != want {
				t.Errorf("repository at %s, want %s", repo, want)
			}
			if again := Generated(t, tc.shape); again != repo {
				t.Errorf("second call: %s, want %s", again, repo)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(repo), ".ready")); err != nil {
				t.Errorf("no .ready marker: %v", err)
			}
			r := Open(t, repo)
			head := r.Git("rev-parse", "HEAD")
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"rev-parse", "HEAD"}, tc.head},
				{[]string{"rev-list", "--count", "HEAD"}, strconv.Itoa(tc.shape.Commits)},
				{[]string{"describe", "--tags", "--always", "HEAD"}, tc.describe + head[:7]},
				{[]string{"status", "--porcelain"}, ""},
				{[]string{"remote", "get-url", "origin"}, remoteURL},
			} {
				if got := r.Git(c.args...); got != c.want {
					t.Errorf("git %s = %q, want %q", strings.Join(c.args, " "), got, c.want)
				}
			}
			if got := len(strings.Fields(r.Git("ls-files"))); got != tc.files {
				t.Errorf("%d files, want %d", got, tc.files)
			}
			tags := strings.Fields(r.Git("for-each-ref", "--format=%(objecttype)", "refs/tags/"))
			if len(tags) != tc.tags || strings.Count(strings.Join(tags, " "), "tag") != tc.tags {
				t.Errorf("tags of types %q, want %d annotated tags", tags, tc.tags)
			}
			if !tc.shape.Clones {
				return
			}
			for _, v := range Variants[1:] {
				c := Open(t, filepath.Join(filepath.Dir(repo), v))
				if got := c.Git("rev-parse", "HEAD"); got != head {
					t.Errorf("%s: HEAD %s, want %s", v, got, head)
				}
				if got := c.Git("remote", "get-url", "origin"); got != remoteURL {
					t.Errorf("%s: origin %q, want %q", v, got, remoteURL)
				}
				_, err := os.Stat(filepath.Join(c.Dir, ".git", "objects", "info", "commit-graph"))
				if hasGraph := err == nil; hasGraph != strings.HasSuffix(v, "-commit-graph") {
					t.Errorf("%s: has a commit-graph: %v", v, hasGraph)
				}
			}
		})
	}
}

// TestGeneratedRemovesAbandoned: generating a shape removes the temporary
// directories of its interrupted runs, untouched for over an hour, and
// leaves those that may be another process's, under way.
func TestGeneratedRemovesAbandoned(t *testing.T) {
	NeedGit(t)
	t.Setenv("TMPDIR", t.TempDir())
	s := Shape{Name: "abandoned", Dirs: 1, Subdirs: 1, Files: 2, Commits: 3}
	abandoned := filepath.Join(os.TempDir(), s.dirName()+".tmp-1")
	underWay := filepath.Join(os.TempDir(), s.dirName()+".tmp-2")
	for _, d := range []string{abandoned, underWay} {
		WriteFile(t, filepath.Join(d, "refreshed", "file"), "partial\n")
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(abandoned, old, old); err != nil {
		t.Fatal(err)
	}
	Generated(t, s)
	if _, err := os.Stat(abandoned); !os.IsNotExist(err) {
		t.Errorf("the abandoned directory is still there: %v", err)
	}
	if _, err := os.Stat(underWay); err != nil {
		t.Errorf("the directory under way was removed: %v", err)
	}
}
