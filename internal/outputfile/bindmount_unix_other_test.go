//go:build !linux && !windows

package outputfile

import "testing"

func writeThroughBindMount(t *testing.T, _, _ string) error {
	t.Skip("bind mounts of a file are tested on Linux")
	return nil
}

func writeOnReadOnlyMount(t *testing.T, _ string) error {
	t.Skip("read-only mounts are tested on Linux")
	return nil
}
