package gitinfo

import (
	"context"
	"path/filepath"
	"testing"
)

// TestTree: the tree of the described directory at HEAD, left out when that
// directory has changes.
func TestTree(t *testing.T) {
	cases := []struct {
		name   string
		sub    string // the directory described
		mode   DirtyMode
		change func(r *gitRepo)
		want   func(r *gitRepo) string // "" when Tree must be unknown
	}{
		{name: "clean root", want: func(r *gitRepo) string { return r.Git("rev-parse", "HEAD^{tree}") }},
		{name: "clean subdirectory", sub: "src", want: func(r *gitRepo) string { return r.Git("rev-parse", "HEAD:src") }},
		{
			name: "change elsewhere keeps the subdirectory's tree", sub: "src",
			change: func(r *gitRepo) { r.Write("docs/guide.txt", "changed\n") },
			want:   func(r *gitRepo) string { return r.Git("rev-parse", "HEAD:src") },
		},
		{
			name: "change inside leaves it out", sub: "src",
			change: func(r *gitRepo) { r.Write("src/pkg/util.go", "package changed\n") },
		},
		{
			name: "untracked file inside leaves it out", sub: "src",
			change: func(r *gitRepo) { r.Write("src/new.go", "package main\n") },
		},
		{
			name: "untracked file inside with the tracked check keeps it", sub: "src", mode: DirtyTracked,
			change: func(r *gitRepo) { r.Write("src/new.go", "package main\n") },
			want:   func(r *gitRepo) string { return r.Git("rev-parse", "HEAD:src") },
		},
		{
			name: "ignored file inside keeps it", sub: "src",
			change: func(r *gitRepo) { r.Write("src/debug.log", "log\n") },
			want:   func(r *gitRepo) string { return r.Git("rev-parse", "HEAD:src") },
		},
		{name: "dirty check off leaves it out", sub: "src", mode: DirtyOff},
		{
			name: "directory not in HEAD", sub: "fresh",
			change: func(r *gitRepo) { r.Write("fresh/.gitignore", "*\n") },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t).basic()
			if tc.change != nil {
				tc.change(r)
			}
			f, err := Collect(context.Background(), filepath.Join(r.Dir, tc.sub), Options{Dirty: tc.mode})
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if tc.want != nil {
				want = tc.want(r)
			}
			if f.Tree != want {
				t.Fatalf("Tree = %q, want %q (unknown: %q)", f.Tree, want, f.Unknown[FactTree])
			}
			if want == "" && f.Unknown[FactTree] == "" {
				t.Fatal("Tree left out without a reason in Unknown")
			}
		})
	}
}

// TestIgnorePaths: the caller's own output file never makes the work tree
// dirty, while any other change still does.
func TestIgnorePaths(t *testing.T) {
	cases := []struct {
		name   string
		files  map[string]string
		ignore []string
		dirty  bool
	}{
		{name: "only the ignored output", files: map[string]string{"out/enriched.json": "{}"}, ignore: []string{"out/enriched.json"}},
		{name: "tracked output changed", files: map[string]string{"README.md": "new\n"}, ignore: []string{"README.md"}},
		{name: "output and another file", files: map[string]string{"out/enriched.json": "{}", "other.txt": "x"}, ignore: []string{"out/enriched.json"}, dirty: true},
		{name: "nothing ignored", files: map[string]string{"out/enriched.json": "{}"}, dirty: true},
		{name: "ignored path outside the work tree", files: map[string]string{"out/enriched.json": "{}"}, ignore: []string{"/nonexistent/enriched.json"}, dirty: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t).basic()
			for p, c := range tc.files {
				r.Write(p, c)
			}
			var ignore []string
			for _, p := range tc.ignore {
				if !filepath.IsAbs(p) {
					p = filepath.Join(r.Dir, p)
				}
				ignore = append(ignore, p)
			}
			f, err := Collect(context.Background(), r.Dir, Options{IgnorePaths: ignore})
			if err != nil {
				t.Fatal(err)
			}
			if f.Dirty == nil || *f.Dirty != tc.dirty {
				t.Fatalf("Dirty = %v, want %v (unknown: %q)", f.Dirty, tc.dirty, f.Unknown[FactDirty])
			}
			if !tc.dirty && f.Tree == "" {
				t.Fatalf("Tree unknown in a work tree clean but for ignored paths: %q", f.Unknown[FactTree])
			}
		})
	}
}
