package gatetest

import (
	"fmt"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

func require(gates map[string]interface{}) map[string]interface{} {
	return map[string]interface{}{"require": gates}
}

var (
	clean    = require(map[string]interface{}{"clean": true})
	pushed   = require(map[string]interface{}{"pushed": true})
	tagV     = require(map[string]interface{}{"tag": "v*"})
	branches = require(map[string]interface{}{"branches": []string{"main", "release/*"}})
	all      = require(map[string]interface{}{"clean": true, "pushed": true, "tag": "v*", "branches": []string{"main"}})
)

// repo is a repository of one commit on main, no CI.
func repo(t *testing.T) (*testrepo.Repo, map[string]string) { return testrepo.New(t), nil }

// githubPR is a GitHub Actions pull request run that builds HEAD, detached
// at a merge commit no branch points at.
func githubPR(t *testing.T) (*testrepo.Repo, map[string]string) {
	r := testrepo.New(t)
	r.DetachOnNewCommit()
	return r, map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "77", "GITHUB_SHA": r.Git("rev-parse", "HEAD"),
		"GITHUB_REF": "refs/pull/7/merge", "GITHUB_HEAD_REF": "feature/x", "GITHUB_BASE_REF": "main",
	}
}

// gitlabDetached is a GitLab checkout of HEAD, detached, with no
// remote-tracking refs.
func gitlabDetached(t *testing.T) (*testrepo.Repo, map[string]string) {
	r := testrepo.New(t)
	r.Git("checkout", "-q", "--detach")
	return r, map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_COMMIT_SHA": r.Git("rev-parse", "HEAD"), "CI_COMMIT_BRANCH": "main"}
}

