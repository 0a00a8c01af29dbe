// Package postprocessor implements the enrich post-processor: it adds git,
// build and CI facts as labels to the HCP Packer images of an artifact and
// returns an artifact whose state carries them.
package postprocessor

import (
	"context"
	"encoding/json"
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
	"github.com/packer-enrich/packer-plugin-enrich/internal/outputfile"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
	"github.com/packer-enrich/packer-plugin-enrich/options"
)

// PostProcessor is the enrich post-processor.
type PostProcessor struct {
	config Config
	// configured is set once Configure has succeeded. HCL2 calls Configure
	// again inside PostProcess, after the build, with the build's values
	// known: a problem found then (lateErr) must not fail the build, so it
	// is shown with ui.Error and what it concerns is left out.
	configured bool
	lateErr    error

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
//
// A call after a successful one is HCL2's call after the build: its
// problems are kept for PostProcess to show instead of being returned,
// because Packer deletes the builder's artifact when it fails.
func (p *PostProcessor) Configure(raws ...interface{}) error {
	late := p.configured
	p.config = Config{}
	p.lateErr = nil
	err := p.config.prepare(raws...)
	if err == nil && !late {
		err = p.checkGates()
	}
	if err != nil && late {
		p.lateErr = err
		return nil
	}
	p.configured = err == nil
	return err
}

// PostProcess adds the labels to the images of source and returns an
// Artifact that serves them. Everything the Artifact serves is read from
// source here: once PostProcess returns, a plugin can no longer ask the
// source anything. The source is always kept.
//
// The builder's artifact exists by now, and Packer deletes it when a
// post-processor fails, so nothing here fails the build but what the user
// asked to fail on (on_conflict = "error") and a cancelled build: what
// enrich cannot do it says with ui.Error and leaves out (a label it cannot
// render or that would carry a secret, the git labels, the output file).
func (p *PostProcessor) PostProcess(ctx context.Context, ui packersdk.Ui, source packersdk.Artifact) (packersdk.Artifact, bool, bool, error) {
	const keep, forceKeep = true, true
	c := &p.config
	if p.lateErr != nil && c.undecoded {
		ui.Error(fmt.Sprintf("once the build's values were known, the configuration could not be read, so the artifact is passed on without labels: %s", p.lateErr))
		return source, keep, forceKeep, nil
	}
	if p.lateErr != nil {
		ui.Error(fmt.Sprintf("once the build's values were known, the configuration had problems; enrich leaves out what they concern: %s", p.lateErr))
	}

	src := readSource(source, c.stateKeys())
	art := &Artifact{builderID: src.builderID, id: src.id, files: src.files, str: src.str, state: src.carried}
	generated := src.generated

	f := facts{
		BuildTime:  p.clock().UTC().Truncate(time.Second),
		Packer:     c.PackerCoreVersion,
		BuildName:  c.PackerBuildName,
		Builder:    c.PackerBuilderType,
		Parent:     c.parentImage(src, generated),
		Generated:  generated,
		UserLabels: c.renderLabels(ui, generated),
		Secrets:    knownSecrets(c.PackerUserVars, c.PackerSensitiveVars, generated, p.env()),
	}
	if v, ok := p.env()("PACKER_RUN_UUID"); ok {
		f.RunUUID = v
	}
	var err error
	f.Git, f.CI, err = p.gitFacts(ctx, ui)
	if err != nil {
		return source, keep, forceKeep, err
	}
	labels, dropped := c.buildLabels(f)
	for _, msg := range dropped {
		ui.Error(msg)
	}
	art.labels = labels

	if src.imagesErr != nil {
		ui.Error(fmt.Sprintf("%s; the images are passed on without labels", src.imagesErr))
		art.rawImages = src.rawImages
	} else if err := p.labelImages(ui, art, src.images, src.prior); err != nil {
		return source, keep, forceKeep, err
	}
	c.fillSourceImageIDs(art.images, generated)

	art.generated = mergeGenerated(generated, labels, src.prior)

	if c.OutputPath != "" {
		p.writeOutput(ctx, ui, art, f)
	}

	p.report(ui, art, f.Git)
	return art, keep, forceKeep, nil
}

// mergeGenerated returns the builder's generated data with the labels
// added. Enrich only adds: a key the builder produced keeps the builder's
// value, so build.X, manifest and shell-local read what they read without
// enrich. Only a key an earlier enrich of the chain added (prior, with the
// value it served) is replaced.
func mergeGenerated(generated map[string]interface{}, labels, prior map[string]string) map[string]interface{} {
	out := make(map[string]interface{}, len(generated)+len(labels))
	for k, v := range generated {
		out[k] = v
	}
	for k, v := range labels {
		if old, had := generated[k]; had {
			p, added := prior[k]
			s, ok := stringValue(old)
			if !added || !ok || s != p {
				continue
			}
		}
		out[k] = v
	}
	return out
}

// writeOutput writes the build's entry to the output file, or says with
// ui.Error why it could not.
func (p *PostProcessor) writeOutput(ctx context.Context, ui packersdk.Ui, art *Artifact, f facts) {
	c := &p.config
	if strings.Contains(c.OutputPath, options.Unknown) {
		ui.Error(fmt.Sprintf("output: the labels were not written to %s: the value of the build it names was never known (the builder does not give it)", c.OutputPath))
		return
	}
	entry := c.outputEntry(art, f)
	old, err := outputfile.Write(ctx, c.OutputPath, entry.Key(), entry, ui.Say)
	if err != nil {
		ui.Error(fmt.Sprintf("output: the labels were not written to %s: %s", c.OutputPath, err))
		return
	}
	var replaced OutputBuild
	if old != nil && json.Unmarshal(old, &replaced) == nil && replaced.PackerRunUUID != "" && replaced.PackerRunUUID == entry.PackerRunUUID {
		ui.Error(fmt.Sprintf("output: another build of this run also wrote the entry %q of %s, and this build replaced it; "+
			"give the builds different names (a source used in two build blocks has one name)", entry.Key(), c.OutputPath))
	}
}

// labelImages adds the labels to every one of the source's images, or to
// the fallback image, as on_conflict says. Labels an earlier enrich of the
// chain added (prior) are replaced without counting as conflicts.
func (p *PostProcessor) labelImages(ui packersdk.Ui, art *Artifact, images []image.Image, prior map[string]string) error {
	c := &p.config
	images = slices.Clone(images)
	if len(images) == 0 {
		images = p.fallbackImages(ui, art)
	}
	var conflicts []string
	for i := range images {
		img := &images[i]
		if err := img.Validate(); err != nil {
			completeImage(img, art)
			ui.Say(fmt.Sprintf("the builder's image %d was incomplete (%s); completed from the artifact as %s", i, err, img))
		}
		for _, k := range mergeLabels(img, art.labels, prior, c.OnConflict) {
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
// data, as Packer's manifest post-processor does with custom_data. A label
// that cannot be rendered is left out, with an error shown.
func (c *Config) renderLabels(ui packersdk.Ui, generated map[string]interface{}) map[string]string {
	ictx := c.ctx
	ictx.Data = generated
	out := make(map[string]string, len(c.Labels))
	for _, k := range slices.Sorted(maps.Keys(c.Labels)) {
		if err := labels.CheckName(k); err != nil {
			ui.Error(fmt.Sprintf("the label %q was left out: %s", k, err))
			continue
		}
		r, err := interpolate.Render(c.Labels[k], &ictx)
		if err != nil {
			ui.Error(fmt.Sprintf("the label %q was left out: its template cannot be rendered: %s", k, err))
			continue
		}
		out[k] = r
	}
	return out
}

// gitFacts collects the repository's facts and the CI's. With no repository
// it says so, as an error when git_required is set (Configure checked the
// repository then, so it went away during the build), and goes on without
// the git labels. Only a cancelled build fails.
func (p *PostProcessor) gitFacts(ctx context.Context, ui packersdk.Ui) (*gitinfo.Facts, *gitinfo.CI, error) {
	c := &p.config
	col, err := c.Collect(ctx, p.env(), outputfile.OwnFiles(c.OutputPath))
	switch {
	case ctx.Err() != nil:
		return nil, nil, ctx.Err()
	case err != nil:
		ui.Error(fmt.Sprintf("%s; the image has no git labels", err))
	case col.Note != "":
		ui.Say(col.Note)
	}
	p.recheckGates(ui, col)
	if col.Git != nil {
		for fact, reason := range col.Git.Unknown {
			log.Printf("[DEBUG] enrich: git fact %s is unknown: %s", fact, reason)
		}
	}
	return col.Git, col.CI, nil
}

// fallbackImages makes an image from the artifact when the source publishes
// none and fallback_image is set; otherwise it says that the images carry
// no labels.
func (p *PostProcessor) fallbackImages(ui packersdk.Ui, art *Artifact) []image.Image {
	c := &p.config
	if !c.FallbackImage {
		where := "set output to keep them in a file"
		if c.OutputPath != "" {
			where = "they are written to " + c.OutputPath
		}
		ui.Say(fmt.Sprintf("the %s artifact publishes no HCP Packer image, so no image gets labels (%s). "+
			"Set fallback_image = true to make an image from the artifact.", art.builderID, where))
		return nil
	}
	provider := c.FallbackProvider
	if provider == "" {
		provider = art.builderID
	}
	img := image.Image{ImageID: art.id, ProviderName: provider, ProviderRegion: c.FallbackRegion}
	if err := img.Validate(); err != nil {
		ui.Error(fmt.Sprintf("fallback_image: the artifact (id %q, builder %q) cannot make an HCP Packer image: %s; no image gets labels (set fallback_provider)", art.id, art.builderID, err))
		return nil
	}
	return []image.Image{img}
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

// report writes the one line a build shows, which names the repository the
// git labels describe (so that a template run from another repository's
// directory shows it), and the details to the log.
func (p *PostProcessor) report(ui packersdk.Ui, art *Artifact, g *gitinfo.Facts) {
	names := make([]string, 0, len(art.images))
	for _, img := range art.images {
		names = append(names, img.String())
	}
	from := "no git labels"
	if g != nil {
		from = "git labels of the repository " + g.Root
	}
	switch len(art.images) {
	case 0:
		ui.Say(fmt.Sprintf("%d labels made, no HCP Packer image to add them to (%s)", len(art.labels), from))
	default:
		ui.Say(fmt.Sprintf("%d labels added to %d image(s): %s (%s)", len(art.labels), len(art.images), strings.Join(names, "; "), from))
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
