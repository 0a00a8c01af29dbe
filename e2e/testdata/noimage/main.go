// Command noimage is a Packer plugin used only by the acceptance suite of
// packer-plugin-enrich. Its builder, `noimage`, makes no machine at all: its
// artifact publishes an HCP Packer image only when `publish_image` is set
// (with the labels of `image_labels` and the parent `source_image_id`), and
// always the generated data of `generated_data`, so the suite can test
// builders that publish no image, images that already carry labels or no
// parent, and generated data that holds secrets.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/common"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"github.com/hashicorp/packer-plugin-sdk/plugin"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/version"
	"github.com/zclconf/go-cty/cty"
)

// BuilderID is the id of the noimage builder's artifacts.
const BuilderID = "packer-enrich.noimage"

// Config is the noimage builder's configuration.
type Config struct {
	common.PackerConfig `mapstructure:",squash"`

	// PublishImage makes the artifact publish one HCP Packer image.
	PublishImage bool `mapstructure:"publish_image"`
	// ArtifactID is the artifact's id and the image's id; "noimage-artifact"
	// by default.
	ArtifactID string `mapstructure:"artifact_id"`
	// ImageRegion is the region of the published image.
	ImageRegion string `mapstructure:"image_region"`
	// ImageLabels are the labels of the published image.
	ImageLabels map[string]string `mapstructure:"image_labels"`
	// SourceImageID is the published image's parent, as a builder sets it
	// with image.WithSourceID; empty by default, as many builders leave it.
	SourceImageID string `mapstructure:"source_image_id"`
	// GeneratedData is what the builder publishes as generated data (what
	// `build.X` and `{{ build "X" }}` read).
	GeneratedData map[string]string `mapstructure:"generated_data"`
	// BuilderID is the artifact's builder id, BuilderID by default: another
	// builder's id makes the artifact stand for that builder's, for the
	// post-processors that check it.
	BuilderID string `mapstructure:"builder_id"`
	// State are more state keys the artifact answers, as another builder's
	// artifact would (googlecompute's ImageName, ProjectId, BuildZone).
	State map[string]string `mapstructure:"state"`
}

// Builder is the noimage builder.
type Builder struct {
	config Config
}

// FlatConfig is what packer-sdc would generate for Config: the HCL2 view of
// the options. It is written by hand, the plugin being too small for
// `go generate`.
type FlatConfig struct {
	PublishImage  *bool             `mapstructure:"publish_image" cty:"publish_image" hcl:"publish_image"`
	ArtifactID    *string           `mapstructure:"artifact_id" cty:"artifact_id" hcl:"artifact_id"`
	ImageRegion   *string           `mapstructure:"image_region" cty:"image_region" hcl:"image_region"`
	ImageLabels   map[string]string `mapstructure:"image_labels" cty:"image_labels" hcl:"image_labels"`
	SourceImageID *string           `mapstructure:"source_image_id" cty:"source_image_id" hcl:"source_image_id"`
	GeneratedData map[string]string `mapstructure:"generated_data" cty:"generated_data" hcl:"generated_data"`
	BuilderID     *string           `mapstructure:"builder_id" cty:"builder_id" hcl:"builder_id"`
	State         map[string]string `mapstructure:"state" cty:"state" hcl:"state"`
}

// FlatMapstructure returns the HCL2 view of Config.
func (*Config) FlatMapstructure() interface{ HCL2Spec() map[string]hcldec.Spec } {
	return new(FlatConfig)
}

