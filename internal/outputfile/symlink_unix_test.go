//go:build !windows

package outputfile

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The kernel's fs.protected_symlinks rule, as enrich applies it to output.
func TestProtectedLink(t *testing.T) {
	const me, dirOwner, other = 1000, 0, 2000
	cases := []struct {
		name    string
		dirMode fs.FileMode
		linkUID uint32
		want    bool
	}{
		{"another user's link in a sticky world-writable directory", fs.ModeDir | fs.ModeSticky | 0o777, other, true},
		{"the user's own link there", fs.ModeDir | fs.ModeSticky | 0o777, me, false},
		{"the directory owner's link there", fs.ModeDir | fs.ModeSticky | 0o777, dirOwner, false},
		{"another user's link in a world-writable directory that is not sticky", fs.ModeDir | 0o777, other, false},
		{"another user's link in a sticky directory that is not world-writable", fs.ModeDir | fs.ModeSticky | 0o775, other, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := protectedLink(tc.dirMode, dirOwner, tc.linkUID, me); got != tc.want {
				t.Errorf("protectedLink = %v, want %v", got, tc.want)
			}
		})
	}
}

// A symlinked output in a sticky, world-writable directory (as /tmp) that
// another user planted is refused by Resolve (at Configure) and again before writing,
// naming output; the file it points to is never written. Runs as root
// only, to own links as another user.
func TestOutputProtectedSymlinks(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to plant links as another user")
	}
	const nobody = 65534
	cases := []struct {
		name    string
		dirMode fs.FileMode // of the directory holding the links
		dirUID  int
		// plant makes the output path in dir, pointing (maybe through
		// links) at target.
		plant   func(t *testing.T, dir, target string) string
		refused bool
	}{
		{"another user's link in a sticky world-writable directory", 0o777 | fs.ModeSticky, 0,
			func(t *testing.T, dir, target string) string {
				return link(t, target, filepath.Join(dir, "enriched.json"), nobody)
			}, true},
		{"the user's own link there", 0o777 | fs.ModeSticky, 0,
			func(t *testing.T, dir, target string) string {
				return link(t, target, filepath.Join(dir, "enriched.json"), 0)
			}, false},
		{"the directory owner's link there", 0o777 | fs.ModeSticky, nobody,
			func(t *testing.T, dir, target string) string {
				return link(t, target, filepath.Join(dir, "enriched.json"), nobody)
			}, false},
		{"another user's link in a directory that is not sticky", 0o777, 0,
			func(t *testing.T, dir, target string) string {
				return link(t, target, filepath.Join(dir, "enriched.json"), nobody)
			}, false},
		{"another user's link to a directory, on the way", 0o777 | fs.ModeSticky, 0,
			func(t *testing.T, dir, target string) string {
				return filepath.Join(link(t, filepath.Dir(target), filepath.Join(dir, "out"), nobody), filepath.Base(target))
			}, true},
		{"the user's own link to another user's link", 0o777 | fs.ModeSticky, 0,
			func(t *testing.T, dir, target string) string {
				planted := link(t, target, filepath.Join(dir, "planted.json"), nobody)
				return link(t, planted, filepath.Join(t.TempDir(), "enriched.json"), 0)
			}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			dir := filepath.Join(base, "tmp")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tc.dirMode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(dir, tc.dirUID, tc.dirUID); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(base, "real", "enriched.json")
			if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			const content = `{"builds": {}, "owner": "root"}`
			writeFile(t, target, content)

			// Before the link exists the output is a path to create, so
			// Configure (which calls Resolve) accepts it; the link is
			// planted before writing.
			out := filepath.Join(dir, "later.json")
			if _, err := Resolve(out); err != nil {
				t.Fatalf("Resolve before the link: %v", err)
			}
			out = tc.plant(t, dir, target)

			_, cerr := Resolve(out)
			_, werr := writeEntry(context.Background(), out, entry("web", "1"), nil)
			if !tc.refused {
				if cerr != nil || werr != nil {
					t.Fatalf("Resolve: %v; Write: %v; want the link followed", cerr, werr)
				}
				if got := readOutput(t, target); got["web"].ArtifactID != "1" {
					t.Errorf("the target was not written: %v", got)
				}
				return
			}
			for what, err := range map[string]error{"Resolve": cerr, "Write": werr} {
				if err == nil || !strings.Contains(err.Error(), "output: "+out) || !strings.Contains(err.Error(), "fs.protected_symlinks") {
					t.Errorf("%s: %v, want the link refused, naming output", what, err)
				}
			}
			mustContent(t, target, content)
		})
	}
}

// link makes a symlink at path to target, owned by uid, and returns path.
func link(t *testing.T, target, path string, uid int) string {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(path, uid, uid); err != nil {
		t.Fatal(err)
	}
	return path
}
