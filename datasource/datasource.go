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

	"github.com/packer-enrich/packer-plugin-enrich/labels"
	"github.com/packer-enrich/packer-plugin-enrich/options"
)

// Config is the configuration of the enrich data source. Every option is
// optional and means what the post-processor's option of the same name
// means: `data "enrich" "git" {}` describes the repository of the directory
// Packer runs in.
type Config struct {
	// The options the post-processor has too (see options.Shared).
	options.Shared `mapstructure:",squash"`
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
	// The author name of `HEAD`. Filled always; in `labels` (as
	// `git_author`) only when `include_labels` names it.
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
	// Why the run started: `push`, `tag`, `pull_request`, `schedule`,
	// `manual`, `api`, `pipeline` or `other` (the post-processor's page
	// lists each CI's mapping).
	CITrigger string `mapstructure:"ci_trigger"`
	// The name of the CI's workflow or pipeline definition.
	CIWorkflow string `mapstructure:"ci_workflow"`
	// The name of the CI's job or step that runs Packer.
	CIJob string `mapstructure:"ci_job"`
	// The attempt of the run, `1` for the first, where the CI counts
	// retries.
	CIRunAttempt string `mapstructure:"ci_run_attempt"`
	// The account that started the run, as the CI names it. Filled always;
	// in `labels` only when `include_labels` names `ci_actor`.
	CIActor string `mapstructure:"ci_actor"`
	// The git and CI labels the post-processor adds with the same options
	// (the build's and the parent image's are known only after the build),
	// for `tags = data.enrich.git.labels` or, with the caveat of
	// `-evaluate-datasources`, `build_labels = data.enrich.git.labels`.
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
	errs := c.Prepare(nil)
	// with label_style = "gce", two labels that become one key
	var names []string
	for _, name := range labels.NamesOf(labels.Git, labels.CI) {
		if c.Keeps(name) {
			names = append(names, name)
		}
	}
	errs = append(errs, c.Naming().CheckKeys(names)...)
	if len(errs) == 0 {
		// Only options that are otherwise valid are worth the time of
		// reading the repository.
		if err := c.CheckRequired(context.Background()); err != nil {
			errs = append(errs, err)
		}
	}
	if err := packersdk.MultiErrorAppend(nil, errs...); len(err.Errors) > 0 {
		return err
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
	col, err := c.Collect(ctx, lookup, nil)
	if err != nil {
		return DatasourceOutput{}, fmt.Errorf("enrich: %w", err)
	}
	// The release gates: Packer evaluates data sources before any builder
	// runs.
	if err := c.CheckGates(col); err != nil {
		return DatasourceOutput{}, fmt.Errorf("enrich: %w", err)
	}
	if col.Note != "" {
		log.Printf("[WARN] enrich: %s", col.Note)
	}
	g := col.Git
	// The outputs that are labels hold the labels' values, before the
	// style: the same facts, the same rules. Every output is filled, also
	// those of opt-in labels.
	lf := labels.Facts{Git: g, CI: col.CI}
	facts := labels.ValuesWith(lf, labels.OptInNames(), labels.Git, labels.CI)
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
		CITrigger:     facts["ci_trigger"],
		CIWorkflow:    facts["ci_workflow"],
		CIJob:         facts["ci_job"],
		CIRunAttempt:  facts["ci_run_attempt"],
		CIActor:       facts["ci_actor"],
		Author:        facts["git_author"],
	}
	if g != nil {
		out.Dirty = g.Dirty
		if len(g.Tags) > 0 {
			out.Tags = slices.Clone(g.Tags)
		}
		for fact, reason := range g.Unknown {
			log.Printf("[DEBUG] enrich: git fact %s is unknown: %s", fact, reason)
		}
	}
	out.Labels = c.Naming().Apply(c.Labels(lf, labels.Git, labels.CI))
	return out, nil
}

var _ packersdk.Datasource = (*Datasource)(nil)