// HCL2Spec returns the HCL2 spec of the options.
func (*FlatConfig) HCL2Spec() map[string]hcldec.Spec {
	return map[string]hcldec.Spec{
		"publish_image":   &hcldec.AttrSpec{Name: "publish_image", Type: cty.Bool},
		"artifact_id":     &hcldec.AttrSpec{Name: "artifact_id", Type: cty.String},
		"image_region":    &hcldec.AttrSpec{Name: "image_region", Type: cty.String},
		"image_labels":    &hcldec.AttrSpec{Name: "image_labels", Type: cty.Map(cty.String)},
		"source_image_id": &hcldec.AttrSpec{Name: "source_image_id", Type: cty.String},
		"generated_data":  &hcldec.AttrSpec{Name: "generated_data", Type: cty.Map(cty.String)},
		"builder_id":      &hcldec.AttrSpec{Name: "builder_id", Type: cty.String},
		"state":           &hcldec.AttrSpec{Name: "state", Type: cty.Map(cty.String)},
	}
}

// ConfigSpec returns the HCL2 spec of the options.
func (b *Builder) ConfigSpec() hcldec.ObjectSpec {
	return b.config.FlatMapstructure().HCL2Spec()
}

// Prepare decodes the configuration and declares the generated data keys.
func (b *Builder) Prepare(raws ...interface{}) ([]string, []string, error) {
	if err := config.Decode(&b.config, &config.DecodeOpts{PluginType: "noimage"}, raws...); err != nil {
		return nil, nil, err
	}
	if b.config.ArtifactID == "" {
		b.config.ArtifactID = "noimage-artifact"
	}
	keys := make([]string, 0, len(b.config.GeneratedData))
	for k := range b.config.GeneratedData {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil, nil
}

// Run makes the artifact and hands the generated data to the provisioners
// (which is how HCL2 templates get `build.X`).
func (b *Builder) Run(ctx context.Context, ui packersdk.Ui, hook packersdk.Hook) (packersdk.Artifact, error) {
	data := map[string]interface{}{}
	for k, v := range b.config.GeneratedData {
		data[k] = v
	}
	if hook != nil {
		if err := hook.Run(ctx, packersdk.HookProvision, ui, new(packersdk.MockCommunicator), data); err != nil {
			return nil, err
		}
	}
	ui.Say(fmt.Sprintf("noimage: artifact %s (publishes an image: %t)", b.config.ArtifactID, b.config.PublishImage))
	return &Artifact{config: b.config}, nil
}

// Artifact is the noimage builder's artifact.
type Artifact struct {
	config Config
}

// BuilderId returns builder_id, BuilderID by default.
func (a *Artifact) BuilderId() string { //nolint:revive // name set by packersdk.Artifact
	if a.config.BuilderID != "" {
		return a.config.BuilderID
	}
	return BuilderID
}

// Files returns no files.
func (a *Artifact) Files() []string { return nil }

// Id returns the configured artifact id.
func (a *Artifact) Id() string { return a.config.ArtifactID } //nolint:revive // name set by packersdk.Artifact

// String describes the artifact.
func (a *Artifact) String() string { return "noimage artifact " + a.config.ArtifactID }

// State returns the HCP Packer image when publish_image is set (nil
// otherwise), the generated data and the keys of state.
func (a *Artifact) State(name string) interface{} {
	switch name {
	case image.ArtifactStateURI:
		if !a.config.PublishImage {
			return nil
		}
		return &image.Image{
			ImageID:        a.config.ArtifactID,
			ProviderName:   "noimage",
			ProviderRegion: a.config.ImageRegion,
			SourceImageID:  a.config.SourceImageID,
			Labels:         a.config.ImageLabels,
		}
	case "generated_data":
		data := map[string]interface{}{"ID": a.config.ArtifactID}
		for k, v := range a.config.GeneratedData {
			data[k] = v
		}
		return data
	default:
		if v, ok := a.config.State[name]; ok {
			return v
		}
		return nil
	}
}

// Destroy does nothing.
func (a *Artifact) Destroy() error { return nil }

func main() {
	set := plugin.NewSet()
	set.RegisterBuilder(plugin.DEFAULT_NAME, new(Builder))
	set.SetVersion(version.NewPluginVersion("0.0.1", "", ""))
	if err := set.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}
