package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The secrets the suite plants. Each is unique, so that finding one names
// where it came from.
const (
	secretRemote   = "s3cr3t-remote-t0ken"
	secretCI       = "s3cr3t-ci-t0ken"
	secretPassword = "s3cr3t-passw0rd"
	secretSSHKey   = "s3cr3t-ssh-private-key"
	secretWinRM    = "s3cr3t-winrm-passw0rd"
)

var allSecrets = []string{secretRemote, secretCI, secretPassword, secretSSHKey, secretWinRM}

// secretSource is a builder whose generated data holds secrets, as the
// generated data of real builders does (Password, SSHPrivateKey,
// WinRMPassword), next to a harmless SourceImage.
const secretSource = `source "noimage" "x" {
  publish_image = true
  artifact_id   = "img-s"
  image_region  = "eu"
  generated_data = {
    SourceImage   = "base-image-1"
    Password      = "` + secretPassword + `"
    SSHPrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\n` + secretSSHKey + `\n-----END OPENSSH PRIVATE KEY-----"
    WinRMPassword = "` + secretWinRM + `"
  }
}`

// findSecrets returns the planted secrets that s holds.
func findSecrets(s string, secrets ...string) []string {
	var found []string
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			found = append(found, secret)
		}
	}
	return found
}

// Scenario 9 and issue 5 (b): a token in the remote URL, a token in the CI
// server URL and secrets in the builder's generated data appear nowhere: not
// in the labels, the HCP request bodies, Packer's output, the PACKER_LOG file
// or the output file.
func TestAccSecrets(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	ci := map[string]string{
		"CI":                "true",
		"GITHUB_ACTIONS":    "true",
		"GITHUB_SERVER_URL": "https://builder:" + secretCI + "@github.example",
		"GITHUB_REPOSITORY": "acme/images",
		"GITHUB_RUN_ID":     "77",
		"GITHUB_REF":        "refs/heads/main",
	}
	for _, tc := range []struct {
		name, remote, wantRemote string
	}{
		{"user and token", "https://builder:" + secretRemote + "@git.example.com/acme/images.git", "https://git.example.com/acme/images.git"},
		{"token only", "https://" + secretRemote + "@git.example.com/acme/images.git", "https://git.example.com/acme/images.git"},
		{"token in the query", "https://git.example.com/acme/images.git?access_token=" + secretRemote, "https://git.example.com/acme/images.git"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			r := standardRepo(t, tc.remote, map[string]string{"build.pkr.hcl": hcl(secretSource, "acc", "", `  post-processor "enrich" {
    generated_data_labels = ["SourceImage"]
    output                = "out/enriched.json"
  }`)})
			res := packer(t, r.Dir, hcp, ci, "build", "-color=false", "build.pkr.hcl")
			mustSucceed(t, res)

			u := hcp.DoneOne()
			want := enrichLabels(r, tc.wantRemote, "x", "noimage")
			want["source_image"] = "base-image-1"
			want["ci_provider"] = "github-actions"
			want["ci_run_id"] = "77"
			want["ci_run_url"] = "https://github.example/acme/images/actions/runs/77"
			checkRunLabels(t, want, u.Labels, u, res)
			equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
			equalArtifacts(t, u, "img-s@eu")

			labels, _ := json.Marshal(u.Labels)
			if s := findSecrets(string(labels), allSecrets...); len(s) > 0 {
				t.Errorf("the labels hold %v", s)
			}
			for _, req := range hcp.Requests() {
				body := string(req.Body)
				allowed := coreCICDLeak(t, req)
				if allowed != "" {
					body = strings.ReplaceAll(body, allowed, "")
				}
				if s := findSecrets(body, allSecrets...); len(s) > 0 {
					t.Errorf("the request %s %s holds %v:\n%s", req.Method, req.Path, s, req.Body)
				}
			}
			if s := findSecrets(res.Stdout+res.Stderr, allSecrets...); len(s) > 0 {
				t.Errorf("Packer's output holds %v:\n%s", s, res)
			}
			// The scans below look where the labels really went: Packer's
			// output says enrich ran, and the log holds its labels.
			if !strings.Contains(res.Stdout, "(enrich): ") || !strings.Contains(res.Log, fmt.Sprintf("enrich: label git_remote = %q", tc.wantRemote)) {
				t.Errorf("the output or the PACKER_LOG file lacks enrich's lines; the scan would prove nothing:\n%s", res)
			}
			if s := findSecrets(res.Log, allSecrets...); len(s) > 0 {
				t.Errorf("the PACKER_LOG file holds %v:\n%s", s, linesWith(res.Log, s))
			}
			out, err := os.ReadFile(filepath.Join(r.Dir, "out", "enriched.json"))
			if err != nil {
				t.Fatal(err)
			}
			if s := findSecrets(string(out), allSecrets...); len(s) > 0 {
				t.Errorf("the output file holds %v:\n%s", s, out)
			}
			e := readOutput(t, filepath.Join(r.Dir, "out", "enriched.json"))["noimage.x"]
			equalMaps(t, "output file labels", e.Labels, want)
		})
	}
}

