package options

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

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
		return fmt.Errorf("dirty_check: unknown mode %q; valid modes are %s", mode, QuoteList(DirtyModes))
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

// CheckGitTimeout checks the git_timeout option, once its default is set.
func CheckGitTimeout(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("git_timeout: %s is not a positive duration; give one such as \"30s\" or \"2m\", or leave git_timeout out for %s", d, DefaultGitTimeout)
	}
	return nil
}

// CheckStyle checks the label_style option; "" is the default, snake.
func CheckStyle(style string) error {
	if style == "" || slices.Contains(labels.Styles, labels.Style(style)) {
		return nil
	}
	return fmt.Errorf("label_style: unknown style %q; valid styles are %s", style, QuoteList(labels.Styles))
}

// CheckPrefix checks the label_prefix option.
func CheckPrefix(prefix string) error {
	for _, r := range prefix {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '_', r == '-', r == '.', r == '/':
		default:
			return fmt.Errorf("label_prefix: %q has characters a label name cannot hold; use letters, digits, '_', '-', '.' and '/'", prefix)
		}
	}
	return nil
}

// CheckExclude checks the exclude_labels option: every name must be a label
// of the table or one of also (such as the post-processor's generated data
// labels), to catch typos.
func CheckExclude(exclude, also []string) []error {
	var errs []error
	for i, name := range exclude {
		if labels.Known(name) || slices.Contains(also, name) {
			continue
		}
		errs = append(errs, fmt.Errorf("exclude_labels[%d]: %q is not a label enrich adds; valid names are %s", i, name, QuoteList(labels.Names())))
	}
	return errs
}

// CheckInclude checks the include_labels option: every name must be an
// opt-in label of the table (a default label is added already), named once,
// and not excluded by exclude_labels too.
func CheckInclude(include, exclude []string) []error {
	var errs []error
	valid := labels.OptInNames()
	for i, name := range include {
		l, known := labels.Lookup(name)
		switch {
		case known && !l.OptIn:
			errs = append(errs, fmt.Errorf("include_labels[%d]: %q is added by default, so there is nothing to include; remove it (include_labels takes only the opt-in labels %s)", i, name, QuoteList(valid)))
		case !known:
			errs = append(errs, fmt.Errorf("include_labels[%d]: %q is not an opt-in label; valid names are %s", i, name, QuoteList(valid)))
		case slices.Contains(include[:i], name):
			errs = append(errs, fmt.Errorf("include_labels[%d]: %q is named twice; name it once", i, name))
		case slices.Contains(exclude, name):
			errs = append(errs, fmt.Errorf("include_labels[%d]: %q is also in exclude_labels; keep it in one of them", i, name))
		}
	}
	return errs
}

// QuoteList returns the values quoted and separated by commas, as option
// errors list the valid values.
func QuoteList[S ~string](list []S) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", string(s))
	}
	return strings.Join(q, ", ")
}
