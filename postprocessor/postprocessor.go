// Package postprocessor implements the enrich post-processor: it adds git,
// build and CI facts as labels to the HCP Packer images of an artifact and
// returns an artifact whose state carries them.
package postprocessor

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/gitopts"
)

// PostProcessor is the enrich post-processor.
type PostProcessor struct {
	config Config

	// now and lookupEnv stand for time.Now and os.LookupEnv; tests set
	// them.
	now       func() time.Time
	lookupEnv func(string) (string, bool)
}

// ConfigSpec returns the HCL2 spec of Config.
func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec {
	return p.config.FlatMapstructure().HCL2Spec()
}

// Configure decodes and checks the configuration. Packer calls it once for
// JSON templates and twice for HCL2 templates, first with the build's values
// unknown.
func (p *PostProcessor) Configure(raws ...interface{}) error {
	p.config = Config{}
	return p.config.prepare(raws...)
}

// PostProcess adds the labels to the images of source and returns an
// Artifact that serves them. Everything the Artifact serves is read from
// source here: once PostProcess returns, a plugin can no longer ask the
// source anything. The source is always kept.
func (p *PostProcessor) PostProcess(ctx context.Context, ui packersdk.Ui, source packersdk.Artifact) (packersdk.Artifact, bool, bool, error) {
	const keep, forceKeep = true, true
	c := &p.config

	art := &Artifact{
		builderID: source.BuilderId(),
		id:        source.Id(),
		files:     source.Files(),
		str:       source.String(),
		state:     map[string]interface{}{},
	}
	for _, key := range carriedStateKeys {
		if v := source.State(key); v != nil {
			art.state[key] = v
		}
	}
	generated := stringKeyed(source.State(generatedDataKey))
	imageState := source.State(image.ArtifactStateURI)

	userLabels, err := c.renderLabels(generated)
	if err != nil {
		return source, keep, forceKeep, err
	}
	if err := refuseSecrets(userLabels, generated); err != nil {
		return source, keep, forceKeep, err
	}

	f := facts{
		BuildTime:  p.clock().UTC().Truncate(time.Second),
		Packer:     c.PackerCoreVersion,
		BuildName:  c.PackerBuildName,
		Builder:    c.PackerBuilderType,
		Generated:  generated,
		UserLabels: userLabels,
	}
	if v, ok := p.env()("PACKER_RUN_UUID"); ok {
		f.RunUUID = v
	}
	f.Git, f.CI, err = p.gitFacts(ctx, ui)
	if err != nil {
		return source, keep, forceKeep, err
	}
	labels := c.buildLabels(f)
	art.labels = labels

	if err := p.labelImages(ui, art, imageState); err != nil {
		return source, keep, forceKeep, err
	}

	art.generated = make(map[string]interface{}, len(generated)+len(labels))
	for k, v := range generated {
		art.generated[k] = v
	}
	for k, v := range labels {
		art.generated[k] = v
	}

	if c.OutputPath != "" {
		entry := c.outputEntry(art, f)
		replaced, err := writeOutput(ctx, c.OutputPath, entry)
		if err != nil {
			return source, keep, forceKeep, fmt.Errorf("enrich: output: %w", err)
		}
		if replaced != nil && replaced.PackerRunUUID != "" && replaced.PackerRunUUID == entry.PackerRunUUID {
			ui.Error(fmt.Sprintf("output: another build of this run also wrote the entry %q of %s, and this build replaced it; "+
				"give the builds different names (a source used in two build blocks has one name)", entry.Key(), c.OutputPath))
		}
	}

	p.report(ui, art)
	return art, keep, forceKeep, nil
}

// labelImages decodes the source's images, or makes the fallback image, and
// adds the labels to every one of them, as on_conflict says.
func (p *PostProcessor) labelImages(ui packersdk.Ui, art *Artifact, imageState interface{}) error {
	c := &p.config
	images, err := decodeImages(imageState)
	if err != nil {
		ui.Error(fmt.Sprintf("%s; the images are passed on without labels", err))
		art.rawImages = imageState
		return nil
	}
	if len(images) == 0 {
		if images, err = p.fallbackImages(ui, art); err != nil {
			return err
		}
	}
	var conflicts []string
	for i := range images {
		img := &images[i]
		if err := img.Validate(); err != nil {
			completeImage(img, art)
			ui.Say(fmt.Sprintf("the builder's image %d was incomplete (%s); completed from the artifact as %s", i, err, img))
		}
		for _, k := range mergeLabels(img, art.labels, c.OnConflict) {
			conflicts = append(conflicts, fmt.Sprintf("%s on image %s", k, img.ImageID))
		}
		art.images = append(art.images, img)
	}
	if c.OnConflict == conflictError && len(conflicts) > 0 {
		return fmt.Errorf("enrich: on_conflict = \"error\": the image already has other values for %s; set on_conflict to \"override\" or \"keep\", or exclude those labels", strings.Join(conflicts, ", "))
	}
	for _, k := range conflicts {
		log.Printf("[DEBUG] enrich: label %s had another value; on_conflict = %q", k, c.OnConflict)
	}
	return nil
}

