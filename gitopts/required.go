package gitopts

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// requiredTimeout bounds the repository check of CheckRequired.
const requiredTimeout = 30 * time.Second

// CheckRequired checks, when git_required is set, that the repository at
// path ("" is the working directory) can be read, so that a component that
// runs after the build (the post-processor) refuses the template before
// the builder makes anything. A path still unknown is not checked.
func CheckRequired(path string, required bool) error {
	if !required || strings.Contains(path, Unknown) {
		return nil
	}
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return fmt.Errorf("git_required: finding the working directory: %w", err)
		}
		path = wd
	}
	ctx, cancel := context.WithTimeout(context.Background(), requiredTimeout)
	defer cancel()
	if _, err := gitinfo.Collect(ctx, path, gitinfo.Options{Dirty: gitinfo.DirtyOff}); err != nil {
		return fmt.Errorf("git_required: the git facts of %s cannot be read: %w; run Packer inside the repository, set git_path to a directory of it, or remove git_required", path, err)
	}
	return nil
}
