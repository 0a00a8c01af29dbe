package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 2, point 4: which consumers after enrich can read the keys it adds
// to the generated data (git_commit, ...)? This test records the answer of
// Packer v1.16.0, so that the documentation can say it:
//
//   - None of Packer's template mechanisms can. In JSON templates, `{{ build
//     "git_commit" }}` in a post-processor after enrich (manifest's
//     custom_data, shell-local's inline, another enrich's labels) fails when
//     Packer prepares the build, before anything runs: Packer checks the
//     template against the keys the *builder* declares, and git_commit is
//     not one of them. In HCL2, `build.git_commit` is "Unsupported
//     attribute" for the same reason.
//   - The keys the builder declares (`{{ build "ID" }}`, `build.ID`) work in
//     the same places, as the control rows show.
//   - What does carry the labels: the HCP Packer registry (the images'
//     labels) and enrich's `output` file (the other tests).
func TestAccConsumers(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const (
		jsonBuilder = `"builders": [{"type": "null", "name": "json", "communicator": "none"}]`
		gitCommit   = "{{ build `git_commit` }}"
		builderID   = "{{ build `ID` }}"
		hclUnsup    = `Unsupported attribute; This object does not have an attribute named "git_commit".`
		jsonMissing = "error calling build: loaded data, but couldnt find git_commit in it."
	)
	jsonChain := func(pp string) string {
		return "{\n  " + jsonBuilder + ",\n  \"post-processors\": [[\n    {\"type\": \"enrich\"},\n    " + pp + "\n  ]]\n}"
	}
	hclChain := func(pp string) string {
		return hcl(nullSource, "acc", "", "  post-processors {\n    post-processor \"enrich\" {}\n"+pp+"\n  }")
	}
	for _, tc := range []struct {
		name, file, template string
		// wantErr is what Packer says when the consumer cannot read the
		// key; nil when it can.
		wantErr []string
		// wantFile is a file the consumer writes and what it must hold.
		wantFile, wantContent string
	}{
		{
			name: "json manifest custom_data", file: "build.json",
			template: jsonChain(`{"type": "manifest", "output": "out/manifest.json", "custom_data": {"commit": "` + gitCommit + `"}}`),
			wantErr:  []string{`Failed to prepare build: "json"`, "render 'custom_data'", jsonMissing},
		},
		{
			name: "json shell-local inline", file: "build.json",
			template: jsonChain(`{"type": "shell-local", "inline": ["echo '` + gitCommit + `' > out/commit.txt"]}`),
			wantErr:  []string{`Failed to prepare build: "json"`, "render 'inline'", jsonMissing},
		},
		{
			name: "json enrich labels after enrich", file: "build.json",
			template: jsonChain(`{"type": "enrich", "labels": {"commit2": "` + gitCommit + `"}}`),
			wantErr:  []string{`Failed to prepare build: "json"`, `labels["commit2"]`, jsonMissing},
		},
		{
			name: "hcl2 manifest custom_data", file: "build.pkr.hcl",
			template: hclChain(`    post-processor "manifest" {
      output      = "out/manifest.json"
      custom_data = { commit = build.git_commit }
    }`),
			wantErr: []string{`Failed preparing post-processor-block "manifest"`, hclUnsup},
		},
		{
			name: "hcl2 shell-local inline", file: "build.pkr.hcl",
			template: hclChain(`    post-processor "shell-local" {
      inline = ["echo ${build.git_commit} > out/commit.txt"]
    }`),
			wantErr: []string{`Failed preparing post-processor-block "shell-local"`, hclUnsup},
		},
		{
			name: "hcl2 enrich labels after enrich", file: "build.pkr.hcl",
			template: hclChain(`    post-processor "enrich" {
      labels = { commit2 = build.git_commit }
    }`),
			wantErr: []string{`Failed preparing post-processor-block "enrich"`, hclUnsup},
		},
		// Controls: a key the builder declares works in the same places.
		{
			name: "json shell-local builder key", file: "build.json",
			template: jsonChain(`{"type": "shell-local", "inline": ["echo '` + builderID + `' > out/id.txt"]}`),
			wantFile: "out/id.txt", wantContent: "Null",
		},
		{
			name: "hcl2 shell-local builder key", file: "build.pkr.hcl",
			template: hclChain(`    post-processor "shell-local" {
      inline = ["echo ${build.ID} > out/id.txt"]
    }`),
			wantFile: "out/id.txt", wantContent: "Null",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := standardRepo(t, "", map[string]string{tc.file: tc.template})
			r.Write("out/.keep", "")
			hcp := newHCPServer(t)
			res := packer(t, r.Dir, hcp, map[string]string{"HCP_PACKER_BUCKET_NAME": "acc"}, "build", "-color=false", tc.file)
			if tc.wantErr != nil {
				mustFail(t, res, tc.wantErr...)
				if strings.Contains(res.Stdout, "Running post-processor") {
					t.Errorf("Packer ran post-processors; it should stop when preparing the build:\n%s", res)
				}
				return
			}
			mustSucceed(t, res)
			if u := hcp.DoneOne(); u.Labels["git_commit"] != r.Git("rev-parse", "HEAD") {
				t.Errorf("git_commit did not reach HCP: %v", u.Labels)
			}
			b, err := os.ReadFile(filepath.Join(r.Dir, tc.wantFile))
			if err != nil || strings.TrimSpace(string(b)) != tc.wantContent {
				t.Errorf("%s = %q (%v), want %q", tc.wantFile, b, err, tc.wantContent)
			}
		})
	}
}