// renderLabels renders the user's label templates with the build's generated
// data, as Packer's manifest post-processor does with custom_data.
func (c *Config) renderLabels(generated map[string]interface{}) (map[string]string, error) {
	ictx := c.ctx
	ictx.Data = generated
	out := make(map[string]string, len(c.Labels))
	for k, v := range c.Labels {
		r, err := interpolate.Render(v, &ictx)
		if err != nil {
			return nil, fmt.Errorf("enrich: labels[%q]: %w", k, err)
		}
		out[k] = r
	}
	return out, nil
}

// minSecretLen is the shortest secret value refuseSecrets looks for: shorter
// values would match by chance.
const minSecretLen = 4

// refuseSecrets fails when one of the user's labels holds the value of a
// generated data key that holds a secret (build.Password in HCL2,
// {{ build `Password` }} in JSON): labels are public metadata.
func refuseSecrets(labels map[string]string, generated map[string]interface{}) error {
	names := slices.Sorted(maps.Keys(labels))
	for key, v := range generated {
		secret, ok := v.(string)
		if !ok || len(secret) < minSecretLen || !isSecretKey(key) {
			continue
		}
		for _, name := range names {
			if strings.Contains(labels[name], secret) {
				return fmt.Errorf("enrich: labels[%q] holds the value of the generated data's %q, a secret; labels are never given secrets: remove it", name, key)
			}
		}
	}
	return nil
}

// gitFacts collects the repository's facts and the CI's. With no repository
// it warns, or fails when git_required is set.
func (p *PostProcessor) gitFacts(ctx context.Context, ui packersdk.Ui) (*gitinfo.Facts, *gitinfo.CI, error) {
	c := &p.config
	g, ci, note, err := gitopts.Collect(ctx, gitopts.Options{
		Path: c.GitPath, Required: c.GitRequired, DirtyCheck: c.DirtyCheck, LookupEnv: p.env(),
	})
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil, nil, err
	case err != nil:
		return nil, nil, fmt.Errorf("enrich: %w", err)
	case note != "":
		ui.Say(note)
	}
	if g != nil {
		for fact, reason := range g.Unknown {
			log.Printf("[DEBUG] enrich: git fact %s is unknown: %s", fact, reason)
		}
	}
	return g, ci, nil
}

// fallbackImages makes an image from the artifact when the source publishes
// none and fallback_image is set; otherwise it says that the images carry
// no labels.
func (p *PostProcessor) fallbackImages(ui packersdk.Ui, art *Artifact) ([]image.Image, error) {
	c := &p.config
	if !c.FallbackImage {
		where := "set output to keep them in a file"
		if c.OutputPath != "" {
			where = "they are written to " + c.OutputPath
		}
		ui.Say(fmt.Sprintf("the %s artifact publishes no HCP Packer image, so no image gets labels (%s). "+
			"Set fallback_image = true to make an image from the artifact.", art.builderID, where))
		return nil, nil
	}
	provider := c.FallbackProvider
	if provider == "" {
		provider = art.builderID
	}
	img := image.Image{ImageID: art.id, ProviderName: provider, ProviderRegion: c.FallbackRegion}
	if err := img.Validate(); err != nil {
		return nil, fmt.Errorf("enrich: fallback_image: the artifact (id %q, builder %q) cannot make an HCP Packer image: %w; set fallback_provider", art.id, art.builderID, err)
	}
	return []image.Image{img}, nil
}

// completeImage fills the fields HCP Packer requires that an image lacks,
// from the artifact, as image.FromArtifact does: the artifact's id as the
// image id and the builder's id as the provider.
func completeImage(img *image.Image, art *Artifact) {
	if img.ImageID == "" {
		img.ImageID = art.id
	}
	if img.ProviderName == "" {
		img.ProviderName = art.builderID
	}
}

// report writes the one line a build shows, and the details to the log.
func (p *PostProcessor) report(ui packersdk.Ui, art *Artifact) {
	names := make([]string, 0, len(art.images))
	for _, img := range art.images {
		names = append(names, img.String())
	}
	switch len(art.images) {
	case 0:
		ui.Say(fmt.Sprintf("%d labels made, no HCP Packer image to add them to", len(art.labels)))
	default:
		ui.Say(fmt.Sprintf("%d labels added to %d image(s): %s", len(art.labels), len(art.images), strings.Join(names, "; ")))
	}
	for _, k := range slices.Sorted(maps.Keys(art.labels)) {
		log.Printf("[DEBUG] enrich: label %s = %q", k, art.labels[k])
	}
}

func (p *PostProcessor) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}

func (p *PostProcessor) env() func(string) (string, bool) {
	if p.lookupEnv != nil {
		return p.lookupEnv
	}
	return os.LookupEnv
}
