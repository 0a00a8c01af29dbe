//go:build !linux

package outputfile

import "testing"

// bindMountEnv is the variable of the bind-mount writer, which runs on
// Linux only.
const bindMountEnv = "ENRICH_TEST_BIND_MOUNT"

func writeThroughBindMount(t *testing.T, _, _ string) error {
	t.Skip("bind mounts of a file are tested on Linux")
	return nil
}

func writeOnReadOnlyMount(t *testing.T, _ string) error {
	t.Skip("read-only mounts are tested on Linux")
	return nil
}

func bindMountChild(string) int { return 1 }
