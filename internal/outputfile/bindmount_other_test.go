//go:build !linux

package outputfile

// bindMountEnv is the variable of the bind-mount writer, which runs on
// Linux only (see bindmount_linux_test.go).
const bindMountEnv = "ENRICH_TEST_BIND_MOUNT"

func bindMountChild(string) int { return 1 }
