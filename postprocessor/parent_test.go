package postprocessor

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

// ociBase are the OCI image spec's annotations of the base image, the names
// the oci style gives two of the parent labels.
var ociBase = map[string]string{
	"source_image_name":   "org.opencontainers.image.base.name",
	"source_image_digest": "org.opencontainers.image.base.digest",
}

// parentLabels returns the parent labels among got, by label name, for the
// label style given.
func parentLabels(got map[string]string, style labels.Style) map[string]string {
	out := map[string]string{}
	n := labels.Naming{Style: style}
	for _, name := range labels.NamesOf(labels.Parent) {
		if v, ok := got[n.Key(name)]; ok {
			out[name] = v
		}
	}
	return out
}

// TestParentLabelsPerBuilder gives each builder's images and generated data
// as the reference plugin sets them (postprocessor/parent.go cites the file
// of each) and shows the parent labels they give, in the snake and oci
// styles.
func TestParentLabelsPerBuilder(t *testing.T) {
	r := testrepo.New(t)
	const (
		sha     = "sha256:5a81c1b6e0e7a6f4fbd1e4b3f4e0b3c5e7c0a2c5d3b1f4e0b3c5e7c0a2c5d3b1"
		digest  = "sha256:9b2a6d4c1f0e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c"
		azureMP = "/subscriptions/0000-11/providers/Microsoft.Compute/locations/westeurope/publishers/Canonical/ArtifactTypes/vmimage/offers/ubuntu-24_04-lts/skus/server/versions/latest"
	)
	img := func(id, source string) *image.Image {
		return &image.Image{ImageID: id, ProviderName: "p", ProviderRegion: "r", SourceImageID: source}
	}
	cases := []struct {
		name      string
		cfg       map[string]interface{}
		images    []*image.Image // as the builder publishes them; nil for none
		generated map[interface{}]interface{}
		want      map[string]string // parent labels by snake name
	}{
		// hashicorp/packer-plugin-amazon builder/common/interpolate_build_info.go, builder/common/artifact.go
		{"amazon-ebs: SourceAMI is every region's SourceImageID; name, owner account and creation time",
			nil, []*image.Image{img("ami-1", "ami-0f3c"), img("ami-2", "ami-0f3c")},
			map[interface{}]interface{}{"BuildRegion": "us-east-1", "SourceAMI": "ami-0f3c",
				"SourceAMIName":  "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261001",
				"SourceAMIOwner": "099720109477", "SourceAMIOwnerName": "",
				"SourceAMICreationDate": "2026-10-01T12:34:56.000Z"},
			map[string]string{"source_image_id": "ami-0f3c", "source_image_name": "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261001",
				"source_image_owner": "099720109477", "source_image_created": "2026-10-01T12:34:56Z"}},
		{"amazon: the owner is the account id, not the alias",
			nil, []*image.Image{img("ami-1", "ami-0a1b")},
			map[interface{}]interface{}{"SourceAMI": "ami-0a1b", "SourceAMIName": "al2023-ami-2023.6.20261001.0-kernel-6.1-x86_64",
				"SourceAMIOwner": "137112412989", "SourceAMIOwnerName": "amazon", "SourceAMICreationDate": "2026-10-02T01:02:03.000Z"},
			map[string]string{"source_image_id": "ami-0a1b", "source_image_name": "al2023-ami-2023.6.20261001.0-kernel-6.1-x86_64",
				"source_image_owner": "137112412989", "source_image_created": "2026-10-02T01:02:03Z"}},
		// hashicorp/packer-plugin-googlecompute builder/googlecompute/step_create_instance.go, artifact.go
		{"googlecompute: SourceImageName, also the image's SourceImageID",
			nil, []*image.Image{img("web-1700000000", "ubuntu-2404-noble-amd64-v20261101")},
			map[interface{}]interface{}{"SourceImageName": "ubuntu-2404-noble-amd64-v20261101"},
			map[string]string{"source_image_id": "ubuntu-2404-noble-amd64-v20261101", "source_image_name": "ubuntu-2404-noble-amd64-v20261101"}},
		// hashicorp/packer-plugin-azure builder/azure/arm/step_get_source_image_name.go, artifact.go
		{"azure-arm, a marketplace image: SourceImageName holds its resource path",
			nil, []*image.Image{img("/subscriptions/0000-11/resourceGroups/rg/providers/Microsoft.Compute/images/web", azureMP)},
			map[interface{}]interface{}{"SourceImageName": azureMP},
			map[string]string{"source_image_id": azureMP, "source_image_name": azureMP}},
		{"azure-arm, a VHD's image_url: its SAS signature never reaches a label",
			nil, []*image.Image{img("web.vhd", "https://acct.blob.core.windows.net/vhds/base.vhd?sv=2022-11-02&sig=c2VjcmV0")},
			map[interface{}]interface{}{"SourceImageName": "https://acct.blob.core.windows.net/vhds/base.vhd?sv=2022-11-02&sig=c2VjcmV0"},
			map[string]string{"source_image_id": "https://acct.blob.core.windows.net/vhds/base.vhd",
				"source_image_name": "https://acct.blob.core.windows.net/vhds/base.vhd"}},
		{"azure: the placeholder for a gallery image it could not read names nothing",
			nil, []*image.Image{img("web", "ERR_SOURCE_IMAGE_NAME_NOT_FOUND")},
			map[interface{}]interface{}{"SourceImageName": "ERR_SOURCE_IMAGE_NAME_NOT_FOUND"},
			map[string]string{}},
		// hashicorp/packer-plugin-docker builder/docker/step_pull.go, step_default_generated_data.go, artifact_import.go
		{"docker: the image id is the SourceImageID; repository and digest from SourceImageDigest",
			nil, []*image.Image{img("sha256:1111", sha)},
			map[interface{}]interface{}{"SourceImageDigest": "ubuntu@" + digest, "SourceImageSha256": sha, "ImageSha256": "sha256:1111"},
			map[string]string{"source_image_id": sha, "source_image_name": "ubuntu", "source_image_digest": digest}},
		{"docker: a registry with a port",
			nil, []*image.Image{img("sha256:1111", sha)},
			map[interface{}]interface{}{"SourceImageDigest": "registry.example.com:5000/team/base@" + digest, "SourceImageSha256": sha},
			map[string]string{"source_image_id": sha, "source_image_name": "registry.example.com:5000/team/base", "source_image_digest": digest}},
		{"docker: an image the builder built itself has no digest",
			nil, []*image.Image{img("sha256:1111", sha)},
			map[interface{}]interface{}{"SourceImageDigest": "", "SourceImageSha256": sha},
			map[string]string{"source_image_id": sha}},
		{"docker: the placeholders of what it never read name nothing",
			nil, []*image.Image{img("sha256:1111", "ERR_SOURCE_IMAGE_SHA256_NOT_FOUND")},
			map[interface{}]interface{}{"SourceImageDigest": "ERR_SOURCE_IMAGE_DIGEST_NOT_FOUND", "SourceImageSha256": "ERR_SOURCE_IMAGE_SHA256_NOT_FOUND"},
			map[string]string{}},
		// hashicorp/packer-plugin-yandex builder/yandex/step_create_instance.go (no HCP Packer image of its own)
		{"yandex publishes no image: fallback_image's, filled from SourceImageID; the folder is the owner",
			map[string]interface{}{"fallback_image": true}, nil,
			map[interface{}]interface{}{"SourceImageID": "fd8abc", "SourceImageName": "ubuntu-24-04-lts-v20261101",
				"SourceImageFamily": "ubuntu-2404-lts", "SourceImageFolderID": "standard-images", "SourceImageDescription": "Ubuntu"},
			map[string]string{"source_image_id": "fd8abc", "source_image_name": "ubuntu-24-04-lts-v20261101", "source_image_owner": "standard-images"}},
		// hashicorp/packer-plugin-vsphere builder/vsphere/common/artifact.go
		{"vsphere-clone: the template is the SourceImageID, no generated data of it",
			nil, []*image.Image{img("web", "/dc/vm/templates/ubuntu-base")},
			map[interface{}]interface{}{},
			map[string]string{"source_image_id": "/dc/vm/templates/ubuntu-base"}},
		{"fill_source_image_id = false: an image without SourceImageID names no id",
			map[string]interface{}{"fill_source_image_id": false}, []*image.Image{img("ami-1", "")},
			map[interface{}]interface{}{"SourceAMI": "ami-0f3c", "SourceAMIName": "base"},
			map[string]string{"source_image_name": "base"}},
		{"images that name different sources name no id",
			nil, []*image.Image{img("a", "ami-1"), img("b", "ami-2")},
			map[interface{}]interface{}{},
			map[string]string{}},
		// hashicorp/packer builder/null/artifact_export.go, builder/file/builder.go and artifact.go
		{"the null builder's SourceImageID \"null\" names nothing",
			nil, []*image.Image{img("Null", "null")},
			map[interface{}]interface{}{},
			map[string]string{}},
		{"the file builder's placeholder for content without a source file names nothing",
			nil, []*image.Image{img("artifact.txt", "<no-defined-source-file>")},
			map[interface{}]interface{}{},
			map[string]string{}},
		{"the file builder's source file is its parent",
			nil, []*image.Image{img("artifact.txt", "in/base.txt")},
			map[interface{}]interface{}{},
			map[string]string{"source_image_id": "in/base.txt"}},
		{"a builder that names no source gives no parent label",
			nil, []*image.Image{img("disk.qcow2", "")},
			map[interface{}]interface{}{"ISOChecksum": "sha256:abc"},
			map[string]string{}},
	}
	for _, tc := range cases {
		for _, style := range []labels.Style{labels.Snake, labels.OCI} {
			t.Run(string(style)+"/"+tc.name, func(t *testing.T) {
				cfg := map[string]interface{}{"git_path": r.Dir, "label_style": string(style)}
				for k, v := range tc.cfg {
					cfg[k] = v
				}
				var images interface{}
				if tc.images != nil {
					images = tc.images
				}
				art, ui := run(t, configured(t, cfg, nil), sourceArtifact(images, tc.generated))
				want := map[string]string{}
				for name, v := range tc.want {
					key := name
					if style == labels.OCI && ociBase[name] != "" {
						key = ociBase[name]
					}
					want[key] = v
				}
				got := map[string]string{}
				for k, v := range art.Labels() {
					if strings.HasPrefix(k, "source_image_") || strings.HasPrefix(k, "org.opencontainers.image.base.") {
						got[k] = v
					}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("parent labels:\n got %v\nwant %v\nUI: %s", got, want, ui)
				}
				if strings.Contains(ui, "c2VjcmV0") || strings.Contains(art.String(), "c2VjcmV0") {
					t.Errorf("the SAS signature was shown: %s", ui)
				}
				if p := parentLabels(art.Labels(), style); !reflect.DeepEqual(p, tc.want) {
					t.Errorf("the table's parent labels: got %v, want %v", p, tc.want)
				}
			})
		}
	}
}

func TestSplitDigest(t *testing.T) {
	const h = "sha256:9b2a6d4c1f0e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c"
	for _, tc := range []struct{ ref, name, digest string }{
		{"ubuntu@" + h, "ubuntu", h},
		{h, "", h},
		{"registry.example.com:5000/a/b@" + h, "registry.example.com:5000/a/b", h},
		{"ubuntu@not-a-digest", "ubuntu", ""},
		{"ubuntu@sha256:abcd", "ubuntu", ""},
		{"ubuntu:24.04", "", ""},
		{"ubuntu:latest", "", ""},
	} {
		if name, digest := splitDigest(tc.ref); name != tc.name || digest != tc.digest {
			t.Errorf("splitDigest(%q) = %q, %q; want %q, %q", tc.ref, name, digest, tc.name, tc.digest)
		}
	}
}
