package gitinfo

import "fmt"

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
