package postprocessor

import (
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
	"github.com/packer-enrich/packer-plugin-enrich/options"
)

// TestIncludeLabels shows the opt-in labels: left out by default, added
// when include_labels names them; a label of the user's may take an opt-in
// label's name while it is not included.
func TestIncludeLabels(t *testing.T) {
	r := testrepo.New(t)
	gha := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "9", "GITHUB_EVENT_NAME": "workflow_dispatch", "GITHUB_ACTOR": "octocat"}
	cases := []struct {
		name string
		cfg  map[string]interface{}
		want map[string]string // the opt-in and trigger labels; "" for left out
	}{
		{"by default", nil,
			map[string]string{"ci_trigger": "manual", "ci_actor": "", "git_author": ""}},
		{"ci_actor included", map[string]interface{}{"include_labels": []string{"ci_actor"}},
			map[string]string{"ci_trigger": "manual", "ci_actor": "octocat", "git_author": ""}},
		{"both included, with a prefix", map[string]interface{}{"include_labels": []string{"git_author", "ci_actor"}, "label_prefix": "acme."},
			map[string]string{"acme.ci_trigger": "manual", "acme.ci_actor": "octocat", "acme.git_author": "Test Author"}},
		{"a label of the user's named as an opt-in label not included", map[string]interface{}{"labels": map[string]string{"git_author": "team"}},
			map[string]string{"ci_actor": "", "git_author": "team"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]interface{}{"git_path": r.Dir}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			art, _ := run(t, configured(t, cfg, gha), sourceArtifact(twoRegions(), nil))
			got := art.Labels()
			for k, want := range tc.want {
				if got[k] != want {
					t.Errorf("label %s = %q, want %q (labels %v)", k, got[k], want, got)
				}
			}
		})
	}
}

func TestIncludeLabelsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  map[string]interface{}
		want string
	}{
		{"not an opt-in label", map[string]interface{}{"include_labels": []string{"author"}},
			`include_labels[0]: "author" is not an opt-in label; valid names are ` + options.QuoteList(labels.OptInNames())},
		{"a label of the user's named as an included one", map[string]interface{}{"include_labels": []string{"git_author"}, "labels": map[string]string{"git_author": "x"}},
			`labels["git_author"]: the name is already the label "git_author" that include_labels adds; remove it from include_labels`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := (&PostProcessor{}).Configure(tc.cfg, packerVars())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Configure = %v, want an error with %q", err, tc.want)
			}
		})
	}
}
