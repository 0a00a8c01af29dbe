package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// withLabels is the hcp_packer_registry line that sends the data source's
// labels to HCP Packer.
const withLabels = "  build_labels = data.enrich.git.labels"

// dsTemplate is an HCL2 template that reads the enrich data source in a
// file builder's content and target path, and in the hcp_packer_registry
// block's registry line (withLabels for the build labels). options go into
// the data block.
func dsTemplate(options, registry string) string {
	return fmt.Sprintf(requireEnrich+`
data "enrich" "git" {
%s
}

hcp_packer_registry {
  bucket_name = "acc-ds"
%s
}

source "file" "stamp" {
  target  = "out/${data.enrich.git.commit_short}.txt"
  content = <<-EOT
    commit=${data.enrich.git.commit}
    short=${data.enrich.git.commit_short}
    branch=${data.enrich.git.branch}
    tag=${data.enrich.git.tag}
    tags=${join(",", data.enrich.git.tags)}
    describe=${data.enrich.git.describe}
    dirty=${data.enrich.git.dirty == null ? "unknown" : (data.enrich.git.dirty ? "true" : "false")}
    tree=${data.enrich.git.tree}
    remote=${data.enrich.git.remote}
    ci=${data.enrich.git.ci_provider}/${data.enrich.git.ci_run_id}/${data.enrich.git.ci_pull_request}
    EOT
}

build {
  sources = ["source.file.stamp"]
}
`, options, registry)
}

// stamp is the file content dsTemplate writes for the facts of l (labels by
// their snake names), with tags and dirty as given.
func stamp(l map[string]string, tags, dirty string) string {
	return fmt.Sprintf("commit=%s\nshort=%s\nbranch=%s\ntag=%s\ntags=%s\ndescribe=%s\ndirty=%s\ntree=%s\nremote=%s\nci=%s/%s/%s\n",
		l["git_commit"], l["git_commit_short"], l["git_branch"], l["git_tag"], tags, l["git_describe"], dirty,
		l["git_tree"], l["git_remote"], l["ci_provider"], l["ci_run_id"], l["ci_pull_request"])
}

// gitlabMR is a GitLab merge request pipeline.
var gitlabMR = map[string]string{
	"CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_ID": "5150",
	"CI_PIPELINE_URL":                     "https://gitlab.example.com/acme/images/-/pipelines/5150",
	"CI_MERGE_REQUEST_IID":                "77",
	"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/ds",
	"CI_COMMIT_REF_NAME":                  "feature/ds",
}

