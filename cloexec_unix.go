//go:build unix

package main

import (
	"os"
	"strconv"
	"syscall"
)

// inheritNothing marks every file descriptor above the standard streams
// close-on-exec, so that git and what git starts inherit none of them.
// The plugin is started with some open: Packer v1.16.0's wrapper hands the
// real Packer its own standard streams as descriptors 3 to 5, which Packer
// does not mark close-on-exec, so every plugin inherits them. A process
// git starts that outlives the build, such as the file watcher daemon a
// core.fsmonitor hook starts, would otherwise hold Packer's output open
// after Packer has exited: `packer build | tee build.log`, or a CI runner
// reading that output, would wait for the daemon to exit. The Go runtime
// opens its own descriptors close-on-exec already.
func inheritNothing() {
	// /dev/fd lists the process's descriptors on Linux, macOS and the BSDs
	entries, err := os.ReadDir("/dev/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}
