package options

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

func TestCheckInclude(t *testing.T) {
	validNames := QuoteList(labels.OptInNames())
	cases := []struct {
		name             string
		include, exclude []string
		want             []string // one entry per error, each a part of its message; nil for none
	}{
		{"nothing included", nil, nil, nil},
		{"the opt-in labels", []string{"ci_actor", "git_author"}, nil, nil},
		{"an opt-in label beside an excluded default one", []string{"ci_actor"}, []string{"ci_run_url"}, nil},
		{"a typo", []string{"ci_author"}, nil,
			[]string{`include_labels[0]: "ci_author" is not an opt-in label; valid names are ` + validNames}},
		{"a default label", []string{"git_commit"}, nil,
			[]string{`include_labels[0]: "git_commit" is added by default`}},
		{"a generated data label", []string{"ci_actor", "source_ami"}, nil,
			[]string{`include_labels[1]: "source_ami" is not an opt-in label`}},
		{"named twice", []string{"ci_actor", "ci_actor"}, nil,
			[]string{`include_labels[1]: "ci_actor" is named twice`}},
		{"included and excluded", []string{"git_author"}, []string{"git_author"},
			[]string{`include_labels[0]: "git_author" is also in exclude_labels`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := CheckInclude(tc.include, tc.exclude)
			if len(errs) != len(tc.want) {
				t.Fatalf("CheckInclude(%q, %q) = %v, want %d errors", tc.include, tc.exclude, errs, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d = %q, want it to contain %q", i, errs[i], w)
				}
			}
		})
	}
}

// TestPrepareChecksIncludeLabels checks that the option's problems reach
// both components' Configure through Prepare, and that exclude_labels
// accepts the opt-in labels too.
func TestPrepareChecksIncludeLabels(t *testing.T) {
	s := Shared{IncludeLabels: []string{"ci_actor", "author"}, ExcludeLabels: []string{"git_author"}}
	errs := s.Prepare(nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `include_labels[1]: "author"`) {
		t.Errorf("Prepare = %v, want one error naming include_labels[1]", errs)
	}
}

// TestLabelsLeaveOptInOutUnlessIncluded shows the labels both components
// add from the same facts, with and without include_labels: the default
// labels always, an opt-in label only when named.
func TestLabelsLeaveOptInOutUnlessIncluded(t *testing.T) {
	f := labels.Facts{
		Git: &gitinfo.Facts{Commit: "3f9c1a2e5b000000000000000000000000000000", Author: "Ada Lovelace"},
		CI:  &gitinfo.CI{Provider: gitinfo.ProviderGitHubActions, Trigger: gitinfo.TriggerPullRequest, Actor: "ada"},
	}
	cases := []struct {
		name             string
		include, exclude []string
		want             map[string]string
	}{
		{"default labels only", nil, nil, map[string]string{
			"git_commit": "3f9c1a2e5b000000000000000000000000000000", "ci_provider": "github-actions", "ci_trigger": "pull_request"}},
		{"ci_actor included", []string{"ci_actor"}, nil, map[string]string{
			"git_commit": "3f9c1a2e5b000000000000000000000000000000", "ci_provider": "github-actions", "ci_trigger": "pull_request",
			"ci_actor": "ada"}},
		{"both included, a default one excluded", []string{"git_author", "ci_actor"}, []string{"ci_provider"}, map[string]string{
			"git_commit": "3f9c1a2e5b000000000000000000000000000000", "ci_trigger": "pull_request",
			"ci_actor": "ada", "git_author": "Ada Lovelace"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Shared{IncludeLabels: tc.include, ExcludeLabels: tc.exclude}
			got := s.Labels(f)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Labels:\n got %v\nwant %v", got, tc.want)
			}
			for _, name := range labels.Names() {
				l, _ := labels.Lookup(name)
				want := !slices.Contains(tc.exclude, name) && (!l.OptIn || slices.Contains(tc.include, name))
				if s.Keeps(name) != want {
					t.Errorf("Keeps(%q) = %v, want %v", name, !want, want)
				}
			}
		})
	}
}
