package postprocessor

import "time"

// The entry format of the output file: one OutputBuild per build, under its
// Key. internal/outputfile writes the file; this file says what an entry
// holds.

// OutputBuild is one build's entry in the output file.
type OutputBuild struct {
	Name          string            `json:"name"`
	BuilderType   string            `json:"builder_type,omitempty"`
	BuilderID     string            `json:"builder_id,omitempty"`
	PackerRunUUID string            `json:"packer_run_uuid,omitempty"`
	ArtifactID    string            `json:"artifact_id,omitempty"`
	BuildTime     string            `json:"build_time,omitempty"`
	Labels        map[string]string `json:"labels"`
	Images        []OutputImage     `json:"images"`
}

// Key is the entry's key in the output file: the builder type and the build
// name, as Packer names the build ("amazon-ebs.ubuntu"), or the name alone
// when it is the builder type (an unnamed JSON builder).
func (e OutputBuild) Key() string {
	switch {
	case e.Name == "":
		return "build"
	case e.BuilderType == "" || e.BuilderType == e.Name:
		return e.Name
	default:
		return e.BuilderType + "." + e.Name
	}
}

// OutputImage is an HCP Packer image of a build with its labels.
type OutputImage struct {
	ImageID        string            `json:"image_id"`
	ProviderName   string            `json:"provider_name"`
	ProviderRegion string            `json:"provider_region,omitempty"`
	SourceImageID  string            `json:"source_image_id,omitempty"`
	Labels         map[string]string `json:"labels"`
}

// outputEntry describes art, made from the build's facts f, as an output
// file entry.
func (c *Config) outputEntry(art *Artifact, f facts) OutputBuild {
	e := OutputBuild{
		Name:          c.PackerBuildName,
		BuilderType:   c.PackerBuilderType,
		BuilderID:     art.builderID,
		PackerRunUUID: f.RunUUID,
		ArtifactID:    art.id,
		Labels:        art.Labels(),
		Images:        []OutputImage{},
	}
	if e.Name == "" {
		e.Name = c.PackerBuilderType
	}
	if !f.BuildTime.IsZero() {
		e.BuildTime = f.BuildTime.UTC().Format(time.RFC3339)
	}
	for _, img := range art.images {
		e.Images = append(e.Images, OutputImage{
			ImageID:        img.ImageID,
			ProviderName:   img.ProviderName,
			ProviderRegion: img.ProviderRegion,
			SourceImageID:  img.SourceImageID,
			Labels:         img.Labels,
		})
	}
	return e
}
