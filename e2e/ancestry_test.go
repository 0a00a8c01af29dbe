package e2e

import (
	"fmt"
	"testing"
)

// Scenario: ancestry. A builder that publishes its image without a
// SourceImageID but names its source in generated data gets its parent
// linked in HCP Packer; a SourceImageID the builder set arrives unchanged;
// fill_source_image_id = false leaves the image without a parent.
func TestAccAncestry(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	// Short names: Packer's plugin sockets live in the test's TMPDIR, and a
	// Unix socket path holds at most 107 bytes.
	for _, tc := range []struct {
		name    string
		builder string // extra noimage options
		enrich  string
		want    string // the parent HCP Packer receives
	}{
		{name: "SourceAMI",
			builder: `generated_data = { SourceAMI = "ami-0parent", SourceAMIName = "ubuntu-24.04" }`,
			want:    "ami-0parent"},
		{name: "SourceImageName",
			builder: `generated_data = { SourceImageName = "ubuntu-2404-noble-v20261101", SourceProject = "ubuntu-os-cloud" }`,
			want:    "ubuntu-2404-noble-v20261101"},
		{name: "builder's own",
			builder: "source_image_id = \"img-set-by-builder\"\n  generated_data = { SourceAMI = \"ami-0other\" }",
			want:    "img-set-by-builder"},
		{name: "turned off",
			builder: `generated_data = { SourceAMI = "ami-0parent" }`,
			enrich:  `fill_source_image_id = false`,
			want:    ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			sources := fmt.Sprintf(`source "noimage" "child" {
  publish_image = true
  artifact_id   = "img-child"
  image_region  = "test-region"
  %s
}`, tc.builder)
			body := "  post-processor \"enrich\" {\n    " + tc.enrich + "\n  }"
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(sources, "acc", "", body)})
			res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
			mustSucceed(t, res)
			u := hcp.DoneOne()
			if u.SourceExternalIdentifier != tc.want {
				t.Errorf("HCP Packer received the parent %q, want %q", u.SourceExternalIdentifier, tc.want)
			}
			equalArtifacts(t, u, "img-child@test-region")
			if u.Labels["git_commit"] != r.Git("rev-parse", "HEAD") {
				t.Errorf("the image lost its labels: %v", u.Labels)
			}
		})
	}
}
