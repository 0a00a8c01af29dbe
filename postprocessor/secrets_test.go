package postprocessor

import (
	"bytes"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// Secrets planted in every place a build's facts come from must appear in
// none of the places the post-processor writes to: labels, images, the UI,
// the log (what PACKER_LOG shows) and the output file.
func TestSecretsNeverLeak(t *testing.T) {
	secrets := []string{"remote-token-1", "remote-pass-2", "ci-token-3", "hunter2-4", "BEGIN-KEY-5", "winrm-6", "query-token-7"}
	r := testrepo.New(t)
	r.Git("remote", "add", "origin", "https://deploy:remote-token-1@git.example.com/acme/images.git?private_token=query-token-7")
	r.Git("remote", "add", "mirror", "https://bot:remote-pass-2@mirror.example.com/images.git")
	vars := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "99", "GITHUB_REPOSITORY": "acme/images",
		"GITHUB_SERVER_URL": "https://x-access-token:ci-token-3@github.example.com",
		"GITHUB_REF_TYPE":   "branch", "GITHUB_REF_NAME": "main",
		"PACKER_RUN_UUID": "run-1",
	}
	generated := map[interface{}]interface{}{
		"Password": "hunter2-4", "SSHPrivateKey": "-----BEGIN-KEY-5-----", "WinRMPassword": "winrm-6", "SourceAMI": "ami-src",
	}
	output := filepath.Join(t.TempDir(), "enriched.json")

	var logs bytes.Buffer
	log.SetOutput(&logs)
	defer log.SetOutput(os.Stderr)

	p := configured(t, map[string]interface{}{
		"git_path": r.Dir, "output": output, "generated_data_labels": []string{"SourceAMI"},
		"labels": map[string]string{"ami": "{{ build `SourceAMI` }}"},
	}, vars)
	art, ui := run(t, p, sourceArtifact(twoRegions(), generated))

	labels, _ := json.Marshal(art.Labels())
	images, _ := json.Marshal(art.State(image.ArtifactStateURI))
	file, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"labels": string(labels), "images": string(images), "UI": ui, "log": logs.String(), "output file": string(file)} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("secret %q leaked into the %s:\n%s", s, name, text)
			}
		}
	}
	// The facts are still there, without their credentials.
	if got := art.Labels()["git_remote"]; got != "https://git.example.com/acme/images.git" {
		t.Errorf("git_remote = %q", got)
	}
	if got := art.Labels()["ci_run_url"]; got != "https://github.example.com/acme/images/actions/runs/99" {
		t.Errorf("ci_run_url = %q", got)
	}
}

// A label of the user's own that would carry a secret of the generated data
// (build.Password in HCL2) is left out after the build, with an error shown
// that does not repeat the secret; the build goes on and the rest is written.
func TestSecretInUserLabelsDropped(t *testing.T) {
	r := testrepo.New(t)
	output := filepath.Join(t.TempDir(), "enriched.json")
	generated := map[interface{}]interface{}{"Password": "hunter2-4", "SourceAMI": "ami-src"}
	p := configured(t, map[string]interface{}{
		"git_path": r.Dir, "output": output,
		"labels": map[string]string{"login": "admin:HUNTER2-4", "team": "web"},
	}, nil)
	source := sourceArtifact(twoRegions(), generated)
	art, ui := run(t, p, source)
	if !strings.Contains(ui, `the label "login" was left out`) || !strings.Contains(ui, `"Password"`) || strings.Contains(strings.ToLower(ui), "hunter2") {
		t.Fatalf("UI %q: want the label named, without the secret", ui)
	}
	if _, ok := art.Labels()["login"]; ok || art.Labels()["team"] != "web" {
		t.Errorf("labels %v: want login left out and team kept", art.Labels())
	}
	data, err := os.ReadFile(output)
	if err != nil || strings.Contains(strings.ToLower(string(data)), "hunter2") || !strings.Contains(string(data), `"team"`) {
		t.Errorf("output file (%v): %s; want it written without the secret", err, data)
	}
	if source.DestroyCalled {
		t.Error("the source artifact was destroyed")
	}
}
