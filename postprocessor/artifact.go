package postprocessor

import (
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
)

// generatedDataKey is the state key under which artifacts expose the
// builder's generated data to later post-processors.
const generatedDataKey = "generated_data"

// carriedStateKeys are the state keys, besides the images and the generated
// data, that the Artifact copies from its source so that post-processors
// chained after enrich still read them: once PostProcess returns, the source
// artifact of a plugin can no longer be asked anything. They are every key
// the post-processors of Packer core and of the amazon, azure,
// googlecompute, docker, vsphere and vagrant plugins read from their input
// artifact (their source at Packer v1.16.0 and the plugins' latest
// releases), and the legacy Atlas metadata many builders still answer. The
// carry_state_keys option adds more.
var carriedStateKeys = []string{
	"docker_tags",                   // docker-push: the tags docker-tag made
	"ImageName",                     // googlecompute-export: the image to export
	"ProjectId",                     // googlecompute-export: its project
	"BuildZone",                     // googlecompute-export: the zone it was built in
	"diskType",                      // vagrant (libvirt): the disk format
	"diskName",                      // vagrant (libvirt): the disk file
	"domainType",                    // vagrant (libvirt): the domain type
	"artifact.conf.format",          // vsphere-template: the export format
	"artifact.conf.keep_registered", // vsphere-template: keep the VM registered
	"artifact.conf.skip_export",     // vsphere-template: skip the export
	"atlas.artifact.metadata",       // legacy Atlas / Vagrant Cloud metadata
}

// enrichLabelsKey is the state key under which an enrich artifact serves
// the labels it added, so that a later enrich in the same chain replaces
// them instead of seeing them as conflicting labels of the image.
const enrichLabelsKey = "enrich.labels"

// Artifact is what the enrich post-processor returns: the builder's artifact
// with enriched metadata. Its images carry the added labels, its generated
// data holds the labels too, and everything else is what the source artifact
// answered, read while PostProcess ran. Destroying it does nothing: the image
// the builder made belongs to the user.
type Artifact struct {
	builderID string
	id        string
	files     []string
	str       string

	// images are the source's images with the added labels; nil when the
	// source published none and no fallback image was made.
	images []*image.Image
	// rawImages is the source's image state when it could not be decoded,
	// served unchanged.
	rawImages interface{}
	generated map[string]interface{}
	state     map[string]interface{}
	// labels are the labels added to every image.
	labels map[string]string
}

// BuilderId returns the id of the builder that made the source artifact, so
// that post-processors chained after enrich accept it as they would the
// source.
func (a *Artifact) BuilderId() string { return a.builderID } //nolint:revive // name set by packersdk.Artifact

// Files returns the source artifact's files.
func (a *Artifact) Files() []string { return a.files }

// Id returns the source artifact's id.
func (a *Artifact) Id() string { return a.id } //nolint:revive // name set by packersdk.Artifact

// String returns the source artifact's description.
func (a *Artifact) String() string { return a.str }

// State returns the enriched images under image.ArtifactStateURI, the
// generated data with the added labels under "generated_data", the added
// labels under "enrich.labels", and what the source answered for the other
// keys it carries.
func (a *Artifact) State(name string) interface{} {
	switch name {
	case image.ArtifactStateURI:
		if a.images == nil {
			return a.rawImages
		}
		return a.images
	case generatedDataKey:
		return a.generated
	case enrichLabelsKey:
		return a.Labels()
	default:
		return a.state[name]
	}
}

// Destroy does nothing: the source artifact is the user's, and Packer is
// told to keep it.
func (a *Artifact) Destroy() error { return nil }

// Labels returns the labels added to every image of the artifact.
func (a *Artifact) Labels() map[string]string {
	out := make(map[string]string, len(a.labels))
	for k, v := range a.labels {
		out[k] = v
	}
	return out
}
