package postprocessor

import (
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// An image's SourceImageID links it to its parent in HCP Packer: when the
// builder leaves it empty, the source its generated data names fills it.
func TestFillSourceImageID(t *testing.T) {
	r := testrepo.New(t)
	orphans := func() []*image.Image {
		return []*image.Image{
			{ImageID: "img-1", ProviderName: "gce", ProviderRegion: "us-east1"},
			{ImageID: "img-2", ProviderName: "gce", ProviderRegion: "eu-west1", SourceImageID: "set-by-builder"},
		}
	}
	cases := []struct {
		name      string
		cfg       map[string]interface{}
		generated map[interface{}]interface{}
		want      []string // SourceImageID of each image
	}{
		{"SourceAMI (Amazon) fills the empty one, never the builder's",
			nil, map[interface{}]interface{}{"SourceAMI": "ami-0abc", "SourceAMIName": "ubuntu"},
			[]string{"ami-0abc", "set-by-builder"}},
		{"SourceImageName (Google Compute, Azure)",
			nil, map[interface{}]interface{}{"SourceImageName": "ubuntu-2404-noble-v20261101", "SourceProject": "ubuntu-os-cloud"},
			[]string{"ubuntu-2404-noble-v20261101", "set-by-builder"}},
		{"an id wins over a name",
			nil, map[interface{}]interface{}{"SourceImageName": "base", "SourceImageID": "fd8abc"},
			[]string{"fd8abc", "set-by-builder"}},
		{"Docker's placeholder for an unknown digest names nothing",
			nil, map[interface{}]interface{}{"SourceImageDigest": "ERR_SOURCE_IMAGE_DIGEST_NOT_FOUND", "SourceImageSha256": "sha256:1"},
			[]string{"", "set-by-builder"}},
		{"Docker's digest",
			nil, map[interface{}]interface{}{"SourceImageDigest": "sha256:8d2c"},
			[]string{"sha256:8d2c", "set-by-builder"}},
		{"no source in the generated data",
			nil, map[interface{}]interface{}{"BuildRegion": "us-east-1", "SourceAMI": ""},
			[]string{"", "set-by-builder"}},
		{"fill_source_image_id = false turns it off",
			map[string]interface{}{"fill_source_image_id": false}, map[interface{}]interface{}{"SourceAMI": "ami-0abc"},
			[]string{"", "set-by-builder"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]interface{}{"git_path": r.Dir}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			art, _ := run(t, configured(t, cfg, nil), sourceArtifact(orphans(), tc.generated))
			images, ok := art.State(image.ArtifactStateURI).([]*image.Image)
			if !ok || len(images) != len(tc.want) {
				t.Fatalf("images = %#v", art.State(image.ArtifactStateURI))
			}
			for i, img := range images {
				if img.SourceImageID != tc.want[i] {
					t.Errorf("image %s: SourceImageID = %q, want %q", img.ImageID, img.SourceImageID, tc.want[i])
				}
			}
		})
	}
}
