//go:build !unix && !windows

package gitinfo

import "os/exec"

// inOwnGroup leaves cmd's cancellation as os/exec does it: git itself is
// killed, the processes it started are not. cmd's WaitDelay bounds the
// wait for the pipes they may hold.
func inOwnGroup(*exec.Cmd) (started, done func()) { return func() {}, func() {} }