// coreCICDLeak returns the one string of a final build update that may hold
// the CI secret without enrich being at fault: Packer core itself sends
// metadata.cicd.details.GITHUB_WORKFLOW_URL, made from GITHUB_SERVER_URL as
// it is, credentials included. It returns "" for other requests.
func coreCICDLeak(t *testing.T, req request) string {
	t.Helper()
	var b struct {
		Metadata struct {
			Cicd struct {
				Details struct {
					WorkflowURL string `json:"GITHUB_WORKFLOW_URL"`
				} `json:"details"`
			} `json:"cicd"`
		} `json:"metadata"`
	}
	if req.Method != "PATCH" || json.Unmarshal(req.Body, &b) != nil {
		return ""
	}
	u := b.Metadata.Cicd.Details.WorkflowURL
	if strings.Contains(u, secretCI) {
		t.Logf("known Packer core leak, not enrich's: metadata.cicd.details.GITHUB_WORKFLOW_URL = %q", u)
		return u
	}
	return ""
}

// linesWith returns the lines of s that hold any of subs.
func linesWith(s string, subs []string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if len(findSecrets(line, subs...)) > 0 {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// Issue 5 (b): listing secret keys in generated_data_labels is refused when
// the template is validated, naming each key, and no build starts.
func TestAccSecretKeysRefused(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	template := hcl(secretSource, "acc", "", `  post-processor "enrich" {
    generated_data_labels = ["SourceImage", "Password", "SSHPrivateKey", "WinRMPassword"]
  }`)
	wantErr := []string{
		`generated_data_labels[1]: "Password" holds a secret and is never copied into labels; remove it`,
		`generated_data_labels[2]: "SSHPrivateKey" holds a secret and is never copied into labels; remove it`,
		`generated_data_labels[3]: "WinRMPassword" holds a secret and is never copied into labels; remove it`,
	}
	for _, command := range []string{"validate", "build"} {
		t.Run(command, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": template})
			res := packer(t, r.Dir, hcp, nil, command, "build.pkr.hcl")
			mustFail(t, res, wantErr...)
			if strings.Contains(res.Stdout+res.Stderr, `"SourceImage" holds a secret`) {
				t.Errorf("SourceImage was refused too:\n%s", res)
			}
			if s := findSecrets(res.all(), allSecrets...); len(s) > 0 {
				t.Errorf("Packer's output or log holds %v", s)
			}
			if d := hcp.Done(); len(d) != 0 {
				t.Errorf("a build was completed: %v", keys(d))
			}
			for _, u := range hcp.Updates("") {
				if u.Status == statusRunning {
					t.Errorf("a build was started: %s", fmt.Sprint(u.ComponentType))
				}
			}
		})
	}
}
