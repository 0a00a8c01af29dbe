// Package gitopts holds the git options the post-processor and the data
// source share, git_path, git_required and dirty_check: their checks, with
// the messages both components give, and the collection of the facts they
// ask for. It knows nothing of Packer.
package gitopts

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

// Unknown is what Packer passes for HCL2 values not known before the build
// (and for unknown data source inputs at validate time): such values are
// checked when they are known.
const Unknown = "<unknown>"

// DirtyModes are the valid values of dirty_check, the default first.
var DirtyModes = []gitinfo.DirtyMode{gitinfo.DirtyAll, gitinfo.DirtyTracked, gitinfo.DirtyOff}

// CheckDirtyCheck checks the dirty_check option; "" is the default, all.
func CheckDirtyCheck(mode string) error {
	if _, err := gitinfo.ParseDirtyMode(mode); err != nil {
		return fmt.Errorf("dirty_check: unknown mode %q; valid modes are %s", mode, labels.QuoteList(DirtyModes))
	}
	return nil
}

// CheckGitPath checks that the git_path option names something that exists;
// "" is the directory Packer runs in.
func CheckGitPath(path string) error {
	if path == "" || strings.Contains(path, Unknown) {
		return nil
	}
	if _, err := os.Stat(path); err != nil && errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("git_path: %s does not exist; name a directory inside the git repository, or leave git_path out to use the directory Packer runs in", path)
	}
	return nil
}

// Options are the git options of a component.
type Options struct {
	// Path is git_path; "" is the working directory.
	Path string
	// Required is git_required.
	Required bool
	// DirtyCheck is dirty_check; "" is all.
	DirtyCheck string
	// IgnorePaths are the component's own files, which never make the tree
	// dirty.
	IgnorePaths []string
	// LookupEnv is the environment CI detection reads; nil is
	// os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// Collect returns the facts of the repository at o.Path and of the CI run.
// Without a repository it fails when o.Required is set; otherwise it
// returns no git facts, the CI's, and a note saying why, for the user.
func Collect(ctx context.Context, o Options) (g *gitinfo.Facts, ci *gitinfo.CI, note string, err error) {
	path := o.Path
	if path == "" {
		if path, err = os.Getwd(); err != nil {
			return nil, nil, "", fmt.Errorf("git_path: finding the working directory: %w", err)
		}
	}
	mode, err := gitinfo.ParseDirtyMode(o.DirtyCheck)
	if err != nil {
		return nil, nil, "", fmt.Errorf("dirty_check: %w", err)
	}
	lookup := o.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	ci = gitinfo.DetectCI(lookup)
	g, err = gitinfo.Collect(ctx, path, gitinfo.Options{Dirty: mode, CI: ci, IgnorePaths: o.IgnorePaths})
	switch {
	case err == nil:
		return g, g.CI, "", nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil, nil, "", err
	case o.Required:
		return nil, nil, "", fmt.Errorf("git_required is set, but the git facts of %s could not be read: %w", path, err)
	default:
		return nil, ci, fmt.Sprintf("no git labels: %s (set git_path to the repository, or git_required = true to fail instead)", err), nil
	}
}
