//go:generate packer-sdc mapstructure-to-hcl2 -type Config
//go:generate packer-sdc struct-markdown

package postprocessor

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/common"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/packer-enrich/packer-plugin-enrich/internal/outputfile"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
	"github.com/packer-enrich/packer-plugin-enrich/options"
)

// Config is the configuration of the enrich post-processor. Every option is
// optional: `post-processor "enrich" {}` adds the git, build and CI labels to
// every image the builder publishes.
type Config struct {
	common.PackerConfig `mapstructure:",squash"`
	// The options the data source has too (see options.Shared).
	options.Shared `mapstructure:",squash"`

	// Labels of your own to add to every image, as a map of label name to
	// value. Values are templates: in JSON templates `{{ build "SourceAMI" }}`
	// reads the builder's generated data, in HCL2 templates use `build.*`
	// or any expression. A name that is also one of the labels this
	// post-processor adds is an error: exclude that label with
	// `exclude_labels` first. The image gets every label, but a label named
	// as a key of the builder's generated data never replaces that key:
	// `build.X`, `manifest` and `shell-local` after enrich read the builder's
	// value (enrich only adds).
	Labels map[string]string `mapstructure:"labels"`
	// Keys of the builder's generated data (what `build.X` or
	// `{{ build "X" }}` read) to copy into labels. Each key becomes a snake
	// case label: `SourceAMI` becomes `source_ami`. Only the keys named here
	// are copied, never the whole generated data, and keys that hold secrets
	// (such as `Password` or `SSHPrivateKey`) are refused. A key the builder
	// did not produce is left out.
	GeneratedDataLabels []string `mapstructure:"generated_data_labels"`
	// What to do when an image already has a label with the same name and a
	// different value (set by the builder or an earlier post-processor):
	// `override` (the default) replaces it, `keep` keeps the image's value,
	// `error` fails the build and names the labels. The build then fails
	// after the image exists, so Packer deletes the builder's artifact
	// unless another post-processors sequence keeps it. Labels an earlier
	// enrich added are never a conflict.
	OnConflict string `mapstructure:"on_conflict"`
	// When the builder publishes no HCP Packer image (some builders and
	// post-processors do not), make one from the artifact so HCP Packer still
	// records the build: its id is the artifact's id and its provider is
	// `fallback_provider`. Off by default: such an artifact passes through
	// with a message and the labels are only written to `output`; with
	// `hcp_packer_registry`, Packer then fails the build because no artifact
	// has an HCP Packer image.
	FallbackImage bool `mapstructure:"fallback_image"`
	// The provider name of an image made by `fallback_image`. Defaults to
	// the id of the builder that made the artifact.
	FallbackProvider string `mapstructure:"fallback_provider"`
	// The region of an image made by `fallback_image`. Empty by default.
	FallbackRegion string `mapstructure:"fallback_region"`
	// Link each image that has no parent to the image the build started
	// from, as HCP Packer's ancestry needs: when the builder leaves an
	// image's `SourceImageID` empty and its generated data names the source
	// (`SourceImageID`, `SourceAMI`, `SourceImage`, `SourceImageName` or
	// `SourceImageDigest`, in that order), that source becomes the image's
	// `SourceImageID`. An id the builder set is never replaced. On by
	// default; `false` turns it off.
	FillSourceImageID config.Trilean `mapstructure:"fill_source_image_id"`
	// A JSON file to write the enriched metadata to, with one entry per
	// build keyed by builder type and build name (`amazon-ebs.ubuntu`): its
	// Packer run id, artifact id, the labels added, and its images with
	// their labels. Running a build again replaces that build's entry;
	// entries of other builds are kept. The
	// file is written atomically under a lock, so parallel builds and
	// several Packer processes can share it. Its directory is created when
	// missing. It must be a regular file or a path that does not exist yet;
	// a symlink is written through to its target (see "Output file rules").
	// No file is written by default.
	OutputPath string `mapstructure:"output"`
	// More state keys of the builder's artifact for enrich's artifact to
	// answer, for post-processors chained after enrich that read keys
	// enrich does not carry already (see "Carried state keys"). A key the
	// builder's artifact does not answer is left out.
	CarryStateKeys []string `mapstructure:"carry_state_keys"`

	ctx interpolate.Context
	// undecoded is set when the options could not be decoded at all, so
	// that nothing of them can be trusted.
	undecoded bool
}