// Cases are the release gates' specification.
var Cases = []Case{
	// clean
	{Name: "clean holds in a clean work tree", Outcome: Holds, Options: clean, Setup: repo,
		Break: func(r *testrepo.Repo) { r.Write("notes.txt", "during the build\n") }},
	{Name: "clean holds with only ignored files", Outcome: Holds, Options: clean,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Write(".gitignore", "out/\n")
			r.CommitAll("ignore out")
			r.Write("out/image.txt", "built\n")
			return r, nil
		}},
	{Name: "clean refused with an untracked file", Outcome: Refused, Options: clean,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Write("notes.txt", "not committed\n")
			return r, nil
		},
		Want: `require.clean: the work tree of {root} has 1 changed path, as dirty_check = "all" counts them: notes.txt; commit or stash them (or ignore them in .gitignore), or set clean from a variable (clean = var.release) to build a work in progress`},
	{Name: "clean refused with many changes: the first five and the count", Outcome: Refused, Options: clean,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Write("template.pkr.hcl", "# changed\n")
			for i := 1; i <= 11; i++ {
				r.Write(fmt.Sprintf("new%02d.txt", i), "new\n")
			}
			return r, nil
		},
		Want: `require.clean: the work tree of {root} has 12 changed paths, as dirty_check = "all" counts them: template.pkr.hcl, new01.txt, new02.txt, new03.txt, new04.txt and 7 more; commit or stash them (or ignore them in .gitignore), or set clean from a variable (clean = var.release) to build a work in progress`},
	{Name: "clean refused with a changed tracked file, dirty_check tracked", Outcome: Refused,
		Options: map[string]interface{}{"dirty_check": "tracked", "require": map[string]interface{}{"clean": true}},
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Write("template.pkr.hcl", "# changed\n")
			r.Write("notes.txt", "untracked, not counted\n")
			return r, nil
		},
		Want: `require.clean: the work tree of {root} has 1 changed path, as dirty_check = "tracked" counts them: template.pkr.hcl; commit or stash them (or ignore them in .gitignore), or set clean from a variable (clean = var.release) to build a work in progress`},
	{Name: "clean cannot be decided without git on PATH", Outcome: Undecided, Options: clean,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			HideGit(t)
			return r, nil
		},
		Want: `require.clean: cannot be decided: whether the work tree of {root} is clean is unknown: the git binary is not on PATH, and go-git cannot answer this as git would; make git (on PATH) able to run git status there, or set clean from a variable (clean = var.release)`},

	// pushed
	{Name: "pushed holds in a GitHub Actions pull request checkout", Outcome: Holds, Options: pushed, Setup: githubPR,
		Break: func(r *testrepo.Repo) { r.CommitAll("during the build") }},
	{Name: "pushed holds in a GitLab detached checkout without remote-tracking refs", Outcome: Holds, Options: pushed, Setup: gitlabDetached},
	{Name: "pushed holds after a push to a bare remote", Outcome: Holds, Options: pushed,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.BareRemote("origin")
			r.Push("origin", "main")
			return r, nil
		},
		Break: func(r *testrepo.Repo) { r.CommitAll("during the build") }},
	{Name: "pushed holds for an older commit of a pushed branch", Outcome: Holds, Options: pushed,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.CommitAll("second")
			r.BareRemote("origin")
			r.Push("origin", "main")
			r.Git("checkout", "-q", "HEAD~1")
			return r, nil
		}},
	{Name: "pushed refused for a local-only commit", Outcome: Refused, Options: pushed,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.BareRemote("origin")
			r.BareRemote("backup")
			r.Push("origin", "main")
			r.CommitAll("not pushed")
			return r, nil
		},
		Want: `require.pushed: HEAD ({short}) of {root} is on no remote: no remote-tracking ref of the remotes backup, origin (refs/remotes/, as last fetched) contains it, and no CI is detected; push it (git push), fetch if it is pushed already (git fetch), or set pushed from a variable (pushed = var.release)`},
	{Name: "pushed refused without a remote", Outcome: Refused, Options: pushed, Setup: repo,
		Want: `require.pushed: HEAD ({short}) of {root} is on no remote: the repository has no remote, and no CI is detected; add one and push HEAD (git remote add origin <url>; git push -u origin HEAD), or set pushed from a variable (pushed = var.release)`},
	{Name: "pushed cannot be decided in a shallow clone", Outcome: Undecided, Options: pushed,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			origin := testrepo.New(t)
			origin.CommitAll("second")
			r := origin.Clone("--depth=1")
			r.Git("checkout", "-q", "--detach", "HEAD")
			r.Git("update-ref", "-d", "refs/remotes/origin/main") // the tip fetched no longer names HEAD
			r.Git("update-ref", "refs/remotes/origin/other", r.Git("commit-tree", "-m", "elsewhere", "HEAD^{tree}"))
			return r, nil
		},
		Want: `require.pushed: cannot be decided: whether HEAD ({short}) of {root} is on a remote is unknown (shallow clone: …), and no CI is detected; push HEAD, or run where git can tell, or set pushed from a variable (pushed = var.release)`},
	{Name: "pushed cannot be decided without git on PATH", Outcome: Undecided, Options: pushed,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.CommitAll("second")
			r.BareRemote("origin")
			r.Push("origin", "main")
			r.Git("checkout", "-q", "HEAD~1")
			HideGit(t)
			return r, nil
		},
		Want: `require.pushed: cannot be decided: whether HEAD ({short}) of {root} is on a remote is unknown (the git binary is not on PATH, and go-git tells only whether a remote-tracking ref points at HEAD itself; none does), and no CI is detected; push HEAD, or run where git can tell, or set pushed from a variable (pushed = var.release)`},
	{Name: "pushed refused when the CI builds another commit", Outcome: Refused, Options: pushed,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			first := r.Git("rev-parse", "HEAD")
			r.CommitAll("second")
			return r, map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "77", "GITHUB_SHA": first, "GITHUB_REF": "refs/heads/main"}
		},
		Want: `require.pushed: HEAD ({short}) of {root} is on no remote: the repository has no remote, and the CI (github-actions) builds the commit {parent}, not HEAD; add one and push HEAD (git remote add origin <url>; git push -u origin HEAD), or set pushed from a variable (pushed = var.release)`},
	{Name: "pushed cannot be decided without a commit", Outcome: Undecided, Options: pushed,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) { return testrepo.Init(t), nil },
		Want:  `require.pushed: cannot be decided: the repository at {root} has no commit checked out; commit and push, or set pushed from a variable (pushed = var.release)`},

	// tag
	{Name: "tag holds for a matching tag at HEAD", Outcome: Holds, Options: tagV,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Git("tag", "nightly")
			r.Git("tag", "-a", "v1.2.0", "-m", "release")
			return r, nil
		},
		Break: func(r *testrepo.Repo) { r.Git("tag", "-d", "v1.2.0") }},
	{Name: "tag holds in a GitLab tag pipeline", Outcome: Holds, Options: tagV,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Git("checkout", "-q", "--detach")
			return r, map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_COMMIT_SHA": r.Git("rev-parse", "HEAD"), "CI_COMMIT_TAG": "v2.0.0"}
		},
		Break: func(r *testrepo.Repo) { r.CommitAll("during the build") }},
	{Name: "tag refused for an untagged HEAD", Outcome: Refused, Options: tagV, Setup: repo,
		Want: `require.tag: no tag of HEAD ({short}) of {root} matches "v*": no tag points at HEAD; tag HEAD with a tag matching "v*" and push the tag, or set tag from a variable (tag = var.release_tag, empty to require none)`},
	{Name: "tag refused for tags that do not match", Outcome: Refused, Options: tagV,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Git("tag", "nightly")
			r.Git("tag", "build-7")
			return r, nil
		},
		Want: `require.tag: no tag of HEAD ({short}) of {root} matches "v*": the tags at HEAD are "nightly", "build-7"; tag HEAD with a tag matching "v*" and push the tag, or set tag from a variable (tag = var.release_tag, empty to require none)`},
	{Name: "tag refused when the CI's tag is of another commit", Outcome: Refused, Options: tagV,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			first := r.Git("rev-parse", "HEAD")
			r.CommitAll("second")
			return r, map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_COMMIT_SHA": first, "CI_COMMIT_TAG": "v2.0.0"}
		},
		Want: `require.tag: no tag of HEAD ({short}) of {root} matches "v*": no tag points at HEAD, and the CI (gitlab-ci) builds the tag "v2.0.0" for the commit {parent}, not HEAD; tag HEAD with a tag matching "v*" and push the tag, or set tag from a variable (tag = var.release_tag, empty to require none)`},
	{Name: "tag cannot be decided without a commit", Outcome: Undecided, Options: tagV,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) { return testrepo.Init(t), nil },
		Want:  `require.tag: cannot be decided: the repository at {root} has no commit checked out; tag HEAD with a tag matching "v*" and push the tag, or set tag from a variable (tag = var.release_tag, empty to require none)`},

	// branches
	{Name: "branches holds on main", Outcome: Holds, Options: branches, Setup: repo,
		Break: func(r *testrepo.Repo) { r.Git("checkout", "-q", "-b", "feature/x") }},
	{Name: "branches holds on a release branch without git on PATH", Outcome: Holds, Options: branches,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Git("checkout", "-q", "-b", "release/1.2")
			HideGit(t)
			return r, nil
		}},
	{Name: "branches holds under GitHub Actions detached at main's commit", Outcome: Holds, Options: branches,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Git("branch", "other") // two local branches at HEAD: only the CI tells
			r.Git("checkout", "-q", "--detach")
			return r, map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "77", "GITHUB_SHA": r.Git("rev-parse", "HEAD"),
				"GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch"}
		}},
	{Name: "branches refused on a feature branch", Outcome: Refused, Options: branches,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Git("checkout", "-q", "-b", "feature/x")
			return r, nil
		},
		Want: `require.branches: the branch of {root} is "feature/x" (the branch checked out), which matches none of "main", "release/*"; build from a branch that matches, or set branches from a variable (branches = var.release ? ["main"] : [])`},
	{Name: "branches refused for the branch a CI builds", Outcome: Refused, Options: branches, Setup: githubPR,
		Want: `require.branches: the branch of {root} is "feature/x" (at a detached HEAD, the branch the CI (github-actions) builds), which matches none of "main", "release/*"; build from a branch that matches, or set branches from a variable (branches = var.release ? ["main"] : [])`},
	{Name: "branches refused for the one local branch at a detached HEAD", Outcome: Refused, Options: branches,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.Git("checkout", "-q", "-b", "feature/y")
			r.Git("checkout", "-q", "--detach")
			r.Git("branch", "-q", "-D", "main")
			return r, nil
		},
		Want: `require.branches: the branch of {root} is "feature/y" (at a detached HEAD, the one local branch there), which matches none of "main", "release/*"; build from a branch that matches, or set branches from a variable (branches = var.release ? ["main"] : [])`},
	{Name: "branches refused on a detached HEAD with no CI", Outcome: Refused, Options: branches,
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			r.DetachOnNewCommit()
			return r, nil
		},
		Want: `require.branches: no branch can be told for HEAD ({short}) of {root}: no branch is checked out, no CI is detected, and not exactly one local branch points at HEAD; check out a branch matching "main", "release/*", build in a CI that names its branch, or set branches from a variable (branches = var.release ? ["main"] : [])`},

	// every gate at once, where none can be decided
	{Name: "every gate cannot be decided outside a repository", Outcome: Undecided, Options: all,
		Setup: func(*testing.T) (*testrepo.Repo, map[string]string) { return nil, nil },
		Want:  `require.clean, require.pushed, require.tag, require.branches: cannot be decided: gitinfo: {dir}: not a git repository (git says: …); set git_path to a directory of the repository, or set the gates from a variable (clean = var.release)`},
	{Name: "every gate cannot be decided when git does not answer", Outcome: Undecided,
		Options: map[string]interface{}{"git_timeout": "1s", "require": all["require"]},
		Setup: func(t *testing.T) (*testrepo.Repo, map[string]string) {
			r := testrepo.New(t)
			SlowGit(t)
			return r, nil
		},
		Want: `require.clean, require.pushed, require.tag, require.branches: cannot be decided: git did not answer within 1s (git_timeout): …; raise git_timeout, or find what holds git up, such as a core.fsmonitor hook or a network filesystem, or set the gates from a variable (clean = var.release)`},
}
