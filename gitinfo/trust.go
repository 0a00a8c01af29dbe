package gitinfo

import (
	"fmt"
	"path/filepath"

	"github.com/go-git/go-git/v5/config"
)

// ErrUntrusted is returned (wrapped, and wrapping ErrNotRepository) by
// Collect when git refuses the repository because another user owns it: a
// repository git does not trust is one whose configuration could run
// commands, so gitinfo reads nothing from it either.
var ErrUntrusted = fmt.Errorf("%w: owned by another user", ErrNotRepository)

// untrusted is the error for a repository at root that git does not trust;
// it says how a user who trusts it tells git so.
func untrusted(root string) error {
	return fmt.Errorf("gitinfo: %s: %w, and git does not trust it, so nothing is read from it; "+
		"if you trust it, tell git so with: git config --global --add safe.directory %s", root, ErrUntrusted, root)
}

// safeDirectory reports whether the user's global configuration lists root
// (or "*") in safe.directory. (git also reads the system configuration and
// GIT_CONFIG_COUNT settings; the go-git path trusts less.)
func safeDirectory(root string) bool {
	cfg, err := config.LoadConfig(config.GlobalScope)
	if err != nil {
		return false
	}
	trusted := false
	for _, d := range cfg.Raw.Section("safe").Options.GetAll("directory") {
		switch {
		case d == "":
			trusted = false // an empty value resets the list
		case d == "*" || filepath.Clean(d) == filepath.Clean(root):
			trusted = true
		}
	}
	return trusted
}
