package gitinfo

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// lsFiles returns "mode oid stage\tpath" lines as git prints them.
func lsFiles(r *gitRepo) []string {
	out := r.git("ls-files", "-s")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

func TestReadIndexMatchesGit(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(r *gitRepo)
		check   func(t *testing.T, idx *gitIndex)
	}{
		{"v2", func(r *gitRepo) { r.git("update-index", "--index-version", "2") }, nil},
		{"v3 with skip-worktree", func(r *gitRepo) {
			r.git("update-index", "--skip-worktree", "docs/guide.txt")
		}, func(t *testing.T, idx *gitIndex) {
			if idx.version != 3 {
				t.Errorf("version = %d, want 3", idx.version)
			}
		}},
		{"v4", func(r *gitRepo) { r.git("update-index", "--index-version", "4") }, func(t *testing.T, idx *gitIndex) {
			if idx.version != 4 {
				t.Errorf("version = %d, want 4", idx.version)
			}
		}},
		{"intent to add", func(r *gitRepo) { r.write("ita", "x"); r.git("add", "-N", "ita") }, func(t *testing.T, idx *gitIndex) {
			found := false
			for _, e := range idx.entries {
				if e.path == "ita" && e.intentToAdd() {
					found = true
				}
			}
			if !found {
				t.Error("intent-to-add flag not read")
			}
		}},
		{"cache tree valid", func(r *gitRepo) { r.git("read-tree", "HEAD") }, func(t *testing.T, idx *gitIndex) {
			if idx.tree == nil || idx.tree.entries < 0 {
				t.Fatal("no valid TREE extension")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t).basic()
			tt.prepare(r)
			idx, err := readIndexFile(filepath.Join(r.dir, ".git", "index"), 20)
			if err != nil {
				t.Fatal(err)
			}
			want := lsFiles(r)
			if len(idx.entries) != len(want) {
				t.Fatalf("%d entries, git has %d", len(idx.entries), len(want))
			}
			for i, e := range idx.entries {
				got := strconv.FormatUint(uint64(e.mode), 8) + " " + e.id.String() + " " + strconv.Itoa(e.stage()) + "\t" + e.path
				if got != want[i] {
					t.Errorf("entry %d = %q, git says %q", i, got, want[i])
				}
			}
			if tt.check != nil {
				tt.check(t, idx)
			}
			if idx.tree != nil && idx.tree.entries >= 0 {
				head := r.git("rev-parse", "HEAD^{tree}")
				if got := indexTree(idx.entries, nil, 20).String(); got != head && !strings.Contains(tt.name, "intent") {
					t.Errorf("tree computed from entries = %s, HEAD tree %s", got, head)
				}
			}
		})
	}
}

func TestIndexSplitAndSkipHash(t *testing.T) {
	r := newRepo(t).basic()
	data, err := os.ReadFile(filepath.Join(r.dir, ".git", "index"))
	must(t, err)
	// index.skipHash writes a zero checksum (git >= 2.40); emulate it.
	zeroed := append([]byte{}, data...)
	copy(zeroed[len(zeroed)-20:], make([]byte, 20))
	idx, err := parseIndex(zeroed, 20)
	if err != nil || !idx.skipHash || len(idx.entries) == 0 {
		t.Fatalf("skipHash index: %v skip=%v", err, idx != nil && idx.skipHash)
	}
	r.git("update-index", "--split-index")
	idx, err = readIndexFile(filepath.Join(r.dir, ".git", "index"), 20)
	must(t, err)
	if idx.splitBase == "" {
		t.Fatal("split index not detected")
	}
	_, err = checkDirty(context.Background(), mustDiscover(t, r.dir), newODB(filepath.Join(r.dir, ".git/objects"), 20), "", DirtyAll)
	if !errors.Is(err, errUnsupported) {
		t.Fatalf("checkDirty on split index: %v, want errUnsupported", err)
	}
}

func mustDiscover(t *testing.T, dir string) *repository {
	t.Helper()
	r, err := discover(dir)
	must(t, err)
	return r
}

// minimalIndex builds a one-entry v2 index by hand (seed when git is absent).
func minimalIndex() []byte {
	b := []byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x01")
	e := make([]byte, 62)
	binary.BigEndian.PutUint32(e[24:], 0o100644)
	binary.BigEndian.PutUint16(e[60:], 1)
	e = append(e, 'a', 0)
	for len(e)%8 != 0 {
		e = append(e, 0)
	}
	b = append(b, e...)
	return append(b, make([]byte, 20)...)
}

func FuzzParseIndex(f *testing.F) {
	f.Add(minimalIndex())
	if gitBin != "" {
		for _, v := range []string{"2", "3", "4"} {
			dir, err := os.MkdirTemp("", "fuzzidx")
			if err != nil {
				f.Fatal(err)
			}
			r := &gitRepo{t: f, dir: dir}
			r.git("init", "-q")
			r.basic()
			r.git("update-index", "--index-version", v)
			if v == "3" {
				r.git("update-index", "--skip-worktree", "README.md")
			}
			if data, err := os.ReadFile(filepath.Join(dir, ".git", "index")); err == nil {
				f.Add(data)
			}
			_ = os.RemoveAll(dir)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := parseIndex(data, 20)
		if err != nil {
			return
		}
		if idx.version < 2 || idx.version > 4 {
			t.Fatalf("accepted version %d", idx.version)
		}
		for i := 1; i < len(idx.entries) && idx.splitBase == ""; i++ {
			if idx.entries[i].path < idx.entries[i-1].path {
				t.Fatal("entries out of order")
			}
		}
		_ = indexTree(idx.entries, idx.tree, 20)
	})
}
