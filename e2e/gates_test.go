package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// The release gates through Packer: a refused gate fails packer build
// before any builder runs (the file builder's output never exists), with
// the gate's message; a gate that holds lets the build run.

// gatePP is an HCL2 template whose enrich post-processor has the require
// block gates, after a file builder that writes out/built.txt.
func gatePP(gates string) string {
	return fmt.Sprintf(requireEnrich+`
source "file" "f" {
  content = "built"
  target  = "out/built.txt"
}

build {
  sources = ["source.file.f"]

  post-processor "enrich" {
    git_path = path.root
    require {
%s
    }
  }
}
`, gates)
}

// gateDS is gatePP with the require block in an enrich data source that
// the file builder reads.
func gateDS(gates string) string {
	return fmt.Sprintf(requireEnrich+`
data "enrich" "git" {
  git_path = path.root
  require {
%s
  }
}

source "file" "f" {
  content = "built from ${data.enrich.git.commit}"
  target  = "out/built.txt"
}

build {
  sources = ["source.file.f"]
}
`, gates)
}

// gateJSON is gatePP as a JSON template.
const gateJSON = `{
  "builders": [{"type": "file", "content": "built", "target": "out/built.txt"}],
  "post-processors": [{"type": "enrich", "require": {"clean": true}}]
}
`

// gateRepo makes a repository on main with the templates committed and
// out/ ignored.
func gateRepo(t *testing.T, gates string) *testrepo.Repo {
	t.Helper()
	r := testrepo.Init(t)
	r.Write(".gitignore", "out/\n")
	r.Write("pp.pkr.hcl", gatePP(gates))
	r.Write("ds.pkr.hcl", gateDS(gates))
	r.Write("build.json", gateJSON)
	r.CommitAll("templates")
	return r
}

// gateCase is one gate in one situation, run through the post-processor
// and the data source.
type gateCase struct {
	name  string
	gates string
	// prepare changes the repository and returns the CI's variables and
	// PATH when it is not the suite's.
	prepare func(t *testing.T, r *testrepo.Repo) map[string]string
	// want is "" when the gate holds, else the message, with {root},
	// {short} and {parent} for the repository root, HEAD's short name and
	// HEAD~1's full name.
	want string
}

func TestAccGates(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const (
		clean    = "      clean = true"
		pushed   = "      pushed = true"
		tagV     = `      tag = "v*"`
		branches = `      branches = ["main"]`
	)
	dirty := func(_ *testing.T, r *testrepo.Repo) map[string]string {
		r.Write("notes.txt", "not committed\n")
		return nil
	}
	githubPR := func(_ *testing.T, r *testrepo.Repo) map[string]string {
		r.DetachOnNewCommit() // the merge commit
		return map[string]string{"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "77", "GITHUB_SHA": r.Git("rev-parse", "HEAD"),
			"GITHUB_REF": "refs/pull/7/merge", "GITHUB_HEAD_REF": "feature/x", "GITHUB_BASE_REF": "main"}
	}
	// The names are short: Packer's plugin sockets live in the test's
	// temporary directory, whose name holds the test's, and a Unix
	// socket's path has at most 108 bytes.
	cases := []gateCase{
		{name: "clean-refused", gates: clean, prepare: dirty,
			want: `require.clean: the work tree of {root} has 1 changed path, as dirty_check = "all" counts them: notes.txt; commit or stash them`},
		{name: "clean-holds", gates: clean},

		{name: "pushed-local-refused", gates: pushed,
			want: `require.pushed: HEAD ({short}) of {root} is on no remote`},
		{name: "pushed-holds", gates: pushed,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string {
				r.BareRemote("origin")
				r.Push("origin", "main")
				return nil
			}},
		{name: "pushed-gha-pr-holds", gates: pushed, prepare: githubPR},
		{name: "pushed-gitlab-holds", gates: pushed,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string {
				r.Git("checkout", "-q", "--detach")
				return map[string]string{"CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_COMMIT_SHA": r.Git("rev-parse", "HEAD")}
			}},
		{name: "pushed-ci-other-refused", gates: pushed,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string {
				r.CommitAll("second")
				return map[string]string{"CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_COMMIT_SHA": r.Git("rev-parse", "HEAD~1")}
			},
			want: `the CI (gitlab-ci) builds the commit {parent}, not HEAD`},

		{name: "tag-holds", gates: tagV,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string { r.Git("tag", "v1.0.0"); return nil }},
		{name: "tag-gitlab-holds", gates: tagV,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string {
				r.Git("checkout", "-q", "--detach")
				return map[string]string{"CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_COMMIT_SHA": r.Git("rev-parse", "HEAD"), "CI_COMMIT_TAG": "v2.0.0"}
			}},
		{name: "tag-untagged-refused", gates: tagV,
			want: `require.tag: no tag of HEAD ({short}) of {root} matches "v*": no tag points at HEAD; tag HEAD with a tag matching "v*" and push the tag`},
		{name: "tag-nomatch-refused", gates: tagV,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string { r.Git("tag", "nightly"); return nil },
			want:    `require.tag: no tag of HEAD ({short}) of {root} matches "v*": the tags at HEAD are "nightly"`},

		{name: "branches-gha-holds", gates: branches,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string {
				r.Git("branch", "other") // two local branches at HEAD: only the CI tells
				r.Git("checkout", "-q", "--detach")
				return map[string]string{"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "77", "GITHUB_SHA": r.Git("rev-parse", "HEAD"),
					"GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch"}
			}},
		{name: "branches-feature-refused", gates: branches,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string {
				r.Git("checkout", "-q", "-b", "feature/x")
				return nil
			},
			want: `require.branches: the branch of {root} is "feature/x" (the branch checked out), which matches none of "main"`},
		{name: "branches-detached-refused", gates: branches,
			prepare: func(_ *testing.T, r *testrepo.Repo) map[string]string { r.DetachOnNewCommit(); return nil },
			want:    `require.branches: no branch can be told for HEAD ({short}) of {root}: no branch is checked out, no CI is detected`},

		{name: "clean-nogit-undecided", gates: clean,
			prepare: func(t *testing.T, _ *testrepo.Repo) map[string]string { return map[string]string{"PATH": t.TempDir()} },
			want:    `require.clean: cannot be decided: whether the work tree of {root} is clean is unknown: the git binary is not on PATH`},
	}
	for _, tc := range cases {
		for _, component := range []string{"pp", "ds"} {
			t.Run(tc.name+"/"+component, func(t *testing.T) {
				t.Parallel()
				r := gateRepo(t, tc.gates)
				var env map[string]string
				if tc.prepare != nil {
					env = tc.prepare(t, r)
				}
				template := "pp.pkr.hcl"
				if component == "ds" {
					template = "ds.pkr.hcl"
				}
				res := packer(t, r.Dir, nil, env, "build", "-color=false", template)
				checkGate(t, r, res, tc.want)
			})
		}
	}

	t.Run("clean-json-refused", func(t *testing.T) {
		t.Parallel()
		r := gateRepo(t, clean)
		dirty(t, r)
		res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.json")
		checkGate(t, r, res, `require.clean: the work tree of {root} has 1 changed path, as dirty_check = "all" counts them: notes.txt`)
	})
}

