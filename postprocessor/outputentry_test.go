package postprocessor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/outputfile"
	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// readOutput reads the entries of the output file at path.
func readOutput(t *testing.T, path string) map[string]OutputBuild {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Builds map[string]OutputBuild `json:"builds"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is not valid JSON: %v\n%s", path, err, data)
	}
	return doc.Builds
}

func TestOutputBuildKey(t *testing.T) {
	cases := []struct {
		e    OutputBuild
		want string
	}{
		{OutputBuild{Name: "ubuntu", BuilderType: "amazon-ebs"}, "amazon-ebs.ubuntu"},
		{OutputBuild{Name: "ubuntu", BuilderType: "file"}, "file.ubuntu"},
		{OutputBuild{Name: "null", BuilderType: "null"}, "null"},
		{OutputBuild{Name: "web"}, "web"},
		{OutputBuild{}, "build"},
	}
	for _, tc := range cases {
		if got := tc.e.Key(); got != tc.want {
			t.Errorf("%+v.Key() = %q, want %q", tc.e, got, tc.want)
		}
	}
}

// entriesWithinTheBound is how many entries of a typical build the docs
// say the output file holds (docs/post-processors/enrich.mdx, "Output file
// rules").
const entriesWithinTheBound = 7000

// The output file holds at least the number of entries the docs state: of
// a build with two images, every built-in label (a GitHub Actions pull
// request build of a tagged commit with a remote) and a user label, each
// entry on one line of compact JSON, within the 16 MiB enrich reads back.
func TestOutputEntriesWithinTheBound(t *testing.T) {
	r := testrepo.New(t)
	r.Git("remote", "add", "origin", "https://github.com/acme-platform/packer-images.git")
	r.Git("tag", "v1.24.3")
	out := filepath.Join(t.TempDir(), "enriched.json")
	p := configured(t, map[string]interface{}{"git_path": r.Dir, "output": out, "labels": map[string]string{"team": "platform"}}, map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "12873649123", "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme-platform/packer-images", "GITHUB_HEAD_REF": "feature/hardened-base", "GITHUB_REF": "refs/pull/1234/merge",
		"GITHUB_REF_NAME": "1234/merge", "GITHUB_EVENT_NAME": "pull_request",
	})
	run(t, p, sourceArtifact(twoRegions(), nil))
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, `"amazon-ebs.web"`) {
			line = l + "\n"
		}
	}
	entry := readOutput(t, out)["amazon-ebs.web"]
	if line == "" || len(entry.Labels) < 18 || len(entry.Images) != 2 {
		t.Fatalf("want one line of one entry with every label and two images:\n%s", data)
	}
	held := (outputfile.MaxSize - (len(data) - len(line))) / len(line)
	t.Logf("an entry of %d labels and %d images is %d bytes: the file holds %d of them", len(entry.Labels), len(entry.Images), len(line), held)
	if held < entriesWithinTheBound {
		t.Errorf("the file holds %d entries, fewer than the %d the docs state", held, entriesWithinTheBound)
	}
}
