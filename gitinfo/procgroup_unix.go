//go:build unix

package gitinfo

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// inOwnGroup starts cmd in a process group of its own and makes its
// cancellation kill the whole group: git and every process it started (an
// fsmonitor hook, a clean filter, and what they start in turn). A process
// that leaves the group (a daemon calling setsid) is not killed; cmd's
// WaitDelay bounds the wait for the pipes it may hold. started and done
// are to be called after cmd started and after it was waited for; on Unix
// they do nothing.
func inOwnGroup(cmd *exec.Cmd) (started, done func()) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// the group's id is git's pid, which stays reserved until Wait
		// reaps git; a negative pid names the group
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
	return func() {}, func() {}
}
