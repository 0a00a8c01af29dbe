package datasource

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/zclconf/go-cty/cty"

	"github.com/packer-enrich/packer-plugin-enrich/internal/labeltest"
	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
	"github.com/packer-enrich/packer-plugin-enrich/options"
	"github.com/packer-enrich/packer-plugin-enrich/postprocessor"
)

// configured returns a data source configured with cfg whose environment is
// exactly vars.
func configured(t *testing.T, cfg map[string]interface{}, vars map[string]string) *Datasource {
	t.Helper()
	d := &Datasource{lookupEnv: testrepo.Env(vars)}
	if err := d.Configure(cfg); err != nil {
		t.Fatalf("Configure(%v): %v", cfg, err)
	}
	return d
}

// execute runs the data source and returns its value as Packer gets it.
func execute(t *testing.T, d *Datasource) map[string]cty.Value {
	t.Helper()
	v, err := d.Execute()
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if !v.Type().Equals(hcldec.ImpliedType(d.OutputSpec())) {
		t.Fatalf("Execute gave type %#v, not the output spec's %#v", v.Type(), hcldec.ImpliedType(d.OutputSpec()))
	}
	return v.AsValueMap()
}

func str(t *testing.T, out map[string]cty.Value, name string) string {
	t.Helper()
	v := out[name]
	if v.IsNull() || !v.Type().Equals(cty.String) {
		t.Fatalf("output %s = %#v, want a string", name, v)
	}
	return v.AsString()
}

func stringMap(v cty.Value) map[string]string {
	m := map[string]string{}
	for k, e := range v.AsValueMap() {
		m[k] = e.AsString()
	}
	return m
}

func stringList(v cty.Value) []string {
	l := []string{}
	for _, e := range v.AsValueSlice() {
		l = append(l, e.AsString())
	}
	return l
}

// gitLab is a GitLab merge request pipeline.
var gitLab = map[string]string{
	"GITLAB_CI": "true", "CI_PIPELINE_ID": "4711", "CI_PIPELINE_URL": "https://bot:s3cr3t@gitlab.example.com/acme/images/-/pipelines/4711",
	"CI_MERGE_REQUEST_IID": "12", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/x",
	"CI_PIPELINE_SOURCE": "merge_request_event", "CI_PIPELINE_NAME": "images", "CI_JOB_NAME": "build-ami", "GITLAB_USER_LOGIN": "ada",
}

func TestExecuteGivesGitsAnswers(t *testing.T) {
	r := testrepo.New(t)
	r.Git("tag", "-a", "v1.2.0", "-m", "release")
	r.Git("tag", "v1.10.0")
	r.Git("remote", "add", "origin", "https://ci-bot:s3cr3t-token@git.example.com/acme/images.git")
	out := execute(t, configured(t, map[string]interface{}{"git_path": r.Dir}, gitLab))

	want := map[string]string{
		"commit":          r.Git("rev-parse", "HEAD"),
		"commit_short":    r.Git("rev-parse", "--short", "HEAD"),
		"branch":          "main",
		"tag":             "v1.10.0",
		"describe":        r.Git("describe", "--tags", "--always"),
		"remote":          "https://git.example.com/acme/images.git",
		"commit_time":     "2026-01-02T03:04:05Z",
		"author":          "Test Author",
		"tree":            r.Git("rev-parse", "HEAD:"),
		"ci_provider":     "gitlab-ci",
		"ci_run_id":       "4711",
		"ci_run_url":      "https://gitlab.example.com/acme/images/-/pipelines/4711",
		"ci_pull_request": "12",
		"ci_trigger":      "pull_request",
		"ci_workflow":     "images",
		"ci_job":          "build-ami",
		"ci_run_attempt":  "", // GitLab counts no attempts
		"ci_actor":        "ada",
	}
	for name, w := range want {
		if got := str(t, out, name); got != w {
			t.Errorf("%s = %q, want %q", name, got, w)
		}
	}
	if d := out["dirty"]; d.IsNull() || d.True() {
		t.Errorf("dirty = %#v, want false", d)
	}
	if got := stringList(out["tags"]); !reflect.DeepEqual(got, []string{"v1.10.0", "v1.2.0"}) {
		t.Errorf("tags = %v", got)
	}
	wantLabels := map[string]string{
		"git_commit": want["commit"], "git_commit_short": want["commit_short"], "git_branch": "main", "git_tag": "v1.10.0",
		"git_describe": want["describe"], "git_dirty": "false", "git_tree": want["tree"], "git_remote": want["remote"],
		"git_commit_time": want["commit_time"], "ci_provider": "gitlab-ci", "ci_run_id": "4711",
		"ci_run_url": want["ci_run_url"], "ci_pull_request": "12",
		"ci_trigger": "pull_request", "ci_workflow": "images", "ci_job": "build-ami",
		// no git_author, no ci_actor: opt-in labels
	}
	labeltest.Check(t, stringMap(out["labels"]), wantLabels)
}

