package postprocessor

import (
	"github.com/packer-enrich/packer-plugin-enrich/labels"

	"context"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/packerbuilderdata"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// packerVars are the values Packer core passes to every post-processor.
func packerVars() map[string]interface{} {
	return map[string]interface{}{
		"packer_build_name":     "web",
		"packer_builder_type":   "amazon-ebs",
		"packer_core_version":   "1.16.0",
		"packer_user_variables": map[string]string{"cc": "42", "owner": "platform"},
	}
}

// placeholders is the generated data placeholder map Packer passes as the
// last argument of Configure for JSON templates: "{{ build `X` }}" renders to
// "{{.X}}" against it, to be rendered again with real values.
func placeholders(keys ...string) map[interface{}]interface{} {
	m := map[interface{}]interface{}{
		"PackerRunUUID": "Build_PackerRunUUID. " + packerbuilderdata.PlaceholderMsg,
		"ID":            "Build_ID. " + packerbuilderdata.PlaceholderMsg,
	}
	for _, k := range keys {
		m[k] = "Build_" + k + ". " + packerbuilderdata.PlaceholderMsg
	}
	return m
}

func TestConfigureBadInput(t *testing.T) {
	cases := []struct {
		name   string
		config map[string]interface{}
		want   []string // every part must appear in the error
	}{
		{"label_style unknown", map[string]interface{}{"label_style": "kebab"}, []string{"label_style", `"kebab"`, `"snake", "oci", "gce"`}},
		{"label_style wrong case", map[string]interface{}{"label_style": "OCI"}, []string{"label_style", `"OCI"`}},
		{"label_style wrong type", map[string]interface{}{"label_style": []string{"oci"}}, []string{"label_style"}},
		{"on_conflict unknown", map[string]interface{}{"on_conflict": "replace"}, []string{"on_conflict", `"replace"`, `"override", "keep", "error"`}},
		{"on_conflict wrong type", map[string]interface{}{"on_conflict": map[string]string{"a": "b"}}, []string{"on_conflict"}},
		{"dirty_check unknown", map[string]interface{}{"dirty_check": "untracked"}, []string{"dirty_check", `"untracked"`, `"all", "tracked", "off"`}},
		{"dirty_check boolean", map[string]interface{}{"dirty_check": true}, []string{"dirty_check", `"true"`}},
		{"labels not a map", map[string]interface{}{"labels": "team=web"}, []string{"labels"}},
		{"labels list", map[string]interface{}{"labels": []string{"a", "b"}}, []string{"labels"}},
		{"label name empty", map[string]interface{}{"labels": map[string]string{"": "x"}}, []string{"labels", "empty"}},
		{"label name blank", map[string]interface{}{"labels": map[string]string{"  ": "x"}}, []string{"labels", "empty"}},
		{"label name with spaces around", map[string]interface{}{"labels": map[string]string{" team": "x"}}, []string{`labels[" team"]`, "spaces"}},
		{"label name with newline", map[string]interface{}{"labels": map[string]string{"te\nam": "x"}}, []string{`labels["te\nam"]`, "line breaks"}},
		{"label collides with built-in", map[string]interface{}{"labels": map[string]string{"git_commit": "x"}}, []string{`labels["git_commit"]`, "exclude_labels"}},
		{"label collides after prefix", map[string]interface{}{"label_prefix": "acme_", "labels": map[string]string{"acme_git_branch": "x"}}, []string{`labels["acme_git_branch"]`, `"git_branch"`}},
		{"label collides with oci name", map[string]interface{}{"label_style": "oci", "labels": map[string]string{"org.opencontainers.image.revision": "x"}}, []string{`labels["org.opencontainers.image.revision"]`, `"git_commit"`}},
		{"label collides with generated data label", map[string]interface{}{"generated_data_labels": []string{"SourceAMI"}, "labels": map[string]string{"source_ami": "x"}}, []string{`labels["source_ami"]`, "generated_data_labels"}},
		{"label template syntax", map[string]interface{}{"labels": map[string]string{"v": "{{ build `ID` "}}, []string{"'labels'", "unclosed action", "{{ build `ID` "}},
		{"label template unknown function", map[string]interface{}{"labels": map[string]string{"v": "{{ nosuchfunc }}"}}, []string{"'labels'", "nosuchfunc"}},
		{"label template missing value", map[string]interface{}{"labels": map[string]string{"v": "{{ if }}"}}, []string{"'labels'", "missing value for if"}},
		{"gce style upper case label", map[string]interface{}{"label_style": "gce", "labels": map[string]string{"Team": "x"}}, []string{`labels["Team"]`, "gce"}},
		{"gce style label with dot", map[string]interface{}{"label_style": "gce", "labels": map[string]string{"a.b": "x"}}, []string{`labels["a.b"]`, "lowercase"}},
		{"label_prefix with space", map[string]interface{}{"label_prefix": "acme "}, []string{"label_prefix", `"acme "`}},
		{"label_prefix with colon", map[string]interface{}{"label_prefix": "acme:"}, []string{"label_prefix", "letters, digits"}},
		{"exclude_labels unknown", map[string]interface{}{"exclude_labels": []string{"git_sha"}}, []string{"exclude_labels[0]", `"git_sha"`, `"git_commit"`}},
		{"exclude_labels not a list", map[string]interface{}{"exclude_labels": map[string]string{"a": "b"}}, []string{"exclude_labels"}},
		{"generated_data_labels empty key", map[string]interface{}{"generated_data_labels": []string{""}}, []string{"generated_data_labels[0]", "empty"}},
		{"generated_data_labels secret", map[string]interface{}{"generated_data_labels": []string{"SourceAMI", "Password"}}, []string{"generated_data_labels[1]", `"Password"`, "secret"}},
		{"generated_data_labels ssh key", map[string]interface{}{"generated_data_labels": []string{"SSHPrivateKey"}}, []string{"generated_data_labels[0]", "secret"}},
		{"generated_data_labels winrm password", map[string]interface{}{"generated_data_labels": []string{"WinRMPassword"}}, []string{"generated_data_labels[0]", "secret"}},
		{"generated_data_labels duplicate after snake case", map[string]interface{}{"generated_data_labels": []string{"SourceAMI", "source_ami"}}, []string{"generated_data_labels[1]", `"source_ami"`}},
		{"generated_data_labels built-in name", map[string]interface{}{"generated_data_labels": []string{"BuildName"}}, []string{"generated_data_labels[0]", `"build_name"`}},
		{"generated_data_labels the same after gce shortening", map[string]interface{}{"label_style": "gce", "generated_data_labels": []string{strings.Repeat("LongKey", 10) + "X1", strings.Repeat("LongKey", 10) + "X2"}}, []string{"generated_data_labels[1]", "both become the label"}},
		{"label collides with a generated data label in an excluded built-in's place", map[string]interface{}{"exclude_labels": []string{"build_name"}, "generated_data_labels": []string{"BuildName"}, "labels": map[string]string{"build_name": "x"}}, []string{`labels["build_name"]`, "generated_data_labels"}},
		{"fallback_provider without fallback_image", map[string]interface{}{"fallback_provider": "aws"}, []string{"fallback_provider", "fallback_image"}},
		{"fallback_region without fallback_image", map[string]interface{}{"fallback_region": "eu-west-1"}, []string{"fallback_region", "fallback_image"}},
		{"fallback_image not a bool", map[string]interface{}{"fallback_image": "sometimes"}, []string{"fallback_image"}},
		{"git_required not a bool", map[string]interface{}{"git_required": "maybe"}, []string{"git_required"}},
		{"unknown option", map[string]interface{}{"lables": map[string]string{"a": "b"}}, []string{"lables"}},
		{"output template syntax", map[string]interface{}{"output": "{{ .Broken"}, []string{"output"}},
		{"git_path missing", map[string]interface{}{"git_path": "/no/such/dir/for/enrich"}, []string{"git_path", "/no/such/dir/for/enrich", "does not exist"}},
		{"output is a directory", map[string]interface{}{"output": os.TempDir()}, []string{"output", "is a directory", "enriched.json"}},
		{"several problems at once", map[string]interface{}{"label_style": "x", "on_conflict": "y"}, []string{"label_style", "on_conflict"}},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d bad configurations", len(cases))
	}
	r := testrepo.New(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p PostProcessor
			err := p.Configure(tc.config, packerVars())
			if err == nil {
				t.Fatalf("Configure(%v) succeeded, want an error naming %v", tc.config, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
		// The same configuration in HCL2's second Configure, inside
		// PostProcess after the build: never a failure, the same message
		// shown, the builder's artifact kept.
		t.Run(tc.name+" after the build", func(t *testing.T) {
			p := configured(t, map[string]interface{}{"git_path": r.Dir}, nil)
			late := map[string]interface{}{"git_path": r.Dir}
			for k, v := range tc.config {
				late[k] = v
			}
			if err := p.Configure(late, packerVars()); err != nil {
				t.Fatalf("the second Configure failed after the build: %v", err)
			}
			ui, out := testUI()
			source := sourceArtifact(twoRegions(), nil)
			got, keep, force, err := p.PostProcess(context.Background(), ui, source)
			if err != nil || got == nil || !keep || !force || source.DestroyCalled {
				t.Fatalf("PostProcess: %v (artifact %v, keep %v, force %v, destroyed %v)", err, got, keep, force, source.DestroyCalled)
			}
			ui1 := strings.Join(strings.Fields(out.String()), " ")
			for _, w := range tc.want {
				if !strings.Contains(ui1, strings.Join(strings.Fields(w), " ")) && !strings.Contains(out.String(), w) {
					t.Errorf("UI does not say %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestConfigureGoodInput(t *testing.T) {
	cases := []struct {
		name   string
		config map[string]interface{}
		check  func(t *testing.T, c *Config)
	}{
		{"defaults", map[string]interface{}{}, func(t *testing.T, c *Config) {
			if c.LabelStyle != "snake" || c.OnConflict != "override" || c.DirtyCheck != "all" {
				t.Errorf("defaults = %q %q %q, want snake override all", c.LabelStyle, c.OnConflict, c.DirtyCheck)
			}
			if c.PackerBuildName != "web" || c.PackerBuilderType != "amazon-ebs" || c.PackerCoreVersion != "1.16.0" {
				t.Errorf("packer values not decoded: %+v", c.PackerConfig)
			}
		}},
		{"every option", map[string]interface{}{
			"labels":                map[string]string{"team": "web", "cost_center": "{{ user `cc` }}"},
			"generated_data_labels": []string{"SourceAMI", "SourceAMIName"},
			"label_prefix":          "acme.",
			"label_style":           "oci",
			"exclude_labels":        []string{"git_remote", "source_ami_name"},
			"on_conflict":           "keep",
			"git_path":              ".", // this module's own checkout
			"git_required":          true,
			"carry_state_keys":      []string{"my_key"},
			"dirty_check":           "tracked",
			"fallback_image":        true,
			"fallback_provider":     "aws",
			"fallback_region":       "eu-west-1",
			"output":                "out/enriched.json",
		}, func(t *testing.T, c *Config) {
			if c.LabelPrefix != "acme." || !c.GitRequired || c.OutputPath != "out/enriched.json" || c.FallbackProvider != "aws" {
				t.Errorf("options not decoded: %+v", c)
			}
		}},
		{"user label may take an excluded built-in name", map[string]interface{}{
			"exclude_labels": []string{"git_branch"},
			"labels":         map[string]string{"git_branch": "release"},
		}, nil},
		{"generated data label may take an excluded built-in name", map[string]interface{}{
			"exclude_labels":        []string{"build_name"},
			"generated_data_labels": []string{"BuildName"},
		}, nil},
		{"prefix frees the built-in names", map[string]interface{}{
			"label_prefix": "enrich_",
			"labels":       map[string]string{"git_commit": "mine"},
		}, nil},
		{"oci style frees git_commit", map[string]interface{}{
			"label_style": "oci",
			"labels":      map[string]string{"git_commit": "mine"},
		}, nil},
		{"HCL2 unknown placeholder values", map[string]interface{}{
			"labels": map[string]string{"ami": "<unknown>"},
			"output": "<unknown>",
		}, nil},
		{"label templates without build data", map[string]interface{}{
			"labels": map[string]string{"when": "{{ timestamp }}", "who": "{{ user `owner` }}"},
		}, func(t *testing.T, c *Config) {
			if c.Labels["when"] != "{{ timestamp }}" {
				t.Errorf("label rendered at Configure: %q; labels are rendered in PostProcess", c.Labels["when"])
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p PostProcessor
			if err := p.Configure(tc.config, packerVars()); err != nil {
				t.Fatalf("Configure: %v", err)
			}
			if tc.check != nil {
				tc.check(t, &p.config)
			}
		})
	}
}

// JSON templates pass the builder's generated data as placeholders: a label
// reading a key the builder declares is valid, one reading an undeclared key
// is an error at validate time.
func TestConfigureJSONBuildPlaceholders(t *testing.T) {
	var p PostProcessor
	err := p.Configure(map[string]interface{}{
		"labels": map[string]string{"ami": "{{ build `SourceAMI` }}"},
	}, packerVars(), placeholders("SourceAMI"))
	if err != nil {
		t.Fatalf("a declared build variable failed validation: %v", err)
	}

	var q PostProcessor
	err = q.Configure(map[string]interface{}{
		"labels": map[string]string{"ami": "{{ build `NoSuchKey` }}"},
	}, packerVars(), placeholders("SourceAMI"))
	if err == nil || !strings.Contains(err.Error(), `labels["ami"]`) || !strings.Contains(err.Error(), "NoSuchKey") {
		t.Fatalf("an undeclared build variable gave %v, want an error naming labels[\"ami\"] and NoSuchKey", err)
	}
}

// HCL2 runs Configure twice: first with unknown values, then with the
// build's. The second call must not keep anything from the first.
func TestConfigureTwice(t *testing.T) {
	var p PostProcessor
	if err := p.Configure(map[string]interface{}{
		"labels":         map[string]string{"ami": "<unknown>", "gone": "x"},
		"exclude_labels": []string{"git_remote"},
	}, packerVars()); err != nil {
		t.Fatal(err)
	}
	if err := p.Configure(map[string]interface{}{
		"labels": map[string]string{"ami": "ami-123"},
	}, packerVars()); err != nil {
		t.Fatal(err)
	}
	if len(p.config.Labels) != 1 || p.config.Labels["ami"] != "ami-123" || len(p.config.ExcludeLabels) != 0 {
		t.Fatalf("second Configure kept state of the first: labels %v, exclude %v", p.config.Labels, p.config.ExcludeLabels)
	}
}

func TestSnakeCase(t *testing.T) {
	cases := map[string]string{
		"SourceAMI":     "source_ami",
		"SourceAMIName": "source_ami_name",
		"ImageName":     "image_name",
		"SSHHost":       "ssh_host",
		"ID":            "id",
		"source_ami":    "source_ami",
		"Region2Zone":   "region2_zone",
		"vm-name":       "vm_name",
		"ProjectID":     "project_id",
	}
	for in, want := range cases {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGCE(t *testing.T) {
	cases := []struct{ in, key, value string }{
		{"git_commit", "git_commit", "git_commit"},
		{"2026-11-21T10:00:00Z", "l2026-11-21t10_00_00z", "2026-11-21t10_00_00z"},
		{"https://github.com/acme/x.git", "https___github_com_acme_x_git", "https___github_com_acme_x_git"},
		{"Org.OpenContainers", "org_opencontainers", "org_opencontainers"},
		{strings.Repeat("a", 70), strings.Repeat("a", 63), strings.Repeat("a", 63)},
		{"", "l", ""},
	}
	for _, tc := range cases {
		if got := labels.GCEKey(tc.in); got != tc.key {
			t.Errorf("labels.GCEKey(%q) = %q, want %q", tc.in, got, tc.key)
		}
		if got := labels.GCEValue(tc.in); got != tc.value {
			t.Errorf("labels.GCEValue(%q) = %q, want %q", tc.in, got, tc.value)
		}
	}
}