// Scenario: the data source in an HCL2 template, in a CI run. The labels
// reach HCP Packer through build_labels with git's own answers; the short
// commit names the file a file builder writes and is in its content.
func TestAccDatasource(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const remote = "https://github.com/acme/images.git"
	githubPush := map[string]string{
		"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "4242", "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme/images", "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/release",
		"GITHUB_REF_NAME": "release", "GITHUB_REF_TYPE": "branch",
	}
	for _, tc := range []struct {
		name    string
		prepare func(r *testrepo.Repo) // after standardRepo
		env     map[string]string      // the CI's
		ci      map[string]string      // the CI labels it gives
		tags    string                 // the file's tags line
		check   func(t *testing.T, want map[string]string)
	}{
		{name: "MR", env: gitlabMR, tags: "v1.10.0,v1.2.0",
			ci: map[string]string{"ci_provider": "gitlab-ci", "ci_run_id": "5150",
				"ci_run_url": "https://gitlab.example.com/acme/images/-/pipelines/5150", "ci_pull_request": "77"},
			check: func(t *testing.T, want map[string]string) {
				if want["git_tag"] != "v1.10.0" || want["git_branch"] != "main" || want["git_dirty"] != "false" || want["git_tree"] == "" {
					t.Errorf("the repository is not what the test meant: %v", want)
				}
			}},
		{name: "notags", env: gitlabMR, tags: "",
			prepare: func(r *testrepo.Repo) {
				for _, tag := range strings.Fields(r.Git("tag")) {
					r.Git("tag", "-d", tag)
				}
			},
			ci: map[string]string{"ci_provider": "gitlab-ci", "ci_run_id": "5150",
				"ci_run_url": "https://gitlab.example.com/acme/images/-/pipelines/5150", "ci_pull_request": "77"},
			check: func(t *testing.T, want map[string]string) {
				if _, ok := want["git_tag"]; ok || want["git_describe"] != want["git_commit_short"] {
					t.Errorf("the repository is not what the test meant: %v", want)
				}
			}},
		{name: "detached", env: githubPush, tags: "v1.10.0,v1.2.0",
			prepare: func(r *testrepo.Repo) { r.Git("checkout", "-q", "--detach") },
			ci: map[string]string{"git_branch": "release", "ci_provider": "github-actions", "ci_run_id": "4242",
				"ci_run_url": "https://github.com/acme/images/actions/runs/4242"},
			check: func(t *testing.T, want map[string]string) {
				if want["git_branch"] != "release" {
					t.Errorf("the branch is not the CI's: %v", want)
				}
			}},
		{name: "dirty", env: githubPush, tags: "v1.10.0,v1.2.0",
			prepare: func(r *testrepo.Repo) { r.Write("notes.txt", "not committed\n") },
			ci: map[string]string{"ci_provider": "github-actions", "ci_run_id": "4242",
				"ci_run_url": "https://github.com/acme/images/actions/runs/4242"},
			check: func(t *testing.T, want map[string]string) {
				if _, ok := want["git_tree"]; ok || want["git_dirty"] != "true" {
					t.Errorf("the tree is not dirty: %v", want)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			r := standardRepo(t, remote, map[string]string{"build.pkr.hcl": dsTemplate("  git_path = path.root", withLabels)})
			if tc.prepare != nil {
				tc.prepare(r)
			}
			want := gitLabels(r, remote)
			for k, v := range tc.ci {
				want[k] = v
			}
			tc.check(t, want)

			res := packer(t, r.Dir, hcp, tc.env, "build", "-color=false", "build.pkr.hcl")
			mustSucceed(t, res)
			u := hcp.DoneOne()
			equalMaps(t, "HCP build labels", u.Labels, withGitSHA(want, r))
			name := want["git_commit_short"] + ".txt"
			equalArtifacts(t, u, name+"@out")

			got, err := os.ReadFile(filepath.Join(r.Dir, "out", name)) //nolint:gosec // the test's own file
			if err != nil {
				t.Fatalf("the file builder did not write out/%s: %v", name, err)
			}
			if w := stamp(want, tc.tags, want["git_dirty"]); string(got) != w {
				t.Errorf("out/%s:\n%s\nwant:\n%s", name, got, w)
			}
		})
	}
}

// Scenario: no repository at all. Without git_required the build runs with
// the CI's labels only and empty git facts; with it, the build fails before
// the builder runs, naming the option.
func TestAccDatasourceNoRepository(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	t.Run("optional", func(t *testing.T) {
		t.Parallel()
		hcp := newHCPServer(t)
		dir := t.TempDir()
		testrepo.WriteFile(t, filepath.Join(dir, "build.pkr.hcl"), dsTemplate("", withLabels))
		res := packer(t, dir, hcp, gitlabMR, "build", "-color=false", "build.pkr.hcl")
		mustSucceed(t, res)
		u := hcp.DoneOne()
		equalMaps(t, "HCP build labels", u.Labels, map[string]string{"ci_provider": "gitlab-ci", "ci_run_id": "5150",
			"ci_run_url": "https://gitlab.example.com/acme/images/-/pipelines/5150", "ci_pull_request": "77"})
		got, err := os.ReadFile(filepath.Join(dir, "out", ".txt")) //nolint:gosec // the test's own file
		if err != nil {
			t.Fatal(err)
		}
		if w := stamp(map[string]string{"ci_provider": "gitlab-ci", "ci_run_id": "5150", "ci_pull_request": "77"}, "", "unknown"); string(got) != w {
			t.Errorf("out/.txt:\n%s\nwant:\n%s", got, w)
		}
		if !strings.Contains(res.Log, "no git labels") {
			t.Errorf("the log does not say why the git facts are missing")
		}
	})
	t.Run("required", func(t *testing.T) {
		t.Parallel()
		hcp := newHCPServer(t)
		dir := t.TempDir()
		testrepo.WriteFile(t, filepath.Join(dir, "build.pkr.hcl"), dsTemplate("  git_required = true", withLabels))
		res := packer(t, dir, hcp, gitlabMR, "build", "-color=false", "build.pkr.hcl")
		mustFail(t, res, "git_required: the git facts of "+dir+" cannot be read")
		if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
			t.Error("the builder ran")
		}
		if n := len(hcp.Updates("")); n != 0 {
			t.Errorf("HCP Packer got %d build updates, want none", n)
		}
	})
}

// Scenario: packer validate, with and without -evaluate-datasources. The
// options are checked in both; the data source runs only with the flag.
// Without it the outputs are unknown: a file builder's content and path
// take them, but Packer 1.16.0 requires hcp_packer_registry's build_labels
// to be known and refuses the template (measured here, documented).
func TestAccDatasourceValidate(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const plain, evaluate = "plain", "evaluate"
	for _, tc := range []struct {
		name     string
		options  string
		registry string
		mode     string
		wantErr  []string
	}{
		{name: "plain", registry: withLabels, mode: plain,
			wantErr: []string{"Unsuitable value type", "value must be known"}},
		{name: "plain no labels", mode: plain},
		{name: "evaluate", registry: withLabels, mode: evaluate},
		{name: "bad plain", options: `  label_style = "kebab"`, mode: plain,
			wantErr: []string{`label_style: unknown style "kebab"; valid styles are "snake", "oci", "gce"`}},
		{name: "bad evaluate", options: `  exclude_labels = ["git_sha"]`, registry: withLabels, mode: evaluate,
			wantErr: []string{`exclude_labels[0]: "git_sha" is not a label enrich adds`}},
		{name: "missing path", options: `  git_path = "no/such/dir"`, mode: plain,
			wantErr: []string{"git_path: no/such/dir does not exist"}},
		{name: "required", options: "  git_required = true\n  git_path = \"/\"", registry: withLabels, mode: evaluate,
			wantErr: []string{"git_required: the git facts of / cannot be read"}},
		{name: "required plain", options: "  git_required = true\n  git_path = \"/\"", mode: plain,
			wantErr: []string{"git_required: the git facts of / cannot be read"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": dsTemplate(tc.options, tc.registry)})
			args := []string{"validate", "build.pkr.hcl"}
			if tc.mode == evaluate {
				args = []string{"validate", "-evaluate-datasources", "build.pkr.hcl"}
			}
			res := packer(t, r.Dir, nil, nil, args...)
			if tc.wantErr != nil {
				mustFail(t, res, tc.wantErr...)
				return
			}
			mustSucceed(t, res)
			if !strings.Contains(res.Stdout, "The configuration is valid.") {
				t.Errorf("packer validate says %q", res.Stdout)
			}
			if _, err := os.Stat(filepath.Join(r.Dir, "out")); err == nil {
				t.Error("packer validate built something")
			}
		})
	}
}
