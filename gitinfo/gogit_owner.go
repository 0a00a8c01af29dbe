package gitinfo

import (
	"path/filepath"

	"github.com/go-git/go-git/v5/config"
)

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