// Label styles, conflict policies and their valid values.
const (
	styleSnake = string(labels.Snake)
	styleOCI   = string(labels.OCI)
	styleGCE   = string(labels.GCE)

	conflictOverride = "override"
	conflictKeep     = "keep"
	conflictError    = "error"
)

var validConflicts = []string{conflictOverride, conflictKeep, conflictError}

// prepare decodes raws into c and checks every option, returning all the
// problems at once. Label values are templates rendered later, in
// PostProcess, once the builder's generated data is known.
func (c *Config) prepare(raws ...interface{}) error {
	err := config.Decode(c, &config.DecodeOpts{
		PluginType:         "packer.post-processor.enrich",
		Interpolate:        true,
		InterpolateContext: &c.ctx,
		InterpolateFilter: &interpolate.RenderFilter{
			Exclude: []string{"labels"},
		},
		DecodeHooks: append(slices.Clone(config.DefaultDecodeHookFuncs), boolToString),
	}, raws...)
	if err != nil {
		c.undecoded = true
		return err
	}

	var errs *packersdk.MultiError
	add := func(err error) { errs = packersdk.MultiErrorAppend(errs, err) }

	if c.GitPath == "" && c.ctx.TemplatePath != "" {
		// JSON templates: the template's repository, as Packer's own
		// git_sha label describes (HCL2 passes no template path; there
		// git_path = path.root says it).
		c.GitPath = filepath.Dir(c.ctx.TemplatePath)
	}

	for _, err := range c.Prepare(c.generatedLabelNames()) {
		add(err)
	}
	if c.OnConflict == "" {
		c.OnConflict = conflictOverride
	}
	if !slices.Contains(validConflicts, c.OnConflict) {
		add(fmt.Errorf("on_conflict: unknown policy %q; valid policies are %s", c.OnConflict, options.QuoteList(validConflicts)))
	}
	if !c.FallbackImage && (c.FallbackProvider != "" || c.FallbackRegion != "") {
		add(errors.New("fallback_provider and fallback_region apply only with fallback_image = true; set fallback_image or remove them"))
	}
	if c.OutputPath != "" && !strings.Contains(c.OutputPath, options.Unknown) {
		if _, err := outputfile.Resolve(c.OutputPath); err != nil {
			add(err)
		}
	}
	for _, err := range c.checkCarryStateKeys() {
		add(err)
	}
	// with label_style = "gce", two labels this post-processor adds that
	// become one GCE key (generated data labels among themselves are
	// checked by checkGeneratedDataLabels)
	for _, err := range c.Naming().CheckKeys(c.addedLabelNames()) {
		add(err)
	}
	for _, err := range c.checkSensitiveLabels() {
		add(err)
	}
	if (errs == nil || len(errs.Errors) == 0) && !c.Require.Set() {
		// Only a configuration that is otherwise valid is worth the time
		// of reading the repository; a git_path still unknown is checked
		// in PostProcess. The release gates, when set, read it once for
		// both (see checkGates).
		if err := c.CheckRequired(context.Background()); err != nil {
			add(err)
		}
	}
	for _, err := range c.checkGeneratedDataLabels() {
		add(err)
	}
	for _, err := range c.checkLabels() {
		add(err)
	}
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	return nil
}

// checkGeneratedDataLabels refuses empty, duplicate and secret keys.
func (c *Config) checkGeneratedDataLabels() []error {
	var errs []error
	seen := map[string]string{} // label key -> generated data key
	for i, key := range c.GeneratedDataLabels {
		name := snakeCase(key)
		labelKey := c.labelKey(name)
		switch {
		case strings.TrimSpace(key) == "":
			errs = append(errs, fmt.Errorf("generated_data_labels[%d]: the key is empty; name a key of the builder's generated data, such as \"SourceAMI\"", i))
		case isSecretKey(key):
			errs = append(errs, fmt.Errorf("generated_data_labels[%d]: %q holds a secret and is never copied into labels; remove it", i, key))
		case seen[labelKey] != "":
			errs = append(errs, fmt.Errorf("generated_data_labels[%d]: %q and %q both become the label %q; keep one", i, seen[labelKey], key, labelKey))
		case labels.Known(name) && !c.excluded(name, false):
			errs = append(errs, fmt.Errorf("generated_data_labels[%d]: %q becomes %q, a label this post-processor already adds; remove it, or add %q to exclude_labels", i, key, name, name))
		default:
			seen[labelKey] = key
		}
	}
	return errs
}

