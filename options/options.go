//go:generate packer-sdc struct-markdown

// Package options declares, once, the options the enrich post-processor and
// the enrich data source share: their names, the text the docs show, their
// defaults and every check, with the messages both components give; and the
// collection of the git and CI facts they ask for. Both components embed
// Shared with `mapstructure:",squash"`, so an option added here is an
// option of both. It knows nothing of Packer's configuration decoding.
package options

import (
	"slices"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

// Shared are the options of both components. Each means the same in the
// post-processor and in the data source.
type Shared struct {
	// A path inside the git repository to describe. Enrich looks upward
	// from it for the repository, as git does, so any directory of the work
	// tree will do. Defaults to the directory Packer runs in, except in the
	// post-processor of a JSON template, where it is the template's
	// directory, as for Packer's own `git_sha` label. In HCL2 write
	// `git_path = path.root` to describe the template's repository whatever
	// directory Packer runs in (`packer build ../other/build.pkr.hcl`
	// otherwise describes the current directory's). The `git_tree` label
	// (the data source's `tree`) is the tree of this directory.
	GitPath string `mapstructure:"git_path"`
	// Refuse the template, at `packer validate` already and before any
	// builder runs, when `git_path` is not inside a git repository or git
	// does not answer within `git_timeout`. By default the post-processor
	// says so and adds the other labels without the git ones, and the data
	// source leaves its git outputs empty (`dirty` null), fills the CI
	// outputs and writes the reason to Packer's log. If the repository
	// cannot be read once the image exists, the post-processor goes on
	// without the git labels and says so: failing then would cost the
	// image.
	GitRequired bool `mapstructure:"git_required"`
	// How long all the git work of one collection of the facts may take,
	// as a duration such as `30s` or `2m`. Defaults to `30s`. When git does
	// not answer in time (a stuck `core.fsmonitor` hook, a network
	// filesystem, a slow clean filter), git and every process it started
	// are stopped, the git facts are unknown with the reason, and
	// `git_required` refuses the template; without it the build goes on
	// without the git labels.
	GitTimeout time.Duration `mapstructure:"git_timeout"`
	// What makes the work tree count as dirty, for the `git_dirty` label
	// and the data source's `dirty`: `all` (the default) counts changes to
	// tracked files and untracked files that are not ignored, `tracked`
	// counts only changes to tracked files (as `git describe --dirty`
	// does), `off` skips the check and leaves `git_dirty` out (`dirty`
	// null, `tree` empty). The post-processor's `output` file never makes
	// its own `git_dirty` true, but the data source, evaluated before any
	// post-processor is known, counts it like any other file: list the
	// output file in `.gitignore` (or write it outside the work tree) and
	// both say the same.
	DirtyCheck string `mapstructure:"dirty_check"`
	// How label names are spelled. `snake` (the default) gives names like
	// `git_commit`, as Packer's own `git_sha`. `oci` uses the OCI image
	// annotation names where one applies (`org.opencontainers.image.revision`
	// for the commit, `.source` for the remote, `.created` for the build
	// time, `.version` for the tag) and snake names for the rest. `gce`
	// gives snake names that also obey Google Compute Engine's label rules
	// (lowercase letters, digits, `_` and `-`, at most 63 characters) in
	// names and values.
	LabelStyle string `mapstructure:"label_style"`
	// A string put in front of every label name enrich makes (git, build,
	// CI and generated data labels), for example `enrich_` or `acme.`. Your
	// own `labels` and the `oci` style's standard names are not prefixed.
	// Allowed: letters, digits, `_`, `-`, `.` and `/`.
	LabelPrefix string `mapstructure:"label_prefix"`
	// Names of labels to leave out, as named in the labels reference before
	// any prefix or style, for example `["git_remote", "packer_run_uuid"]`.
	ExcludeLabels []string `mapstructure:"exclude_labels"`
	// Names of opt-in labels to add, as named in the labels reference:
	// `git_author` (the author name of `HEAD`) and `ci_actor` (the account
	// that started the CI run), for example `["ci_actor"]`. They name
	// people, and labels are visible to everyone who can read the image's
	// metadata (in HCP Packer, everyone in the organisation), so they are
	// left out unless named here. The data source's `author` and `ci_actor`
	// outputs are filled either way.
	IncludeLabels []string `mapstructure:"include_labels"`
	// Release gates: rules the repository must meet for the build to run,
	// checked before any builder runs (see "Release gates"). A gate that
	// does not hold, or cannot be decided, refuses the build with what was
	// found and what would make it pass. None by default.
	Require Require `mapstructure:"require"`
}

// DefaultGitTimeout is git_timeout's default.
const DefaultGitTimeout = 30 * time.Second

// Prepare sets the defaults of the options that are unset and returns every
// problem of the options, each naming its option and what would be valid.
// also are the label names besides the table's that exclude_labels may
// name (the post-processor's generated data labels).
func (s *Shared) Prepare(also []string) []error {
	if s.LabelStyle == "" {
		s.LabelStyle = string(labels.Snake)
	}
	if s.DirtyCheck == "" {
		s.DirtyCheck = string(gitinfo.DirtyAll)
	}
	if s.GitTimeout == 0 {
		s.GitTimeout = DefaultGitTimeout
	}
	var errs []error
	for _, err := range []error{
		CheckStyle(s.LabelStyle),
		CheckDirtyCheck(s.DirtyCheck),
		CheckPrefix(s.LabelPrefix),
		CheckGitPath(s.GitPath),
		CheckGitTimeout(s.GitTimeout),
	} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, s.Require.Check(s.DirtyCheck)...)
	errs = append(errs, CheckExclude(s.ExcludeLabels, also)...)
	return append(errs, CheckInclude(s.IncludeLabels, s.ExcludeLabels)...)
}

// Naming is how the options spell label names and values.
func (s *Shared) Naming() labels.Naming {
	return labels.Naming{Style: labels.Style(s.LabelStyle), Prefix: s.LabelPrefix}
}

// Excluded reports whether exclude_labels names the label called name.
func (s *Shared) Excluded(name string) bool {
	return slices.Contains(s.ExcludeLabels, name)
}

// Keeps reports whether the options add the table's label called name when
// its fact is known: it is not excluded, and it is a default label or an
// opt-in label include_labels names.
func (s *Shared) Keeps(name string) bool {
	l, ok := labels.Lookup(name)
	return ok && !s.Excluded(name) && (!l.OptIn || slices.Contains(s.IncludeLabels, name))
}

// Labels returns the labels of the given kinds that the options keep, by
// label name, from the facts f: the table's default values and the opt-in
// ones include_labels names, less the excluded labels, before prefix and
// style.
func (s *Shared) Labels(f labels.Facts, kinds ...labels.Kind) map[string]string {
	values := labels.ValuesWith(f, s.IncludeLabels, kinds...)
	for name := range values {
		if s.Excluded(name) {
			delete(values, name)
		}
	}
	return values
}
