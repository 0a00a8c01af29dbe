package postprocessor

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

// The generated data keys that describe the image a build started from, as
// the reference plugins set them (the labels source_image_*). A builder
// that sets none of them still names its source through its images'
// SourceImageID, which gives source_image_id alone.
//
//	amazon (ebs, chroot, ebssurrogate, ebsvolume, instance), hashicorp/packer-plugin-amazon
//	  builder/common/interpolate_build_info.go, extractBuildInfo: SourceAMI (the image's
//	  SourceImageID too, builder/common/artifact.go), SourceAMIName, SourceAMIOwner (the
//	  account id), SourceAMIOwnerName (the owner alias, such as "amazon"; often empty),
//	  SourceAMICreationDate (EC2's CreationDate, "2024-05-01T10:00:00.000Z")
//	azure (arm, chroot), hashicorp/packer-plugin-azure
//	  builder/azure/arm/step_get_source_image_name.go, builder/azure/chroot/step_get_source_image_name.go:
//	  SourceImageName, an id rather than a name (a marketplace image's resource path, a
//	  managed image or gallery version id, or the image_url of a VHD), or the placeholder
//	  ERR_SOURCE_IMAGE_NAME_NOT_FOUND; builder/azure/arm/artifact.go makes it the image's
//	  SourceImageID
//	googlecompute, hashicorp/packer-plugin-googlecompute
//	  builder/googlecompute/step_create_instance.go: SourceImageName (also when the source is
//	  given as a family); builder/googlecompute/artifact.go makes it the image's SourceImageID
//	docker, hashicorp/packer-plugin-docker
//	  builder/docker/step_pull.go: SourceImageDigest, the first of `docker inspect`'s
//	  RepoDigests ("ubuntu@sha256:..."; "" for an image built by the builder itself),
//	  SourceImageSha256 (the image id, "sha256:..."), both first set to the placeholders
//	  ERR_SOURCE_IMAGE_*_NOT_FOUND by builder/docker/step_default_generated_data.go;
//	  builder/docker/artifact_import.go makes SourceImageSha256 the image's SourceImageID
//	yandex, hashicorp/packer-plugin-yandex
//	  builder/yandex/step_create_instance.go: SourceImageID, SourceImageName,
//	  SourceImageFolderID (the folder that holds the image), SourceImageFamily,
//	  SourceImageDescription
//	vsphere (iso, clone), hashicorp/packer-plugin-vsphere
//	  no generated data of the source: builder/vsphere/common/artifact.go sets the image's
//	  SourceImageID to the template (clone) or the ISO's datastore path (iso)
//	digitalocean, hcloud, oracle (oci, classic), openstack
//	  no generated data of the source: the image's SourceImageID alone
//	  (builder/digitalocean/artifact.go, builder/hcloud/artifact.go,
//	  builder/oci/artifact.go and builder/classic/artifact.go, builder/openstack/artifact.go)
//	proxmox, qemu: no source named
//	null, file (hashicorp/packer): placeholders that name nothing (corePlaceholders); file
//	  with a `source` file names that file
var (
	parentNameKeys    = []string{"SourceAMIName", "SourceImageName"}
	parentOwnerKeys   = []string{"SourceAMIOwner", "SourceAMIOwnerName", "SourceImageFolderID"}
	parentCreatedKeys = []string{"SourceAMICreationDate"}
	// parentDigestKey holds a repository digest, name@digest, or a digest
	parentDigestKey = "SourceImageDigest"
)

// parentImage returns what the builder says of the image the build started
// from: the id the source's images name, as fill_source_image_id leaves
// them, and the rest from its generated data.
func (c *Config) parentImage(src source, generated map[string]interface{}) labels.ParentImage {
	p := labels.ParentImage{
		ID:      c.parentID(src, generated),
		Name:    firstNamed(generated, parentNameKeys),
		Owner:   firstNamed(generated, parentOwnerKeys),
		Created: utcTime(firstNamed(generated, parentCreatedKeys)),
	}
	if ref := named(generated[parentDigestKey]); ref != "" {
		name, digest := splitDigest(ref)
		p.Digest = digest
		if p.Name == "" {
			p.Name = name
		}
	}
	return p
}

// parentID returns the SourceImageID of the artifact's images once
// fill_source_image_id has filled the empty ones; with no image, the id it
// would fill in. Images that name different sources name none.
func (c *Config) parentID(src source, generated map[string]interface{}) string {
	if src.imagesErr != nil {
		return ""
	}
	images := src.images
	fill := ""
	if !c.FillSourceImageID.False() {
		fill, _ = sourceFromGenerated(generated)
	}
	ids := []string{}
	if len(images) == 0 {
		ids = append(ids, fill)
	}
	for _, img := range images {
		id := img.SourceImageID
		if id == "" {
			id = fill
		}
		ids = append(ids, named(id))
	}
	for _, id := range ids[1:] {
		if id != ids[0] {
			return ""
		}
	}
	return ids[0]
}

// firstNamed returns the value of the first key of keys that names
// something.
func firstNamed(generated map[string]interface{}, keys []string) string {
	for _, k := range keys {
		if s := named(generated[k]); s != "" {
			return s
		}
	}
	return ""
}

// corePlaceholders are the SourceImageIDs the builders of Packer core give
// an image that has no source (hashicorp/packer): "null", the null
// builder's (builder/null/artifact_export.go), and the file builder's when
// the template gives `content` rather than a `source` file
// (builder/file/builder.go).
var corePlaceholders = []string{"null", "<no-defined-source-file>"}

// named returns v as a value a parent label can hold: a string that is not
// one of the placeholders builders set for what they could not read
// (ERR_SOURCE_IMAGE_DIGEST_NOT_FOUND) or have not (corePlaceholders), with any credentials removed from a URL (an Azure VHD's
// image_url may carry a SAS token).
func named(v interface{}) string {
	s, ok := stringValue(v)
	s = strings.TrimSpace(s)
	if !ok || s == "" || slices.Contains(corePlaceholders, s) || strings.HasPrefix(s, "ERR_") && strings.HasSuffix(s, "_NOT_FOUND") {
		return ""
	}
	if strings.Contains(s, "://") {
		s = gitinfo.StripCredentials(s)
	}
	return s
}

// digestRE matches a content digest as the OCI image spec defines it
// (algorithm:encoded), with a hex encoding of at least 128 bits, as sha256
// and sha512 give: never a tag such as ubuntu:24.04.
var digestRE = regexp.MustCompile(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$`)

// splitDigest splits a repository digest, name@algorithm:hex, into the
// repository and the digest; a bare digest has no repository.
func splitDigest(ref string) (name, digest string) {
	name, digest, found := strings.Cut(ref, "@")
	if !found {
		name, digest = "", ref
	}
	if !digestRE.MatchString(digest) {
		return name, ""
	}
	return name, digest
}

// utcTime returns a time the builder gave as RFC 3339 in UTC, as every
// time label is written; a time that is not RFC 3339 stays as given.
func utcTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339)
}