// checkLabels checks the user's label names, that they do not collide with
// the labels the post-processor adds, and that their values are valid
// templates.
func (c *Config) checkLabels() []error {
	var errs []error
	added := map[string]string{}
	for _, name := range c.addedLabelNames() {
		added[c.labelKey(name)] = name
	}
	for _, k := range slices.Sorted(maps.Keys(c.Labels)) {
		if err := labels.CheckName(k); err != nil {
			if strings.TrimSpace(k) == "" {
				errs = append(errs, fmt.Errorf("labels: %w", err))
			} else {
				errs = append(errs, fmt.Errorf("labels[%q]: %w", k, err))
			}
			continue
		}
		if c.LabelStyle == styleGCE && !labels.GCEName(k) {
			errs = append(errs, fmt.Errorf("labels[%q]: with label_style = \"gce\" a name must start with a lowercase letter and hold only lowercase letters, digits, '_' and '-', at most 63 characters", k))
		}
		if name, ok := added[k]; ok {
			if l, _ := labels.Lookup(name); l.OptIn && !c.excluded(name, false) {
				errs = append(errs, fmt.Errorf("labels[%q]: the name is already the label %q that include_labels adds; remove it from include_labels to set it yourself", k, name))
			} else if labels.Known(name) && !c.excluded(name, false) {
				errs = append(errs, fmt.Errorf("labels[%q]: the name is already the label %q this post-processor adds; add %q to exclude_labels to set it yourself", k, name, name))
			} else {
				errs = append(errs, fmt.Errorf("labels[%q]: the name is already the label %q from generated_data_labels; remove one of them", k, name))
			}
		}
		if err := validateTemplate(c.Labels[k], c.ctx); err != nil {
			errs = append(errs, fmt.Errorf("labels[%q]: %w", k, err))
		}
	}
	return errs
}

// validateTemplate renders s against a copy of ctx, as PostProcess will, to
// report template syntax errors and unknown functions at validate time.
// Before the build, the build's generated data are placeholders.
func validateTemplate(s string, ctx interpolate.Context) error {
	if !strings.Contains(s, "{{") {
		return nil
	}
	if isNil(ctx.Data) {
		// No placeholders (HCL2): check the syntax and function names only.
		return interpolate.Validate(s, &ctx)
	}
	_, err := interpolate.Render(s, &ctx)
	return err
}

// generatedLabelNames returns the label names of generated_data_labels.
func (c *Config) generatedLabelNames() []string {
	names := make([]string, 0, len(c.GeneratedDataLabels))
	for _, key := range c.GeneratedDataLabels {
		names = append(names, snakeCase(key))
	}
	return names
}

// excluded reports whether the label called name is not added: a built-in
// label that exclude_labels drops or an opt-in one include_labels does not
// name, or a generated data label exclude_labels drops. A generated data
// label whose name is an excluded (or not included) built-in's takes the
// built-in's place instead of being dropped with it.
func (c *Config) excluded(name string, generated bool) bool {
	if generated {
		return c.Excluded(name) && !labels.Known(name)
	}
	return !c.Keeps(name)
}

// addedLabelNames returns the names, before prefix and style, of every label
// the post-processor may add: built-in and generated data labels, less the
// excluded ones.
func (c *Config) addedLabelNames() []string {
	var names []string
	for _, name := range labels.Names() {
		if !c.excluded(name, false) {
			names = append(names, name)
		}
	}
	for _, name := range c.generatedLabelNames() {
		if !c.excluded(name, true) {
			names = append(names, name)
		}
	}
	return names
}

// boolToString decodes a boolean given where a string is wanted (a JSON
// template's label value) as HCL2 gives it, "true" or "false", instead of
// the "1" or "0" of weakly typed decoding.
func boolToString(from, to reflect.Kind, data interface{}) (interface{}, error) {
	if b, ok := data.(bool); ok && from == reflect.Bool && to == reflect.String {
		return strconv.FormatBool(b), nil
	}
	return data, nil
}
