//go:generate packer-sdc mapstructure-to-hcl2 -type Config,DatasourceOutput
//go:generate packer-sdc struct-markdown

// Package datasource implements the enrich data source: the git and CI facts
// of the template's repository, and the labels the post-processor would add
// from them, for every expression of an HCL2 template, before any build
// runs.
package datasource

import (
	"context"
	"fmt"
	"log"
	"os"
	"slices"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/hcl2helper"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/zclconf/go-cty/cty"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/gitopts"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

// Config is the configuration of the enrich data source. Every option is
// optional and means what the post-processor's option of the same name
// means: `data "enrich" "git" {}` describes the repository of the directory
// Packer runs in.
type Config struct {
	// A path inside the git repository to describe. Defaults to the
	// directory Packer runs in; `git_path = path.root` names the template's
	// directory. Packer looks upward from it for the repository, as git
	// does. The `tree` output is the tree of this directory.
	GitPath string `mapstructure:"git_path"`
	// Fail when `git_path` is not inside a git repository, at `packer
	// validate` already, as the post-processor does. By default the git
	// outputs are then empty (`dirty` null), the CI outputs are still
	// filled, and the reason is written to Packer's log.
	GitRequired bool `mapstructure:"git_required"`
	// What makes the work tree count as dirty for `dirty` and `tree`: `all`
	// (the default) counts changes to tracked files and untracked files
	// that are not ignored, `tracked` counts only changes to tracked files
	// (as `git describe --dirty` does), `off` skips the check and leaves
	// `dirty` null and `tree` empty. The post-processor's `output` file never
	// makes its own `git_dirty` true, but the data source, evaluated before
	// any post-processor is known, counts it like any other file: list the
	// output file in `.gitignore` (or write it outside the work tree) and
	// both say the same.
	DirtyCheck string `mapstructure:"dirty_check"`
	// How the names of `labels` are spelled, as the post-processor's
	// option: `snake` (the default), `oci` or `gce`.
	LabelStyle string `mapstructure:"label_style"`
	// A string put in front of every name of `labels` but the `oci` style's
	// standard names. Allowed: letters, digits, `_`, `-`, `.` and `/`.
	LabelPrefix string `mapstructure:"label_prefix"`
	// Names of labels to leave out of `labels`, as named in the labels
	// reference before any prefix or style, for example `["git_remote"]`.
	ExcludeLabels []string `mapstructure:"exclude_labels"`
}

// DatasourceOutput is what `data.enrich.<name>` holds. An unknown fact is
// an empty string (null for `dirty`) and is left out of `labels`.
type DatasourceOutput struct { //nolint:revive // the name of Packer's data source convention
	// The full hash of the commit checked out (`HEAD`).
	Commit string `mapstructure:"commit"`
	// The abbreviated hash, as `git rev-parse --short`.
	CommitShort string `mapstructure:"commit_short"`
	// The branch checked out; in a detached `HEAD` the branch the CI says it
	// builds, else the one local branch pointing at `HEAD`.
	Branch string `mapstructure:"branch"`
	// The newest version among the tags pointing at `HEAD`; when none does,
	// the tag the CI says it builds (the `git_tag` label).
	Tag string `mapstructure:"tag"`
	// Every tag pointing at `HEAD`, newest version first; an empty list when
	// there is none.
	Tags []string `mapstructure:"tags"`
	// As `git describe --tags --always`.
	Describe string `mapstructure:"describe"`
	// Whether the work tree has changes (see `dirty_check`); null when
	// unknown or when `dirty_check = "off"`.
	Dirty *bool `mapstructure:"dirty"`
	// The URL of the `origin` remote, else of the only remote, with
	// credentials removed.
	Remote string `mapstructure:"remote"`
	// The committer time of `HEAD`, RFC 3339 in UTC.
	CommitTime string `mapstructure:"commit_time"`
	// The author name of `HEAD`. Not a label: add it yourself with
	// `labels = { author = data.enrich.git.author }` where you want it.
	Author string `mapstructure:"author"`
	// The hash of the tree of `git_path`'s directory at `HEAD`, as `git
	// rev-parse HEAD:<dir>`; empty when that directory has changes. The same
	// `tree` means the same template directory content.
	Tree string `mapstructure:"tree"`
	// The CI that runs the build, such as `github-actions`.
	CIProvider string `mapstructure:"ci_provider"`
	// The CI's id of the run.
	CIRunID string `mapstructure:"ci_run_id"`
	// The run's web page, with credentials removed.
	CIRunURL string `mapstructure:"ci_run_url"`
	// The number of the pull or merge request the run is for.
	CIPullRequest string `mapstructure:"ci_pull_request"`
	// The git and CI labels the post-processor adds with the same options,
	// for `tags = data.enrich.git.labels` or
	// `build_labels = data.enrich.git.labels`.
	Labels map[string]string `mapstructure:"labels"`
}

// Datasource is the enrich data source.
type Datasource struct {
	config Config

	// lookupEnv stands for os.LookupEnv; tests set it.
	lookupEnv func(string) (string, bool)
}

// ConfigSpec returns the HCL2 spec of Config.
func (d *Datasource) ConfigSpec() hcldec.ObjectSpec {
	return d.config.FlatMapstructure().HCL2Spec()
}

// OutputSpec returns the HCL2 spec of the outputs; `packer validate`
// without -evaluate-datasources gives templates unknown values of it.
func (d *Datasource) OutputSpec() hcldec.ObjectSpec {
	return (&DatasourceOutput{}).FlatMapstructure().HCL2Spec()
}

// Configure decodes and checks the options, with the post-processor's
// messages. Packer calls it at validate time too.
func (d *Datasource) Configure(raws ...interface{}) error {
	d.config = Config{}
	if err := config.Decode(&d.config, &config.DecodeOpts{PluginType: "packer.datasource.enrich"}, raws...); err != nil {
		return err
	}
	c := &d.config
	var errs *packersdk.MultiError
	add := func(err error) { errs = packersdk.MultiErrorAppend(errs, err) }
	if c.LabelStyle == "" {
		c.LabelStyle = string(labels.Snake)
	}
	if c.DirtyCheck == "" {
		c.DirtyCheck = string(gitinfo.DirtyAll)
	}
	for _, err := range []error{
		labels.CheckStyle(c.LabelStyle),
		gitopts.CheckDirtyCheck(c.DirtyCheck),
		labels.CheckPrefix(c.LabelPrefix),
		gitopts.CheckGitPath(c.GitPath),
		gitopts.CheckRequired(c.GitPath, c.GitRequired),
	} {
		if err != nil {
			add(err)
		}
	}
	for _, err := range labels.CheckExclude(c.ExcludeLabels, nil) {
		add(err)
	}
	var names []string
	for _, name := range labels.NamesOf(labels.Git, labels.CI) {
		if !slices.Contains(c.ExcludeLabels, name) {
			names = append(names, name)
		}
	}
	for _, err := range c.naming().CheckKeys(names) {
		add(err)
	}
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	return nil
}

// Execute collects the facts and returns the outputs.
func (d *Datasource) Execute() (cty.Value, error) {
	out, err := d.output(context.Background())
	if err != nil {
		return cty.NullVal(hcldec.ImpliedType(d.OutputSpec())), err
	}
	return hcl2helper.HCL2ValueFromConfig(out, d.OutputSpec()), nil
}

// output collects the facts and makes the outputs from them.
func (d *Datasource) output(ctx context.Context) (DatasourceOutput, error) {
	c := &d.config
	lookup := d.lookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	g, ci, note, err := gitopts.Collect(ctx, gitopts.Options{
		Path: c.GitPath, Required: c.GitRequired, DirtyCheck: c.DirtyCheck, LookupEnv: lookup,
	})
	if err != nil {
		return DatasourceOutput{}, fmt.Errorf("enrich: %w", err)
	}
	if note != "" {
		log.Printf("[WARN] enrich: %s", note)
	}
	// The outputs that are labels hold the labels' values, before the
	// style: the same facts, the same rules.
	facts := labels.Values(labels.Facts{Git: g, CI: ci}, labels.Git, labels.CI)
	out := DatasourceOutput{
		Commit:        facts["git_commit"],
		CommitShort:   facts["git_commit_short"],
		Branch:        facts["git_branch"],
		Tag:           facts["git_tag"],
		Tags:          []string{},
		Describe:      facts["git_describe"],
		Remote:        facts["git_remote"],
		CommitTime:    facts["git_commit_time"],
		Tree:          facts["git_tree"],
		CIProvider:    facts["ci_provider"],
		CIRunID:       facts["ci_run_id"],
		CIRunURL:      facts["ci_run_url"],
		CIPullRequest: facts["ci_pull_request"],
	}
	if g != nil {
		out.Dirty, out.Author = g.Dirty, g.Author
		if len(g.Tags) > 0 {
			out.Tags = slices.Clone(g.Tags)
		}
		for fact, reason := range g.Unknown {
			log.Printf("[DEBUG] enrich: git fact %s is unknown: %s", fact, reason)
		}
	}
	for name := range facts {
		if slices.Contains(c.ExcludeLabels, name) {
			delete(facts, name)
		}
	}
	out.Labels = c.naming().Apply(facts)
	return out, nil
}

// naming is how the options spell label names.
func (c *Config) naming() labels.Naming {
	return labels.Naming{Style: labels.Style(c.LabelStyle), Prefix: c.LabelPrefix}
}

var _ packersdk.Datasource = (*Datasource)(nil)
