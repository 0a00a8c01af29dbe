package options

import (
	"context"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

func TestCollect(t *testing.T) {
	r := testrepo.New(t)
	noRepo := t.TempDir()
	gitlab := testrepo.Env(map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "7"})

	c, err := (&Shared{GitPath: r.Dir}).Collect(context.Background(), gitlab, nil)
	if err != nil || c.Note != "" || c.Git == nil || c.Git.Commit != r.Git("rev-parse", "HEAD") || c.CI == nil || c.CI.RunID != "7" {
		t.Errorf("in a repository: %+v, error %v", c, err)
	}

	c, err = (&Shared{GitPath: noRepo}).Collect(context.Background(), gitlab, nil)
	if err != nil || c.Git != nil || c.CI == nil || c.CI.Provider != "gitlab-ci" || !strings.Contains(c.Note, "no git labels") || !strings.Contains(c.Note, "git_required") {
		t.Errorf("without a repository: %+v, error %v", c, err)
	}

	_, err = (&Shared{GitPath: noRepo, GitRequired: true}).Collect(context.Background(), gitlab, nil)
	if err == nil || !strings.Contains(err.Error(), "git_required is set") || !strings.Contains(err.Error(), noRepo) {
		t.Errorf("without a repository, required: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&Shared{GitPath: r.Dir, GitRequired: true}).Collect(ctx, gitlab, nil); err == nil || strings.Contains(err.Error(), "git_required") {
		t.Errorf("a cancelled collection is reported as a missing repository, or not at all: %v", err)
	}
}

func TestCheckRequired(t *testing.T) {
	notRepo := t.TempDir()
	ctx := context.Background()
	if err := (&Shared{GitPath: notRepo}).CheckRequired(ctx); err != nil {
		t.Errorf("not required: %v", err)
	}
	if err := (&Shared{GitPath: "<unknown>/x", GitRequired: true}).CheckRequired(ctx); err != nil {
		t.Errorf("unknown path: %v", err)
	}
	err := (&Shared{GitPath: notRepo, GitRequired: true}).CheckRequired(ctx)
	if err == nil || !strings.Contains(err.Error(), "git_required") || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("outside a repository: %v", err)
	}
	r := testrepo.New(t)
	if err := (&Shared{GitPath: r.Dir, GitRequired: true}).CheckRequired(ctx); err != nil {
		t.Errorf("inside a repository: %v", err)
	}
}