func TestExecuteUnknownFacts(t *testing.T) {
	r := testrepo.New(t)
	r.DetachOnNewCommit()
	r.Write("new.txt", "untracked\n")
	noRepo := t.TempDir()
	cases := []struct {
		name      string
		cfg       map[string]interface{}
		vars      map[string]string
		dirty     interface{} // nil for null
		empty     []string    // string outputs that must be ""
		labelKeys []string
	}{
		{"a dirty, detached tree without CI: no branch, no tree, no tag, no CI",
			map[string]interface{}{"git_path": r.Dir}, nil, true,
			[]string{"branch", "tag", "remote", "tree", "ci_provider", "ci_run_id", "ci_run_url", "ci_pull_request"},
			[]string{"git_commit", "git_commit_short", "git_describe", "git_dirty", "git_commit_time"}},
		{"dirty_check tracked: untracked files do not count",
			map[string]interface{}{"git_path": r.Dir, "dirty_check": "tracked"}, nil, false,
			[]string{"branch", "tag", "remote"},
			[]string{"git_commit", "git_commit_short", "git_describe", "git_dirty", "git_commit_time", "git_tree"}},
		{"dirty_check off: dirty is null, no tree",
			map[string]interface{}{"git_path": r.Dir, "dirty_check": "off"}, nil, nil,
			[]string{"tree"},
			[]string{"git_commit", "git_commit_short", "git_describe", "git_commit_time"}},
		{"a tag pipeline in a detached HEAD without tags: the CI's tag and branch",
			map[string]interface{}{"git_path": r.Dir, "dirty_check": "tracked", "exclude_labels": []string{"git_remote", "ci_run_url"}},
			map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_COMMIT_TAG": "v3.0.0"}, false,
			[]string{"branch", "remote", "ci_run_url", "ci_pull_request"},
			[]string{"git_commit", "git_commit_short", "git_describe", "git_dirty", "git_commit_time", "git_tree", "git_tag", "ci_provider", "ci_run_id", "ci_trigger"}},
		{"no repository: empty git outputs, the CI's labels",
			map[string]interface{}{"git_path": noRepo}, map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "9"}, nil,
			[]string{"commit", "commit_short", "branch", "tag", "describe", "remote", "commit_time", "author", "tree"},
			[]string{"ci_provider", "ci_run_id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := execute(t, configured(t, tc.cfg, tc.vars))
			switch d := out["dirty"]; {
			case tc.dirty == nil && !d.IsNull():
				t.Errorf("dirty = %#v, want null", d)
			case tc.dirty != nil && (d.IsNull() || d.True() != tc.dirty.(bool)):
				t.Errorf("dirty = %#v, want %v", d, tc.dirty)
			}
			for _, name := range tc.empty {
				if got := str(t, out, name); got != "" {
					t.Errorf("%s = %q, want empty", name, got)
				}
			}
			got := stringMap(out["labels"])
			for _, k := range tc.labelKeys {
				if got[k] == "" {
					t.Errorf("label %s missing from %v", k, got)
				}
			}
			// no label of a fact that is unknown, excluded or null; no
			// label but the table's default ones
			excluded, _ := tc.cfg["exclude_labels"].([]string)
			absent := slices.Clone(excluded)
			for _, name := range tc.empty {
				if !strings.HasPrefix(name, "ci_") {
					name = "git_" + name
				}
				absent = append(absent, name)
			}
			if tc.dirty == nil {
				absent = append(absent, "git_dirty")
			}
			for _, k := range absent {
				if _, ok := got[k]; ok {
					t.Errorf("label %s = %q, want it left out (labels %v)", k, got[k], got)
				}
			}
			labeltest.Check(t, got, nil)
			if tags := out["tags"]; tags.IsNull() || tags.LengthInt() != 0 {
				t.Errorf("tags = %#v, want an empty list", tags)
			}
		})
	}
}

