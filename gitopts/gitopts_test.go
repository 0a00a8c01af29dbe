package gitopts

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
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
}

func TestCollect(t *testing.T) {
	r := testrepo.New(t)
	noRepo := t.TempDir()
	gitlab := testrepo.Env(map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "7"})

	g, ci, note, err := Collect(context.Background(), Options{Path: r.Dir, LookupEnv: gitlab})
	if err != nil || note != "" || g == nil || g.Commit != r.Git("rev-parse", "HEAD") || ci == nil || ci.RunID != "7" {
		t.Errorf("in a repository: facts %+v, CI %+v, note %q, error %v", g, ci, note, err)
	}

	g, ci, note, err = Collect(context.Background(), Options{Path: noRepo, LookupEnv: gitlab})
	if err != nil || g != nil || ci == nil || ci.Provider != "gitlab-ci" || !strings.Contains(note, "no git labels") || !strings.Contains(note, "git_required") {
		t.Errorf("without a repository: facts %+v, CI %+v, note %q, error %v", g, ci, note, err)
	}

	_, _, _, err = Collect(context.Background(), Options{Path: noRepo, Required: true, LookupEnv: gitlab})
	if err == nil || !strings.Contains(err.Error(), "git_required is set") || !strings.Contains(err.Error(), noRepo) {
		t.Errorf("without a repository, required: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := Collect(ctx, Options{Path: r.Dir, Required: true}); err != nil && strings.Contains(err.Error(), "git_required") {
		t.Errorf("a cancelled collection is reported as a missing repository: %v", err)
	}
}
