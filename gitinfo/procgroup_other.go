//go:build !unix

package gitinfo

import "os/exec"

// inOwnGroup leaves cmd's cancellation as os/exec does it: git itself is
// killed. On this platform the processes git started (a hook, a filter)
// are not: there is no process group to kill them by. cmd's WaitDelay
// bounds the wait for the pipes they may hold.
func inOwnGroup(*exec.Cmd) {}