func TestGitRequired(t *testing.T) {
	dir := t.TempDir()
	err := (&Datasource{}).Configure(map[string]interface{}{"git_path": dir, "git_required": true})
	if err == nil || !strings.Contains(err.Error(), "git_required") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Configure = %v, want an error naming git_required and %s", err, dir)
	}

	// A repository that is gone when the build runs.
	r := testrepo.New(t)
	d := configured(t, map[string]interface{}{"git_path": r.Dir, "git_required": true}, nil)
	if err := os.RemoveAll(filepath.Join(r.Dir, ".git")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Execute(); err == nil || !strings.Contains(err.Error(), "git_required is set") || !strings.Contains(err.Error(), r.Dir) {
		t.Fatalf("Execute = %v, want an error naming git_required and %s", err, r.Dir)
	}
}

// TestConfigureBadInputAsThePostProcessor checks that every option the data
// source shares with the post-processor is refused with the post-processor's
// message.
func TestConfigureBadInputAsThePostProcessor(t *testing.T) {
	cases := []struct {
		name   string
		config map[string]interface{}
		want   []string
	}{
		{"label_style unknown", map[string]interface{}{"label_style": "kebab"}, []string{"label_style", `"kebab"`, `"snake", "oci", "gce"`}},
		{"label_style wrong type", map[string]interface{}{"label_style": []string{"oci"}}, []string{"label_style"}},
		{"dirty_check unknown", map[string]interface{}{"dirty_check": "untracked"}, []string{"dirty_check", `"untracked"`, `"all", "tracked", "off"`}},
		{"label_prefix with colon", map[string]interface{}{"label_prefix": "acme:"}, []string{"label_prefix", "letters, digits"}},
		{"exclude_labels unknown", map[string]interface{}{"exclude_labels": []string{"git_sha"}}, []string{"exclude_labels[0]", `"git_sha"`, `"git_commit"`, `"ci_pull_request"`}},
		{"include_labels not opt-in", map[string]interface{}{"include_labels": []string{"ci_actor", "actor"}},
			[]string{"include_labels[1]", `"actor"`, "valid names are " + options.QuoteList(labels.OptInNames())}},
		{"include_labels and exclude_labels name one label", map[string]interface{}{"include_labels": []string{"ci_actor"}, "exclude_labels": []string{"ci_actor"}},
			[]string{"include_labels[0]", `"ci_actor" is also in exclude_labels`}},
		{"git_path missing", map[string]interface{}{"git_path": "/nonexistent/enrich"}, []string{"git_path", "/nonexistent/enrich", "does not exist"}},
		{"git_required outside a repository", map[string]interface{}{"git_required": true, "git_path": "/"}, []string{"git_required", "the git facts of / cannot be read"}},
		{"git_required not a bool", map[string]interface{}{"git_required": "maybe"}, []string{"git_required"}},
		{"unknown option", map[string]interface{}{"lables": map[string]string{"a": "b"}}, []string{"lables"}},
		{"gce long prefix folds git_commit labels", map[string]interface{}{"label_style": "gce", "label_prefix": strings.Repeat("p", 52) + "_"},
			[]string{"label_style", `"git_commit" and "git_commit_short" both become the key`, `"git_commit" and "git_commit_time"`, "label_prefix", "exclude_labels"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := (&Datasource{}).Configure(tc.config)
			if err == nil {
				t.Fatal("Configure accepted the options")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			ppErr := (&postprocessor.PostProcessor{}).Configure(tc.config)
			if ppErr == nil {
				t.Fatal("the post-processor accepted the options")
			}
			for _, line := range errorLines(err) {
				if !strings.Contains(ppErr.Error(), line) && !strings.Contains(line, "packer.datasource.enrich") {
					t.Errorf("the data source says %q, the post-processor %q", line, ppErr)
				}
			}
		})
	}
}

func errorLines(err error) []string {
	if m, ok := err.(*packersdk.MultiError); ok { //nolint:errorlint // the MultiError itself, not one it wraps
		var lines []string
		for _, e := range m.Errors {
			lines = append(lines, e.Error())
		}
		return lines
	}
	return []string{err.Error()}
}

func TestConfigureAcceptsUnknownValues(t *testing.T) {
	// What Packer passes at validate time for values not known yet.
	if err := (&Datasource{}).Configure(map[string]interface{}{"git_path": "<unknown>"}); err != nil {
		t.Errorf("Configure with an unknown git_path: %v", err)
	}
}

// gitLabLacks are the labels of the table the gitLab pipeline has no fact
// for: GitLab counts no attempts.
var gitLabLacks = []string{"ci_run_attempt"}

// TestLabelsAsThePostProcessor checks that each style and prefix gives the
// same labels in both components: the data source's labels are the
// post-processor's without the build's.
func TestLabelsAsThePostProcessor(t *testing.T) {
	r := testrepo.New(t)
	r.Git("tag", "v1.0.0")
	r.Git("remote", "add", "origin", "https://git.example.com/acme/images.git")
	// The post-processor reads the process's environment: both components
	// read the same one here.
	for k, v := range gitLab {
		t.Setenv(k, v)
	}
	t.Setenv("PACKER_RUN_UUID", "8b6e0c1e-0000-4000-8000-000000000001")
	for _, style := range labels.Styles {
		for _, prefix := range []string{"", "acme.", "Enrich_"} {
			for _, sel := range []struct{ exclude, include []string }{
				{nil, nil},
				{[]string{"git_remote", "ci_run_id", "build_name"}, nil},
				{nil, []string{"ci_actor"}},
				{[]string{"ci_trigger"}, labels.OptInNames()},
			} {
				exclude := sel.exclude
				cfg := map[string]interface{}{"git_path": r.Dir, "label_style": string(style), "label_prefix": prefix,
					"exclude_labels": exclude, "include_labels": sel.include}
				d := &Datasource{}
				if err := d.Configure(cfg); err != nil {
					t.Fatal(err)
				}
				ds := stringMap(execute(t, d)["labels"])

				p := &postprocessor.PostProcessor{}
				if err := p.Configure(cfg, map[string]interface{}{"packer_build_name": "web", "packer_builder_type": "null", "packer_core_version": "1.16.0"}); err != nil {
					t.Fatal(err)
				}
				ui := &packersdk.BasicUi{Reader: strings.NewReader(""), Writer: &strings.Builder{}, ErrorWriter: &strings.Builder{}}
				art, _, _, err := p.PostProcess(context.Background(), ui, &packersdk.MockArtifact{BuilderIdValue: "null", IdValue: "Null"})
				if err != nil {
					t.Fatal(err)
				}
				pp := art.(*postprocessor.Artifact).Labels()
				naming := labels.Naming{Style: style, Prefix: prefix}
				for _, l := range labels.All() {
					if l.Kind == labels.Build || l.Kind == labels.Parent {
						delete(pp, naming.Key(l.Name))
					}
				}
				if !reflect.DeepEqual(ds, pp) {
					t.Errorf("style %s, prefix %q, %+v:\n data source    %v\n post-processor %v", style, prefix, sel, ds, pp)
				}
				// Every git and CI label of the table, less the excluded
				// ones, the opt-in ones not included and the one fact this
				// pipeline does not give.
				var want []string
				for _, name := range labels.NamesOf(labels.Git, labels.CI) {
					l, _ := labels.Lookup(name)
					if !slices.Contains(exclude, name) && (!l.OptIn || slices.Contains(sel.include, name)) && !slices.Contains(gitLabLacks, name) {
						want = append(want, naming.Key(name))
					}
				}
				if got := slices.Sorted(maps.Keys(ds)); !reflect.DeepEqual(got, slices.Sorted(slices.Values(want))) {
					t.Errorf("style %s, prefix %q, %+v: labels %v, want %v", style, prefix, sel, got, want)
				}
			}
		}
	}
}

func TestOutputSpecTypes(t *testing.T) {
	ty := hcldec.ImpliedType((&Datasource{}).OutputSpec())
	for name, want := range map[string]cty.Type{
		"commit": cty.String, "commit_short": cty.String, "tag": cty.String, "tags": cty.List(cty.String),
		"dirty": cty.Bool, "tree": cty.String, "author": cty.String, "ci_pull_request": cty.String,
		"labels": cty.Map(cty.String), "ci_trigger": cty.String, "ci_workflow": cty.String, "ci_job": cty.String,
		"ci_run_attempt": cty.String, "ci_actor": cty.String,
	} {
		if !ty.HasAttribute(name) || !ty.AttributeType(name).Equals(want) {
			t.Errorf("output %s: want type %s in %#v", name, want.FriendlyName(), ty)
		}
	}
}