// checkGate checks a build whose gates hold (want "") or were refused with
// want.
func checkGate(t *testing.T, r *testrepo.Repo, res result, want string) {
	t.Helper()
	_, err := os.Stat(filepath.Join(r.Dir, "out", "built.txt"))
	if want == "" {
		mustSucceed(t, res)
		if err != nil {
			t.Errorf("the builder's output is missing: %v", err)
		}
		if strings.Contains(oneLine(res), "no longer hold") {
			t.Errorf("a gate that held is said to fail after the build:\n%s", res)
		}
		return
	}
	root := r.Git("rev-parse", "--show-toplevel")
	short := r.Git("rev-parse", "--short", "HEAD")
	parent, _ := r.TryGit("rev-parse", "HEAD~1")
	mustFail(t, res, strings.NewReplacer("{root}", root, "{short}", short, "{parent}", parent).Replace(want))
	if err == nil {
		t.Errorf("the builder ran: out/built.txt exists")
	}
}

// A gate that cannot be decided outside a repository refuses, through the
// data source and the post-processor, and nothing reaches HCP Packer from
// the data source.
func TestAccGatesNoRepo(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	for _, component := range []string{"pp", "ds"} {
		t.Run(component, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			template := gatePP(`      clean = true`)
			if component == "ds" {
				template = gateDS(`      clean = true`)
			}
			template = strings.Replace(template, "build {\n", `build {
  hcp_packer_registry {
    bucket_name = "acc-gates"
    channels    = ["production"]
  }
`, 1)
			testrepo.WriteFile(t, filepath.Join(dir, "build.pkr.hcl"), template)
			hcp := newHCPServer(t)
			res := packer(t, dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
			mustFail(t, res, "require.clean: cannot be decided: gitinfo: "+dir+": not a git repository",
				"set git_path to a directory of the repository, or set the gates from a variable (clean = var.release)")
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Error("the builder ran")
			}
			if n := len(hcp.Updates("")); n != 0 {
				t.Errorf("HCP Packer got %d build updates, want none", n)
			}
			for _, req := range hcp.Requests() {
				if component == "ds" || strings.Contains(req.Path, "channel") {
					t.Errorf("HCP Packer got %s %s", req.Method, req.Path)
				}
			}
		})
	}
}

// A gate that held before the build and no longer holds after it (a step
// of the build left a file in the work tree) never fails the build: the
// post-processor says so, and the builder's output is kept.
func TestAccGatesAfterBuild(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	r := testrepo.Init(t)
	r.Write(".gitignore", "out/\n")
	r.Write("build.pkr.hcl", requireEnrich+`
source "file" "f" {
  content = "built"
  target  = "out/built.txt"
}

build {
  sources = ["source.file.f"]

  post-processors {
    post-processor "shell-local" {
      inline = ["echo during the build > notes.txt"]
    }
    post-processor "enrich" {
      git_path = path.root
      require {
        clean = true
      }
    }
  }
}
`)
	r.CommitAll("template")
	res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.pkr.hcl")
	mustSucceed(t, res)
	mustSay(t, res, "the release gates held before the build but no longer hold; the image is kept",
		"require.clean: the work tree of "+r.Git("rev-parse", "--show-toplevel")+" has")
	if b, err := os.ReadFile(filepath.Join(r.Dir, "out", "built.txt")); err != nil || string(b) != "built" {
		t.Errorf("the builder's output is gone (%q, %v)", b, err)
	}
}
