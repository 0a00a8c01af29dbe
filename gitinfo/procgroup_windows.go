//go:build windows

package gitinfo

import (
	"errors"
	"os"
	"os/exec"
	"sync"

	"golang.org/x/sys/windows"
)

// inOwnGroup puts git, once started, in a job object of its own, and makes
// cmd's cancellation terminate the job: git and every process it started
// after it was put there (a hook, a filter). Should the job not be made,
// or git not be put in it, cancellation kills git alone, as os/exec does.
// cmd's WaitDelay bounds the wait for the pipes a survivor may hold.
// started puts git in the job; done closes the job once git was waited
// for.
func inOwnGroup(cmd *exec.Cmd) (started, done func()) {
	var (
		mu       sync.Mutex // cmd.Cancel runs on another goroutine
		assigned bool
	)
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return func() {}, func() {}
	}
	cmd.Cancel = func() error {
		mu.Lock()
		if assigned {
			_ = windows.TerminateJobObject(job, 1)
		}
		mu.Unlock()
		if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return err
		}
		return nil
	}
	started = func() {
		mu.Lock()
		defer mu.Unlock()
		h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid)) //nolint:gosec // pids fit
		if err != nil {
			return
		}
		assigned = windows.AssignProcessToJobObject(job, h) == nil
		_ = windows.CloseHandle(h)
	}
	done = func() {
		mu.Lock()
		defer mu.Unlock()
		assigned = false
		_ = windows.CloseHandle(job)
	}
	return started, done
}
