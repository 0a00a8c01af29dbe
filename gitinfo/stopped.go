package gitinfo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// StoppedError is Collect's error when its context ends (its deadline
// passes, or it is canceled) before git has answered. By then every git
// command still running, and every process it started, has been killed.
// It wraps the context's error, so errors.Is(err,
// context.DeadlineExceeded) or errors.Is(err, context.Canceled) tells
// which. Its message reads, for a deadline of 30 seconds:
//
//	gitinfo: git did not answer within 30s: git status --porcelain=v2 -z ...
//
// and for a cancellation:
//
//	gitinfo: git was stopped after 1.2s (canceled): git status --porcelain=v2 -z ...
type StoppedError struct {
	// Commands are the commands that were still running, in the order
	// Collect started them, each as "git <arguments>" (cut short after 120
	// characters); for the go-git path, "go-git reading <root>". Empty
	// when the context ended between two commands.
	Commands []string
	// After is the time Collect was given: the context's deadline less the
	// time Collect started, else (no deadline) the time it ran.
	After time.Duration
	// Err is the context's error.
	Err error
}

func (e *StoppedError) Error() string {
	var what string
	if errors.Is(e.Err, context.DeadlineExceeded) {
		what = "git did not answer within " + roundDuration(e.After)
	} else {
		what = fmt.Sprintf("git was stopped after %s (%v)", roundDuration(e.After), e.Err)
	}
	if len(e.Commands) == 0 {
		return "gitinfo: " + what
	}
	return "gitinfo: " + what + ": " + strings.Join(e.Commands, "; ")
}

func (e *StoppedError) Unwrap() error { return e.Err }

// stopped returns the StoppedError of a collection that started at start
// and whose context ctx has ended; errs are the errors of the commands it
// ran, those ctx stopped naming themselves.
func stopped(ctx context.Context, start time.Time, errs ...error) *StoppedError {
	e := &StoppedError{After: time.Since(start), Err: ctx.Err()}
	if dl, ok := ctx.Deadline(); ok && errors.Is(e.Err, context.DeadlineExceeded) {
		e.After = dl.Sub(start)
	}
	for _, err := range errs {
		var se *StoppedError
		var sc *stoppedCmd
		switch {
		case errors.As(err, &se):
			e.Commands = append(e.Commands, se.Commands...)
		case errors.As(err, &sc):
			e.Commands = append(e.Commands, sc.command)
		}
	}
	return e
}

// roundDuration prints d as a person would say it: "30s", "1.5s",
// "500ms".
func roundDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second).String()
	case d >= 100*time.Millisecond:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}
