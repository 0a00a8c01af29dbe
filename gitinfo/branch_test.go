package gitinfo

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestBranchPrecedence checks where Facts.Branch comes from: the checked-out
// branch, else (detached HEAD) the CI's branch, else the single local branch
// pointing at HEAD.
func TestBranchPrecedence(t *testing.T) {
	githubPR := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "1", "GITHUB_REPOSITORY": "org/repo",
		"GITHUB_REF": "refs/pull/7/merge", "GITHUB_REF_NAME": "7/merge", "GITHUB_REF_TYPE": "branch",
		"GITHUB_HEAD_REF": "feature/x", "GITHUB_BASE_REF": "main",
	}
	githubPush := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "2", "GITHUB_REPOSITORY": "org/repo",
		"GITHUB_REF": "refs/heads/release/1.x", "GITHUB_REF_NAME": "release/1.x", "GITHUB_REF_TYPE": "branch",
	}
	githubTag := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "3", "GITHUB_REPOSITORY": "org/repo",
		"GITHUB_REF": "refs/tags/v1.0.0", "GITHUB_REF_NAME": "v1.0.0", "GITHUB_REF_TYPE": "tag",
	}
	gitlabMR := map[string]string{
		"GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_MERGE_REQUEST_IID": "5",
		"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "topic",
	}
	tests := []struct {
		name     string
		detached bool
		env      map[string]string
		want     string
	}{
		{"detached, main at HEAD, GitHub pull request", true, githubPR, "feature/x"},
		{"detached, main at HEAD, GitHub branch push", true, githubPush, "release/1.x"},
		{"detached, main at HEAD, GitLab merge request", true, gitlabMR, "topic"},
		{"detached, main at HEAD, GitHub tag build", true, githubTag, "main"},
		{"detached, main at HEAD, no CI", true, nil, "main"},
		{"attached main, GitHub pull request", false, githubPR, "main"},
		{"attached main, no CI", false, nil, "main"},
	}
	r := newRepo(t).basic()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.detached {
				r.Git("checkout", "-q", "--detach", "main")
			} else {
				r.Git("checkout", "-q", "main")
			}
			f, err := Collect(context.Background(), r.Dir, Options{Dirty: DirtyOff, CI: DetectCI(envOf(tt.env))})
			if err != nil {
				t.Fatal(err)
			}
			if f.Branch != tt.want {
				t.Errorf("Branch = %q, want %q (unknown: %v)", f.Branch, tt.want, f.Unknown)
			}
		})
	}
}

func TestCollectPathErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "template")
	_, err := Collect(context.Background(), missing, Options{})
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrNotRepository) {
		t.Fatalf("missing path: error %v, want one wrapping fs.ErrNotExist only", err)
	}
	if !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "no-such-dir") {
		t.Errorf("missing path: error %q should name the path and say it does not exist", err)
	}
	_, err = Collect(context.Background(), t.TempDir(), Options{})
	if !errors.Is(err, ErrNotRepository) || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("existing non-repository path: error %v, want one wrapping ErrNotRepository only", err)
	}
}

// TestBranchFrom: Facts.BranchFrom says where the branch came from, for a
// message that explains it.
func TestBranchFrom(t *testing.T) {
	ci := DetectCI(envOf(map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "1", "GITHUB_REPOSITORY": "org/repo",
		"GITHUB_REF": "refs/heads/release", "GITHUB_REF_NAME": "release", "GITHUB_REF_TYPE": "branch",
	}))
	tests := []struct {
		name         string
		setup        func(r *gitRepo)
		ci           *CI
		branch, from string
	}{
		{"checked out", func(*gitRepo) {}, ci, "main", BranchCheckedOut},
		{"detached, the CI's branch", func(r *gitRepo) { r.Git("checkout", "-q", "--detach") }, ci, "release", BranchCI},
		{"detached, the one branch at HEAD", func(r *gitRepo) { r.Git("checkout", "-q", "--detach") }, nil, "main", BranchAtHead},
		{"detached, two branches at HEAD", func(r *gitRepo) {
			r.Git("branch", "other")
			r.Git("checkout", "-q", "--detach")
		}, nil, "", ""},
		{"detached, no branch at HEAD", func(r *gitRepo) { r.DetachOnNewCommit() }, nil, "", ""},
		{"a stopped rebase", func(r *gitRepo) {
			r.Git("checkout", "-q", "-b", "feature")
			r.Write("README.md", "feature\n")
			r.CommitAll("feature")
			r.Git("checkout", "-q", "main")
			r.Write("README.md", "main\n")
			r.CommitAll("main")
			r.Git("checkout", "-q", "feature")
			if _, err := r.TryGit("rebase", "main"); err == nil {
				t.Fatal("rebase did not stop")
			}
		}, ci, "feature", BranchRebase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t).basic()
			tt.setup(r)
			f, err := Collect(context.Background(), r.Dir, Options{Dirty: DirtyOff, CI: tt.ci})
			if err != nil {
				t.Fatal(err)
			}
			if f.Branch != tt.branch || f.BranchFrom != tt.from {
				t.Errorf("Branch %q from %q, want %q from %q", f.Branch, f.BranchFrom, tt.branch, tt.from)
			}
		})
	}
}
