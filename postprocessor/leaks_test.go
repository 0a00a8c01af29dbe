package postprocessor

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// A sensitive HCL2 variable given as PKR_VAR_<name> is in the plugin's
// environment: a label carrying it, even inside a URL or encoded, is left
// out with a message, and the build goes on.
func TestPostProcessDropsSensitiveEnvironmentValues(t *testing.T) {
	r := testrepo.New(t)
	p := configured(t, map[string]interface{}{
		"git_path": r.Dir,
		"labels": map[string]string{
			"token":  "tok-s3cr3t-value",
			"url":    "https://ci:tok-s3cr3t-value@host.example.com/x",
			"upper":  "TOK-S3CR3T-VALUE",
			"public": "kept",
		},
		"packer_sensitive_variables": []string{"tok"},
	}, map[string]string{"PKR_VAR_tok": "tok-s3cr3t-value"})
	art, out := run(t, p, sourceArtifact(twoRegions(), nil))
	for _, k := range []string{"token", "upper"} {
		if _, ok := art.labels[k]; ok {
			t.Errorf("label %s = %q reaches the image", k, art.labels[k])
		}
		if !strings.Contains(out, `the label "`+k+`" was left out`) || !strings.Contains(out, `sensitive variable "tok"`) {
			t.Errorf("no message for %s:\n%s", k, out)
		}
	}
	if got := art.labels["url"]; got != "https://host.example.com/x" {
		t.Errorf("url label = %q, want the URL without its credentials", got)
	}
	if art.labels["public"] != "kept" {
		t.Errorf("public label = %q", art.labels["public"])
	}
	for k, v := range art.labels {
		if strings.Contains(strings.ToLower(v), "s3cr3t") {
			t.Errorf("label %s = %q carries the secret", k, v)
		}
	}
}

// Values of the user's labels and of generated data labels that are URLs
// lose their credentials, as enrich's own URL labels do; other values are
// kept as written.
func TestWithoutCredentials(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://ci:tok@host.example.com/build/1", "https://host.example.com/build/1"},
		{"git@github.com:acme/images.git", "git@github.com:acme/images.git"},
		{"team@example.com", "team@example.com"},
		{"plain value", "plain value"},
		{"v1.2.3", "v1.2.3"},
		{"a:b", "a:b"},
	}
	for _, tc := range cases {
		if got := withoutCredentials(tc.in); got != tc.want {
			t.Errorf("withoutCredentials(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := withoutCredentials("user:pa55word@host.example.com:acme/x.git"); strings.Contains(got, "pa55word") {
		t.Errorf("scp-style address keeps its password: %q", got)
	}
}

func TestSecretKeys(t *testing.T) {
	cases := []struct {
		key    string
		secret bool
	}{
		{"Password", true}, {"SSHPrivateKey", true}, {"ApiToken", true},
		{"DbPw", true}, {"AuthHeader", true}, {"auth_header", true}, {"SessionKey", true},
		{"SSHKey", true}, {"BearerToken", true}, {"Authorization", true},
		{"SourceAMI", false}, {"Author", false}, {"AuthorName", false}, {"ImageName", false},
		{"Keyboard", false}, {"PwdLess", true}, {"SourceImageKeyring", false}, {"Key", false},
	}
	for _, tc := range cases {
		if got := isSecretKey(tc.key); got != tc.secret {
			t.Errorf("isSecretKey(%q) = %v, want %v", tc.key, got, tc.secret)
		}
	}
}

// JSON templates give label values of other types than strings: a boolean
// arrives as HCL2 gives it, true or false, and a number as written.
func TestJSONLabelValues(t *testing.T) {
	p := &PostProcessor{}
	err := p.Configure(map[string]interface{}{
		"labels": map[string]interface{}{"release": true, "beta": false, "count": 3, "ratio": 1.5},
	}, packerVars())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"release": "true", "beta": "false", "count": "3", "ratio": "1.5"}
	for k, v := range want {
		if got := p.config.Labels[k]; got != v {
			t.Errorf("labels[%q] = %q, want %q", k, got, v)
		}
	}
}

// In a JSON template, git_path defaults to the template's directory, as
// Packer's own git_sha describes the template's repository; a git_path the
// template sets is kept.
func TestGitPathDefaultsToTheJSONTemplatesDirectory(t *testing.T) {
	dir := t.TempDir()
	template := filepath.Join(dir, "build.json")
	for _, tc := range []struct {
		cfg  map[string]interface{}
		want string
	}{
		{map[string]interface{}{}, dir},
		{map[string]interface{}{"git_path": "."}, "."},
	} {
		vars := packerVars()
		vars["packer_template_path"] = template
		p := &PostProcessor{}
		if err := p.Configure(tc.cfg, vars); err != nil {
			t.Fatal(err)
		}
		if p.config.GitPath != tc.want {
			t.Errorf("%v: git_path = %q, want %q", tc.cfg, p.config.GitPath, tc.want)
		}
	}
}
