package gitinfo

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// TestChanged: the dirty check lists the first MaxChanged changed paths, as
// git status reports them relative to the work tree root, and counts them
// all.
func TestChanged(t *testing.T) {
	tests := []struct {
		name   string
		sub    string // the directory collected in
		mode   DirtyMode
		ignore string // a path the caller ignores
		change func(r *gitRepo)
		want   []string
		count  int
	}{
		{name: "clean"},
		{name: "one modified file", change: func(r *gitRepo) { r.Write("README.md", "edited\n") }, want: []string{"README.md"}, count: 1},
		{name: "staged and modified again is one change", change: func(r *gitRepo) {
			r.Write("README.md", "staged\n")
			r.Git("add", "README.md")
			r.Write("README.md", "and again\n")
		}, want: []string{"README.md"}, count: 1},
		{name: "untracked directory is one entry", change: func(r *gitRepo) {
			r.Write("new/a.txt", "a\n")
			r.Write("new/b.txt", "b\n")
		}, want: []string{"new/"}, count: 1},
		{name: "tracked before untracked", change: func(r *gitRepo) {
			r.Write("a-new.txt", "n\n")
			r.Write("src/main.go", "package main // edited\n")
		}, want: []string{"src/main.go", "a-new.txt"}, count: 2},
		{name: "twelve changes, the first ten listed", change: func(r *gitRepo) {
			for i := range 12 {
				r.Write(fmt.Sprintf("f%02d.txt", i), "x\n")
			}
		}, want: []string{"f00.txt", "f01.txt", "f02.txt", "f03.txt", "f04.txt", "f05.txt", "f06.txt", "f07.txt", "f08.txt", "f09.txt"}, count: 12},
		{name: "paths from the root when collected in a subdirectory", sub: "src", change: func(r *gitRepo) {
			r.Write("docs/guide.txt", "edited\n")
		}, want: []string{"docs/guide.txt"}, count: 1},
		{name: "deleted file", change: func(r *gitRepo) { r.Git("rm", "-q", "docs/guide.txt") }, want: []string{"docs/guide.txt"}, count: 1},
		{name: "name with spaces", change: func(r *gitRepo) { r.Write("with space.txt", "x\n") }, want: []string{"with space.txt"}, count: 1},
		{name: "untracked only, tracked check", mode: DirtyTracked, change: func(r *gitRepo) { r.Write("new.txt", "x\n") }},
		{name: "ignored output file", ignore: "out.json", change: func(r *gitRepo) {
			r.Write("out.json", "{}\n")
			r.Write("other.txt", "x\n")
		}, want: []string{"other.txt"}, count: 1},
		{name: "dirty check off", mode: DirtyOff, change: func(r *gitRepo) { r.Write("README.md", "edited\n") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t).basic()
			if tt.change != nil {
				tt.change(r)
			}
			opts := Options{Dirty: tt.mode}
			if tt.ignore != "" {
				opts.IgnorePaths = []string{filepath.Join(r.Dir, tt.ignore)}
			}
			f, err := Collect(context.Background(), filepath.Join(r.Dir, tt.sub), opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.Changed, tt.want) || f.ChangedCount != tt.count {
				t.Errorf("Changed = %q (%d), want %q (%d)", f.Changed, f.ChangedCount, tt.want, tt.count)
			}
			if tt.mode != DirtyOff && (f.Dirty == nil || *f.Dirty != (tt.count > 0)) {
				t.Errorf("Dirty = %s with %d changes", fmtBool(f.Dirty), tt.count)
			}
		})
	}
}

// TestChangedGoGit: without git the dirty check cannot run, and nothing is
// listed.
func TestChangedGoGit(t *testing.T) {
	r := newRepo(t).basic()
	r.Write("README.md", "edited\n")
	t.Setenv("PATH", t.TempDir())
	f, err := Collect(context.Background(), r.Dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Dirty != nil || f.Changed != nil || f.ChangedCount != 0 || f.Unknown[FactDirty] == "" {
		t.Errorf("Dirty %s, Changed %q (%d), reason %q; want unknown, none, with a reason", fmtBool(f.Dirty), f.Changed, f.ChangedCount, f.Unknown[FactDirty])
	}
}
