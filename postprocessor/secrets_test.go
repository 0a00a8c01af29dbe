package postprocessor

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
)

// Secrets planted in every place a build's facts come from must appear in
// none of the places the post-processor writes to: labels, images, the UI,
// the log (what PACKER_LOG shows) and the output file.
func TestSecretsNeverLeak(t *testing.T) {
	secrets := []string{"remote-token-1", "remote-pass-2", "ci-token-3", "hunter2-4", "BEGIN-KEY-5", "winrm-6", "query-token-7"}
	r := newTestRepo(t)
	r.git("remote", "add", "origin", "https://deploy:remote-token-1@git.example.com/acme/images.git?private_token=query-token-7")
	r.git("remote", "add", "mirror", "https://bot:remote-pass-2@mirror.example.com/images.git")
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
		"git_path": r.dir, "output": output, "generated_data_labels": []string{"SourceAMI"},
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
// (build.Password in HCL2) fails the build before anything is written, and
// the error does not repeat the secret.
func TestSecretInUserLabelsRefused(t *testing.T) {
	r := newTestRepo(t)
	output := filepath.Join(t.TempDir(), "enriched.json")
	generated := map[interface{}]interface{}{"Password": "hunter2-4", "SourceAMI": "ami-src"}
	p := configured(t, map[string]interface{}{
		"git_path": r.dir, "output": output,
		"labels": map[string]string{"login": "admin:hunter2-4"},
	}, nil)
	ui, out := testUI()
	source := sourceArtifact(twoRegions(), generated)
	_, keep, _, err := p.PostProcess(context.Background(), ui, source)
	if err == nil || !strings.Contains(err.Error(), `labels["login"]`) || !strings.Contains(err.Error(), `"Password"`) || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v, want a refusal naming labels[\"login\"] and Password, without the secret", err)
	}
	if !keep || source.DestroyCalled {
		t.Error("the source artifact was not kept")
	}
	if _, statErr := os.Stat(output); statErr == nil || strings.Contains(out.String(), "hunter2") {
		t.Error("the output file was written, or the UI shows the secret")
	}
}
