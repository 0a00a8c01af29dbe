//go:generate packer-sdc mapstructure-to-hcl2 -type Require
//go:generate packer-sdc struct-markdown

package options

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// Require are the release gates: rules the repository must meet for the
// build to run at all. They are checked before any builder runs (by the
// data source when Packer evaluates it, by the post-processor when Packer
// configures it), and a rule that does not hold, or cannot be decided,
// refuses the build with a message that says what was found and what would
// make it pass. They are never checked against the build once the image
// exists: if the repository changed during the build, the post-processor
// says so and keeps the image.
type Require struct {
	// The work tree must be clean, as `dirty_check` counts it: no changed
	// tracked file, and with `dirty_check = "all"` (the default) no
	// untracked file that is not ignored. Cannot be combined with
	// `dirty_check = "off"`. Set it from a variable, as in
	// `clean = var.release`, so that a work in progress still validates
	// and builds when you ask it to.
	Clean bool `mapstructure:"clean"`
	// `HEAD` must be on a remote: reachable from a remote-tracking ref
	// (`refs/remotes/`, as last fetched), or the commit the CI says it
	// builds (a CI's checkout of a pull request's merge commit, or a
	// GitLab checkout without remote-tracking refs). Costs one git call
	// more than enrich runs without it.
	Pushed bool `mapstructure:"pushed"`
	// A tag pointing at `HEAD` must match this glob, such as `v*`
	// (Go's `path.Match` syntax: `*`, `?` and `[...]`, where `*` does not
	// match `/`); the tag a CI's tag pipeline builds counts when the CI
	// builds `HEAD`. Empty (the default) requires no tag.
	Tag string `mapstructure:"tag"`
	// The branch enrich reports (the `git_branch` label: the branch checked
	// out, or in a CI's detached checkout the branch the CI builds, else
	// the one local branch at `HEAD`) must match one of these globs, such
	// as `["main", "release/*"]` (the syntax of `tag`). Empty (the
	// default) requires no branch.
	Branches []string `mapstructure:"branches"`
}

// Set reports whether any gate is set, that is whether the facts must be
// read before the build.
func (r Require) Set() bool {
	return r.Clean || r.Pushed || r.Tag != "" || len(r.Branches) > 0
}

// Names returns the options of the gates that are set, as messages name
// them (require.clean, ...).
func (r Require) Names() []string {
	var names []string
	for _, g := range []struct {
		name string
		set  bool
	}{{"clean", r.Clean}, {"pushed", r.Pushed}, {"tag", r.Tag != ""}, {"branches", len(r.Branches) > 0}} {
		if g.set {
			names = append(names, "require."+g.name)
		}
	}
	return names
}

// Check returns every problem of the gates that can be found without the
// repository: a glob that is not one, and clean with the dirty check off.
// dirtyCheck is the dirty_check option, its default set.
func (r Require) Check(dirtyCheck string) []error {
	var errs []error
	if r.Clean && gitinfo.DirtyMode(dirtyCheck) == gitinfo.DirtyOff {
		errs = append(errs, errors.New(`require.clean: dirty_check = "off" skips the check that clean needs, so the gate could never be decided (refused without reading the repository); set dirty_check to "all" or "tracked", or remove clean`))
	}
	if r.Tag != "" && !strings.Contains(r.Tag, Unknown) {
		if err := checkGlob(r.Tag); err != nil {
			errs = append(errs, fmt.Errorf("require.tag: %q is not a valid glob: %w; use *, ? and [...] as in \"v*\" or \"v[0-9]*\"", r.Tag, err))
		}
	}
	for i, b := range r.Branches {
		switch {
		case strings.TrimSpace(b) == "":
			errs = append(errs, fmt.Errorf("require.branches[%d]: the glob is empty; name a branch, such as \"main\", or a glob, such as \"release/*\"", i))
		case strings.Contains(b, Unknown):
		default:
			if err := checkGlob(b); err != nil {
				errs = append(errs, fmt.Errorf("require.branches[%d]: %q is not a valid glob: %w; use *, ? and [...] as in \"main\" or \"release/*\"", i, b, err))
			}
		}
	}
	return errs
}

// checkGlob returns path.ErrBadPattern when pattern is malformed.
func checkGlob(pattern string) error {
	_, err := path.Match(pattern, "")
	return err
}

// matchAny reports whether one of the globs matches name.
func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if ok, err := path.Match(g, name); err == nil && ok {
			return true
		}
	}
	return false
}
