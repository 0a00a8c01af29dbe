package options

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestChecks(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		err  error
		want []string // nil for no error
	}{
		{"default dirty_check", CheckDirtyCheck(""), nil},
		{"tracked", CheckDirtyCheck("tracked"), nil},
		{"unknown mode", CheckDirtyCheck("untracked"), []string{"dirty_check", `"untracked"`, `"all", "tracked", "off"`}},
		{"default git_path", CheckGitPath(""), nil},
		{"existing git_path", CheckGitPath(dir), nil},
		{"git_path unknown at validate time", CheckGitPath(Unknown), nil},
		{"missing git_path", CheckGitPath(filepath.Join(dir, "nope")), []string{"git_path", "nope", "does not exist"}},
		{"git_timeout", CheckGitTimeout(2 * time.Minute), nil},
		{"negative git_timeout", CheckGitTimeout(-time.Second), []string{"git_timeout", "-1s", "positive duration", `"30s"`}},
		{"default style", CheckStyle(""), nil},
		{"gce style", CheckStyle("gce"), nil},
		{"unknown style", CheckStyle("kebab"), []string{"label_style", `"kebab"`, `"snake", "oci", "gce"`}},
		{"prefix", CheckPrefix("acme.io/x-y_"), nil},
		{"prefix with space", CheckPrefix("acme "), []string{"label_prefix", `"acme "`, "letters, digits"}},
	}
	for _, tc := range cases {
		switch {
		case tc.want == nil && tc.err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, tc.err)
		case tc.want != nil && tc.err == nil:
			t.Errorf("%s: no error", tc.name)
		case tc.want != nil:
			for _, w := range tc.want {
				if !strings.Contains(tc.err.Error(), w) {
					t.Errorf("%s: %q lacks %q", tc.name, tc.err, w)
				}
			}
		}
	}
	errs := CheckExclude([]string{"git_tree", "git_sha", "source_ami", "ci_pull_request"}, []string{"source_ami"})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `exclude_labels[1]: "git_sha"`) || !strings.Contains(errs[0].Error(), `"git_commit"`) {
		t.Errorf("CheckExclude = %v, want one error for git_sha listing the valid names", errs)
	}
}

func TestPrepareDefaults(t *testing.T) {
	var s Shared
	if errs := s.Prepare(nil); len(errs) != 0 {
		t.Fatalf("Prepare of no options: %v", errs)
	}
	if s.LabelStyle != "snake" || s.DirtyCheck != "all" || s.GitTimeout != DefaultGitTimeout {
		t.Errorf("defaults: %+v", s)
	}
	bad := Shared{LabelStyle: "kebab", DirtyCheck: "some", LabelPrefix: "a b", GitTimeout: -1, ExcludeLabels: []string{"nope"}}
	errs := bad.Prepare(nil)
	var all []string
	for _, err := range errs {
		all = append(all, err.Error())
	}
	for _, option := range []string{"label_style", "dirty_check", "label_prefix", "git_timeout", "exclude_labels[0]"} {
		if !strings.Contains(strings.Join(all, "\n"), option+":") {
			t.Errorf("Prepare names no problem of %s: %q", option, all)
		}
	}
}
