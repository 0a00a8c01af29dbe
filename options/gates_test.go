package options

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

func ExampleShared_CheckGates() {
	s := Shared{DirtyCheck: "all", Require: Require{Clean: true, Tag: "v*", Branches: []string{"main"}}}
	dirty := true
	col := Collection{
		Git: &gitinfo.Facts{Root: "/src/images", Commit: "0123456789abcdef0123456789abcdef01234567", ShortCommit: "0123456",
			Branch: "main", Tags: []string{"nightly"}, Dirty: &dirty},
		CI: &gitinfo.CI{Provider: "gitlab-ci", Commit: "0123456789abcdef0123456789abcdef01234567", Tag: "v1.4.0"},
	}
	// The tag gate holds for the tag the CI builds; the work tree is dirty.
	fmt.Println(s.CheckGates(col))
	// Output:
	// require.clean: the work tree of /src/images has changes, as dirty_check = "all" counts them; commit or stash them (or ignore them in .gitignore), or set clean from a variable (clean = var.release) to build a work in progress
}

// The CI names HEAD only with a commit of at least 7 hex digits that HEAD's
// name starts with, in any case; its tag counts only then.
func TestCheckGatesCI(t *testing.T) {
	const head = "0123456789abcdef0123456789abcdef01234567"
	g := &gitinfo.Facts{Root: "/r", Commit: head, ShortCommit: "0123456", Branch: "main"}
	tag := Shared{Require: Require{Tag: "v*"}}
	for _, tc := range []struct {
		name string
		ci   *gitinfo.CI
		want string // "" when the gate holds
	}{
		{"full commit", &gitinfo.CI{Provider: "p", Commit: head, Tag: "v1"}, ""},
		{"upper case prefix", &gitinfo.CI{Provider: "p", Commit: "0123456789ABCDEF", Tag: "v1"}, ""},
		{"six digits", &gitinfo.CI{Provider: "p", Commit: "012345", Tag: "v1"}, `the CI (p) builds the tag "v1" for the commit "012345", too short to tell whether it is HEAD`},
		{"no commit", &gitinfo.CI{Provider: "p", Tag: "v1"}, `the CI (p) builds the tag "v1" without naming its commit`},
		{"another commit", &gitinfo.CI{Provider: "p", Commit: "fedcba9", Tag: "v1"}, `the CI (p) builds the tag "v1" for the commit fedcba9, not HEAD`},
		{"tag that does not match", &gitinfo.CI{Provider: "p", Commit: head, Tag: "nightly"}, `no tag points at HEAD, and the CI (p) builds the tag "nightly";`},
		{"no CI", nil, "no tag points at HEAD; tag HEAD"},
	} {
		err := tag.CheckGates(Collection{Git: g, CI: tc.ci})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want it to say %q", tc.name, err, tc.want)
		}
	}
}

// Every gate that does not hold is reported, each naming its option; no
// gate costs a collection.
func TestCheckGatesAll(t *testing.T) {
	dirty := true
	s := Shared{DirtyCheck: "all", Require: Require{Clean: true, Tag: "v*", Branches: []string{"main"}}}
	err := s.CheckGates(Collection{Git: &gitinfo.Facts{Root: "/r", Commit: "ab12345", Branch: "dev", Dirty: &dirty}})
	var lines []string
	if err != nil {
		lines = strings.Split(err.Error(), "\n")
	}
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "require.clean: ") || !strings.HasPrefix(lines[1], "require.tag: ") || !strings.HasPrefix(lines[2], "require.branches: ") {
		t.Errorf("CheckGates = %v, want one line per gate", err)
	}
	if err := (&Shared{}).CheckGates(Collection{}); err != nil {
		t.Errorf("no gate: %v", err)
	}
	if err := (&Shared{GitPath: t.TempDir()}).Gate(t.Context(), nil, nil); err != nil {
		t.Errorf("Gate without a gate read the repository: %v", err)
	}
	if (Require{Branches: []string{}}).Set() || !errors.Is(checkGlob("["), path.ErrBadPattern) {
		t.Error("an empty branches list sets a gate, or a bad glob is not refused")
	}
}
