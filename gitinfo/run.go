package gitinfo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// locationVars are the variables with which a user's environment points git
// at a repository other than the one containing the working directory: the
// list `git rev-parse --local-env-vars` prints, without the GIT_CONFIG_*
// settings (see the package documentation), plus GIT_NAMESPACE. git itself
// clears them when it enters another repository (a submodule); gitinfo
// clears them because the repository is the one containing the path it was
// given.
var locationVars = strings.Fields(`GIT_DIR GIT_WORK_TREE GIT_COMMON_DIR GIT_INDEX_FILE
	GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_IMPLICIT_WORK_TREE GIT_GRAFT_FILE
	GIT_SHALLOW_FILE GIT_NO_REPLACE_OBJECTS GIT_REPLACE_REF_BASE GIT_PREFIX GIT_NAMESPACE GIT_CONFIG
	LC_ALL GIT_TERMINAL_PROMPT GIT_OPTIONAL_LOCKS GIT_NO_LAZY_FETCH`)

// gitEnv is the environment of every git child: the process's own without
// the location variables, in the C locale, never prompting, taking no
// optional locks, never fetching the objects a partial clone lacks (git
// 2.44 and later; the last four are in locationVars to be set once).
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(locationVars, k) && !strings.HasPrefix(k, "GIT_TRACE") {
			env = append(env, kv)
		}
	}
	return append(env, "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "GIT_NO_LAZY_FETCH=1")
}

// runner runs the git binary in one directory.
type runner struct {
	bin string // the git binary
	dir string // where git runs (-C)
	env []string
}

// gitError is a git command that failed: its arguments, exit code and
// standard error.
type gitError struct {
	args   []string
	code   int
	stderr string
}

func (e *gitError) Error() string {
	msg, _, _ := strings.Cut(strings.TrimSpace(e.stderr), "\n")
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.code)
	}
	return fmt.Sprintf("git %s: %s", e.args[0], msg)
}

// run runs git with args and returns its standard output.
func (r *runner) run(ctx context.Context, args ...string) ([]byte, error) {
	var out bytes.Buffer
	err := r.stream(ctx, func(rd *bufio.Reader) error {
		_, err := io.Copy(&out, rd)
		return err
	}, args...)
	return out.Bytes(), err
}

// stream runs git with args and hands its standard output to read as it
// comes, so that long output is never held whole. When ctx ends first, git
// and every process it started are killed and the error is a *stoppedCmd
// naming the command.
func (r *runner) stream(ctx context.Context, read func(*bufio.Reader) error, args ...string) error {
	full := append([]string{"--no-optional-locks", "-C", r.dir}, args...)
	cmd := exec.CommandContext(ctx, r.bin, full...) //nolint:gosec // fixed git subcommands; paths as arguments only
	cmd.Env, cmd.WaitDelay = r.env, time.Second
	started, done := inOwnGroup(cmd)
	defer done()
	var stderr cappedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("gitinfo: starting git: %w", err)
	}
	started()
	readErr := read(bufio.NewReaderSize(stdout, 32<<10))
	_, _ = io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	if cerr := ctx.Err(); cerr != nil && (err != nil || readErr != nil) {
		return &stoppedCmd{command: commandLine(args), err: cerr}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return &gitError{args: args, code: exit.ExitCode(), stderr: stderr.String()}
	}
	if err != nil {
		return err
	}
	return readErr
}

// stoppedCmd is a git command its context stopped.
type stoppedCmd struct {
	command string // as commandLine prints it
	err     error  // the context's error
}

func (e *stoppedCmd) Error() string { return e.command + ": " + e.err.Error() }
func (e *stoppedCmd) Unwrap() error { return e.err }

// commandLine prints a git command for a message: "git " and its
// arguments, cut short after 120 characters.
func commandLine(args []string) string {
	s := "git " + strings.Join(args, " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// cappedBuffer keeps the first 64 KiB written to it: enough for git's
// message, never a whole trace.
type cappedBuffer struct{ bytes.Buffer }

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.Buffer.Write(p[:min(len(p), max(0, 64<<10-b.Len()))])
	return len(p), nil
}
