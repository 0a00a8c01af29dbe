package gitinfo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// errNoGit is returned when the git binary is needed but not on PATH.
var errNoGit = errors.New("git binary not found on PATH")

// runGit runs git in root without taking optional locks and trusting root
// even when it belongs to another user, and returns its standard output.
func runGit(ctx context.Context, root string, args ...string) (string, error) {
	bin, err := exec.LookPath("git")
	if err != nil {
		return "", errNoGit
	}
	full := append([]string{"--no-optional-locks", "-c", "safe.directory=" + root, "-C", root}, args...)
	cmd := exec.CommandContext(ctx, bin, full...) //nolint:gosec // fixed git subcommands
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, msg)
	}
	return stdout.String(), nil
}

// dirtyViaGit answers the dirty question with git status.
func dirtyViaGit(ctx context.Context, root string, mode DirtyMode) (bool, error) {
	args := []string{"status", "--porcelain"}
	if mode == DirtyTracked {
		args = append(args, "--untracked-files=no")
	}
	out, err := runGit(ctx, root, args...)
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(out) != "", nil
}
