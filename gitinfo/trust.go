package gitinfo

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

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

// safeDirectory reports whether the user's global configuration, or the
// GIT_CONFIG_COUNT settings of the environment, list root (or "*") in
// safe.directory, as git reads them.
func safeDirectory(root string) bool {
	var dirs []string
	if cfg, err := config.LoadConfig(config.GlobalScope); err == nil {
		dirs = cfg.Raw.Section("safe").Options.GetAll("directory")
	}
	n, _ := strconv.Atoi(os.Getenv("GIT_CONFIG_COUNT"))
	for i := range n {
		if k := os.Getenv("GIT_CONFIG_KEY_" + strconv.Itoa(i)); k == "safe.directory" {
			dirs = append(dirs, os.Getenv("GIT_CONFIG_VALUE_"+strconv.Itoa(i)))
		}
	}
	trusted := false
	for _, d := range dirs {
		switch {
		case d == "":
			trusted = false // an empty value resets the list
		case d == "*" || filepath.Clean(d) == filepath.Clean(root):
			trusted = true
		}
	}
	return trusted
}
