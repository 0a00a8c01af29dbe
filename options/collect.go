package options

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// Collection is what the options found out about the repository and the CI
// run.
type Collection struct {
	// Git are the repository's facts; nil when it could not be read.
	Git *gitinfo.Facts
	// CI is the CI run; nil when no CI is detected.
	CI *gitinfo.CI
	// Note says, for the user, why Git is nil; "" when it is not.
	Note string
	// Err is why Git is nil; nil when it is not.
	Err error
}

// Collect returns the facts of the repository at git_path and of the CI run
// the environment env describes (nil is os.LookupEnv). The CI is detected
// once, here. All the git work runs under git_timeout. Without a readable
// repository (none, an untrusted one, or git not answering in time) it
// fails when git_required is set, with the CI's facts; otherwise it returns
// no git facts, the CI's, and a note saying why. It fails too when ctx is
// done (the build was cancelled). ignore are the component's own files,
// which never make the tree dirty.
func (s *Shared) Collect(ctx context.Context, env func(string) (string, bool), ignore []string) (Collection, error) {
	path, err := s.path()
	if err != nil {
		return Collection{}, err
	}
	mode, err := gitinfo.ParseDirtyMode(s.DirtyCheck)
	if err != nil {
		return Collection{}, fmt.Errorf("dirty_check: %w", err)
	}
	if env == nil {
		env = os.LookupEnv
	}
	ci := gitinfo.DetectCI(env)
	// require.pushed alone asks the one git call more that it needs
	g, err := s.collectGit(ctx, path, gitinfo.Options{Dirty: mode, CI: ci, IgnorePaths: ignore, Pushed: s.Require.Pushed})
	switch {
	case err == nil:
		return Collection{Git: g, CI: ci}, nil
	case ctx.Err() != nil:
		return Collection{}, ctx.Err()
	case s.GitRequired:
		return Collection{CI: ci}, fmt.Errorf("git_required is set, but the git facts of %s could not be read: %w", path, err)
	}
	return Collection{CI: ci, Err: err, Note: fmt.Sprintf("no git labels: %s (%s; git_required = true fails instead)", err, unreadableHint(err))}, nil
}

// unreadableHint says what would make the repository readable after
// Collect failed with err.
func unreadableHint(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "raise git_timeout, or find what holds git up, such as a core.fsmonitor hook or a network filesystem"
	case errors.Is(err, gitinfo.ErrUntrusted):
		return "tell git you trust the repository (safe.directory), or run Packer as its owner"
	}
	return "set git_path to a directory of the repository"
}

// CheckRequired checks, when git_required is set, that the repository at
// git_path can be read within git_timeout, so that a component that runs
// after the build (the post-processor) refuses the template before the
// builder makes anything. It does the git work the collection will do,
// dirty_check's `git status` included: a hang there (a stuck
// core.fsmonitor hook) must refuse the template now, not cost the labels
// once the image exists. A git_path still unknown is not checked.
func (s *Shared) CheckRequired(ctx context.Context) error {
	if !s.GitRequired || strings.Contains(s.GitPath, Unknown) {
		return nil
	}
	path, err := s.path()
	if err != nil {
		return fmt.Errorf("git_required: %w", err)
	}
	mode, err := gitinfo.ParseDirtyMode(s.DirtyCheck)
	if err != nil {
		return fmt.Errorf("dirty_check: %w", err)
	}
	if _, err := s.collectGit(ctx, path, gitinfo.Options{Dirty: mode}); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("git_required: the git facts of %s cannot be read: %w; run Packer inside the repository, set git_path to a directory of it, or remove git_required", path, err)
	}
	return nil
}

// collectGit runs gitinfo.Collect under git_timeout. When git does not
// answer in time, the error says so and names the option.
func (s *Shared) collectGit(ctx context.Context, path string, o gitinfo.Options) (*gitinfo.Facts, error) {
	timeout := s.GitTimeout
	if timeout <= 0 {
		timeout = DefaultGitTimeout
	}
	gctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	g, err := gitinfo.Collect(gctx, path, o)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return nil, &timeoutError{timeout: timeout, err: err}
	}
	return g, err
}

// timeoutError is git not answering within git_timeout: it names the
// option and the git commands that were still running.
type timeoutError struct {
	timeout time.Duration
	err     error // wraps context.DeadlineExceeded
}

func (e *timeoutError) Error() string {
	msg := fmt.Sprintf("git did not answer within %s (git_timeout)", e.timeout)
	if stopped := (*gitinfo.StoppedError)(nil); errors.As(e.err, &stopped) && len(stopped.Commands) > 0 {
		msg += ": " + strings.Join(stopped.Commands, "; ")
	}
	return msg
}

func (e *timeoutError) Unwrap() error { return e.err }

// path is git_path, or the working directory when it is unset.
func (s *Shared) path() (string, error) {
	if s.GitPath != "" {
		return s.GitPath, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("git_path: finding the working directory: %w", err)
	}
	return wd, nil
}
