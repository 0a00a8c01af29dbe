package labels

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

func TestEveryLabelIsDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range All() {
		if l.Name == "" || l.Doc == "" || l.Omitted == "" || l.value == nil {
			t.Errorf("label %q lacks its name, docs text (value and when it is left out) or value: %+v", l.Name, l)
		}
		if l.Name != strings.ToLower(l.Name) || GCEKey(l.Name) != l.Name {
			t.Errorf("label %q is not a lowercase snake name valid in every style", l.Name)
		}
		for _, n := range []string{l.Name, l.OCI} {
			if n != "" && seen[n] {
				t.Errorf("name %q is given twice", n)
			}
			seen[n] = true
		}
		wantPrefix := map[Kind]string{Git: "git_", CI: "ci_"}[l.Kind]
		if wantPrefix != "" && !strings.HasPrefix(l.Name, wantPrefix) {
			t.Errorf("label %q of kind %d should start with %q", l.Name, l.Kind, wantPrefix)
		}
	}
}

// TestGeneratedReferenceMatches fails when the labels reference in the docs
// was not regenerated after a change of the table: run `make generate`.
func TestGeneratedReferenceMatches(t *testing.T) {
	got, err := os.ReadFile("../docs-partials/labels/table.mdx")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != Reference() {
		t.Errorf("docs-partials/labels/table.mdx differs from the label table; run `make generate`")
	}
	for _, l := range All() {
		if !strings.Contains(string(got), "| `"+l.Name+"` | "+l.Doc+" | "+l.Omitted+" |") {
			t.Errorf("the reference has no row for %s with its docs text", l.Name)
		}
	}
}

func TestValues(t *testing.T) {
	commitTime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	dirty, clean := true, false
	repo := func(mod func(*gitinfo.Facts)) *gitinfo.Facts {
		g := &gitinfo.Facts{Commit: "3f9c1a2e5b000000000000000000000000000000", ShortCommit: "3f9c1a2", Branch: "main",
			Describe: "3f9c1a2", Dirty: &clean, Tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
			Remote: "https://git.example.com/acme/images.git", CommitTime: commitTime}
		if mod != nil {
			mod(g)
		}
		return g
	}
	cases := []struct {
		name  string
		facts Facts
		kinds []Kind
		want  map[string]string
	}{
		{"no facts at all gives no labels", Facts{}, nil, map[string]string{}},
		{"a clean repository on a branch, with the build's facts",
			Facts{Git: repo(func(g *gitinfo.Facts) { g.Tags = []string{"v1.10.0", "v1.2.0"} }),
				BuildTime: time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC), Packer: "1.16.0", BuildName: "web", Builder: "null", RunUUID: "u-1"},
			nil, map[string]string{
				"git_commit": "3f9c1a2e5b000000000000000000000000000000", "git_commit_short": "3f9c1a2", "git_branch": "main",
				"git_tag": "v1.10.0", "git_describe": "3f9c1a2", "git_dirty": "false", "git_tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
				"git_remote": "https://git.example.com/acme/images.git", "git_commit_time": "2026-01-02T02:04:05Z",
				"build_time": "2026-11-21T10:30:00Z", "packer_version": "1.16.0", "build_name": "web", "builder_type": "null", "packer_run_uuid": "u-1",
			}},
		{"git and CI kinds only: what the data source gives",
			Facts{Git: repo(nil), CI: &gitinfo.CI{Provider: "gitlab-ci", RunID: "77", PullRequest: "12"}, Packer: "1.16.0", BuildName: "web"},
			[]Kind{Git, CI}, map[string]string{
				"git_commit": "3f9c1a2e5b000000000000000000000000000000", "git_commit_short": "3f9c1a2", "git_branch": "main",
				"git_describe": "3f9c1a2", "git_dirty": "false", "git_tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
				"git_remote": "https://git.example.com/acme/images.git", "git_commit_time": "2026-01-02T02:04:05Z",
				"ci_provider": "gitlab-ci", "ci_run_id": "77", "ci_pull_request": "12",
			}},
		{"a tag pipeline on a clone without tags takes the CI's tag",
			Facts{Git: repo(nil), CI: &gitinfo.CI{Provider: "github-actions", Tag: "v2.0.0"}}, []Kind{Git},
			map[string]string{"git_commit": "3f9c1a2e5b000000000000000000000000000000", "git_commit_short": "3f9c1a2", "git_branch": "main",
				"git_tag": "v2.0.0", "git_describe": "3f9c1a2", "git_dirty": "false", "git_tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
				"git_remote": "https://git.example.com/acme/images.git", "git_commit_time": "2026-01-02T02:04:05Z"}},
		{"the CI's tag of the commit checked out is taken",
			Facts{Git: repo(nil), CI: &gitinfo.CI{Provider: "github-actions", Tag: "v2.0.0", Commit: "3f9c1a2e5b000000000000000000000000000000"}}, []Kind{Git},
			map[string]string{"git_commit": "3f9c1a2e5b000000000000000000000000000000", "git_commit_short": "3f9c1a2", "git_branch": "main",
				"git_tag": "v2.0.0", "git_describe": "3f9c1a2", "git_dirty": "false", "git_tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
				"git_remote": "https://git.example.com/acme/images.git", "git_commit_time": "2026-01-02T02:04:05Z"}},
		{"the CI's tag of another commit (the CI checked out another repository) is not",
			Facts{Git: repo(nil), CI: &gitinfo.CI{Provider: "github-actions", Tag: "v2.0.0", Commit: "0000000000000000000000000000000000000000"}}, []Kind{Git},
			map[string]string{"git_commit": "3f9c1a2e5b000000000000000000000000000000", "git_commit_short": "3f9c1a2", "git_branch": "main",
				"git_describe": "3f9c1a2", "git_dirty": "false", "git_tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
				"git_remote": "https://git.example.com/acme/images.git", "git_commit_time": "2026-01-02T02:04:05Z"}},
		{"a tag at HEAD wins over the CI's",
			Facts{Git: repo(func(g *gitinfo.Facts) { g.Tags = []string{"v1.0.0"} }), CI: &gitinfo.CI{Tag: "v2.0.0"}}, []Kind{Git},
			map[string]string{"git_commit": "3f9c1a2e5b000000000000000000000000000000", "git_commit_short": "3f9c1a2", "git_branch": "main",
				"git_tag": "v1.0.0", "git_describe": "3f9c1a2", "git_dirty": "false", "git_tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
				"git_remote": "https://git.example.com/acme/images.git", "git_commit_time": "2026-01-02T02:04:05Z"}},
		{"a dirty tree has no git_tree; unknown facts are left out",
			Facts{Git: &gitinfo.Facts{Commit: "c0ffee", Dirty: &dirty}}, nil,
			map[string]string{"git_commit": "c0ffee", "git_dirty": "true"}},
		{"no repository: no git labels, not even the CI's tag; CI URL without credentials",
			// the CI as DetectCI reads it, which strips the URL's credentials once
			Facts{CI: gitinfo.DetectCI(envOf(map[string]string{"JENKINS_URL": "https://ci.example.com/", "BUILD_NUMBER": "5",
				"BUILD_URL": "https://bot:s3cr3t@ci.example.com/job/5/", "TAG_NAME": "v3"}))}, nil,
			map[string]string{"ci_provider": "jenkins", "ci_run_id": "5", "ci_run_url": "https://ci.example.com/job/5/"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Values(tc.facts, tc.kinds...); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Values:\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// envOf is an environment of exactly vars, for gitinfo.DetectCI.
func envOf(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}
