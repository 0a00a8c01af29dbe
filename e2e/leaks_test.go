package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sensitiveToken is the value of the sensitive variable tok: unique, so
// that finding it anywhere names where it came from.
const sensitiveToken = "Tok3nS3cr3tValue4711"

// tokenForms are the forms of sensitiveToken a scan looks for: as it is
// (in any case) and base64-encoded.
func tokenForms() []string {
	return []string{
		strings.ToLower(sensitiveToken),
		base64.StdEncoding.EncodeToString([]byte(sensitiveToken)),
		base64.RawURLEncoding.EncodeToString([]byte(sensitiveToken)),
	}
}

// holdsToken says whether b holds sensitiveToken in one of its forms.
func holdsToken(b []byte) bool {
	lower := strings.ToLower(string(b))
	for i, f := range tokenForms() {
		if i == 0 && strings.Contains(lower, f) || i > 0 && strings.Contains(string(b), f) {
			return true
		}
	}
	return false
}

// Issue 15: a sensitive HCL2 variable given as PKR_VAR_tok and used in two
// labels, as it is and as the password of a URL, reaches neither the HCP
// Packer API nor the output file: the first label is left out with a
// message, the URL loses its credentials, and the build succeeds with the
// other labels.
func TestAccSensitiveVariableLabels(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	hcp := newHCPServer(t)
	r := standardRepo(t, "", map[string]string{"build.pkr.hcl": `variable "tok" {
  type      = string
  sensitive = true
}

` + hcl(`source "file" "f" {
  content = "the artifact"
  target  = "out/artifact.txt"
}`, "acc", "", `  post-processor "enrich" {
    labels = {
      token  = var.tok
      ci_url = "https://ci:${var.tok}@ci.example.com/x"
      team   = "platform"
    }
    output = "out/enriched.json"
  }`)})
	res := packer(t, r.Dir, hcp, map[string]string{"PKR_VAR_tok": sensitiveToken}, "build", "-color=false", "build.pkr.hcl")
	mustSucceed(t, res)
	if b, err := os.ReadFile(filepath.Join(r.Dir, "out", "artifact.txt")); err != nil || string(b) != "the artifact" {
		t.Errorf("the builder's artifact: %q, %v", b, err)
	}
	msg := `the label "token" was left out: its value carries the sensitive variable "tok", and labels are never given secrets`
	if !strings.Contains(strings.Join(strings.Fields(res.Stdout), " "), msg) {
		t.Errorf("Packer's output does not say %q:\n%s", msg, res)
	}

	want := enrichLabels(r, "", "f", "file")
	want["team"] = "platform"
	want["ci_url"] = "https://ci.example.com/x"
	u := hcp.DoneOne()
	checkRunLabels(t, want, u.Labels, u, res)
	equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
	equalArtifacts(t, u, "artifact.txt@out")
	e := readOutput(t, filepath.Join(r.Dir, "out", "enriched.json"))["file.f"]
	equalMaps(t, "output file labels", e.Labels, want)

	// The raw bytes: what was sent and written, not only what decodes.
	for _, req := range hcp.Requests() {
		if holdsToken(req.Body) {
			t.Errorf("the request %s %s holds the sensitive value:\n%s", req.Method, req.Path, req.Body)
		}
	}
	out, err := os.ReadFile(filepath.Join(r.Dir, "out", "enriched.json"))
	if err != nil {
		t.Fatal(err)
	}
	if holdsToken(out) {
		t.Errorf("the output file holds the sensitive value:\n%s", out)
	}
}

// Issue 15: a JSON template's label values that are booleans arrive as
// "true" and "false", and numbers as written, as an HCL2 template gives
// them; at HCP Packer and in the output file.
func TestAccJSONScalarLabels(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	hcp := newHCPServer(t)
	r := standardRepo(t, "", map[string]string{"build.json": `{
  "builders": [{"type": "file", "content": "the artifact", "target": "out/artifact.txt"}],
  "post-processors": [{
    "type": "enrich",
    "labels": {"release": true, "draft": false, "build_number": 42, "ratio": 1.5},
    "output": "out/enriched.json"
  }]
}`})
	res := packer(t, r.Dir, hcp, map[string]string{"HCP_PACKER_BUCKET_NAME": "acc-json"}, "build", "-color=false", "build.json")
	mustSucceed(t, res)
	want := enrichLabels(r, "", "file", "file")
	for k, v := range map[string]string{"release": "true", "draft": "false", "build_number": "42", "ratio": "1.5"} {
		want[k] = v
	}
	u := hcp.DoneOne()
	checkRunLabels(t, want, u.Labels, u, res)
	equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
	e := readOutput(t, filepath.Join(r.Dir, "out", "enriched.json"))["file"]
	equalMaps(t, "output file labels", e.Labels, want)
}

// Issue 15: a JSON template run from another repository's directory
// (`packer build /path/to/a/build.json` in repository b) labels the
// template's repository, as Packer's own git_sha does: git_path defaults
// to the template's directory.
func TestAccJSONTemplateRepository(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	hcp := newHCPServer(t)
	a := standardRepo(t, "https://github.com/acme/images.git", map[string]string{"build.json": `{
  "builders": [{"type": "null", "communicator": "none"}],
  "post-processors": [{"type": "enrich"}]
}`})
	b := standardRepo(t, "https://github.com/acme/other.git", map[string]string{"other.txt": "another repository\n"})
	if a.Git("rev-parse", "HEAD") == b.Git("rev-parse", "HEAD") {
		t.Fatal("the two repositories have the same commit; the test would prove nothing")
	}
	res := packer(t, b.Dir, hcp, map[string]string{"HCP_PACKER_BUCKET_NAME": "acc-json"}, "build", "-color=false", filepath.Join(a.Dir, "build.json"))
	mustSucceed(t, res)
	// an unnamed builder's build is named after its type
	want := enrichLabels(a, "https://github.com/acme/images.git", "null", "null")
	u := hcp.DoneOne()
	checkRunLabels(t, want, u.Labels, u, res)
	equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, a))
}
