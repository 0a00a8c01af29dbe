package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// standardRepo makes a repository (testrepo's) with two commits, the second
// tagged v1.2.0 and v1.10.0 (the newest version wins git_tag), a remote and
// the files, committed: a clean tree on branch main.
func standardRepo(t *testing.T, remote string, files map[string]string) *testrepo.Repo {
	t.Helper()
	r := testrepo.Init(t)
	r.Write("README.md", "images\n")
	r.Write(".gitignore", "out/\n")
	r.CommitAll("first")
	r.Git("tag", "-a", "v1.0.0", "-m", "v1.0.0")
	for name, content := range files {
		r.Write(name, content)
	}
	r.CommitAll("templates")
	r.Git("tag", "v1.2.0")
	r.Git("tag", "-a", "v1.10.0", "-m", "v1.10.0")
	if remote != "" {
		r.Git("remote", "add", "origin", remote)
	}
	return r
}

// gitLabels is what git itself says about HEAD, as the enrich labels that
// hold it: the suite's oracle. remote is the expected git_remote. git_tree
// is the tree of the repository's root, the templates' directory.
func gitLabels(r *testrepo.Repo, remote string) map[string]string {
	r.T.Helper()
	l := map[string]string{
		"git_commit":       r.Git("rev-parse", "HEAD"),
		"git_commit_short": r.Git("rev-parse", "--short", "HEAD"),
		"git_describe":     r.Git("describe", "--tags", "--always"),
		"git_dirty":        fmt.Sprint(r.Git("status", "--porcelain") != ""),
	}
	ct, err := time.Parse(time.RFC3339, r.Git("show", "-s", "--format=%cI", "HEAD"))
	if err != nil {
		r.T.Fatal(err)
	}
	l["git_commit_time"] = ct.UTC().Format(time.RFC3339)
	if b, err := r.TryGit("symbolic-ref", "-q", "--short", "HEAD"); err == nil && b != "" {
		l["git_branch"] = b
	}
	if tags := r.Git("tag", "--points-at", "HEAD", "--sort=-version:refname"); tags != "" {
		l["git_tag"] = strings.Fields(tags)[0]
	}
	if remote != "" {
		l["git_remote"] = remote
	}
	if l["git_dirty"] == "false" {
		l["git_tree"] = r.Git("rev-parse", "HEAD:")
	}
	return l
}
