package outputfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// bindMountEnv makes the test binary bind-mount one file over another in
// its own mount namespace and write the entry "web" to the mount point:
// its value is "source|mount point"; or, when it is "ro|directory",
// mount the directory read-only and write the entry "web" to its file
// enriched.json.
const bindMountEnv = "ENRICH_TEST_BIND_MOUNT"

// skipExit is bindMountChild's exit status when it may not mount.
const skipExit = 3

// writeThroughBindMount writes the entry "web" to mountPoint while source is
// bind-mounted over it, as `docker run -v $PWD/out.json:/out.json` does,
// in a private mount namespace that ends with the writer (as `unshare -m`
// makes). It skips the test where mounting is not permitted.
func writeThroughBindMount(t *testing.T, source, mountPoint string) error {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$") //nolint:gosec // the test binary itself
	cmd.Env = append(os.Environ(), bindMountEnv+"="+source+"|"+mountPoint)
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.Is(err, syscall.EPERM), errors.As(err, &exit) && exit.ExitCode() == skipExit:
		t.Skipf("cannot bind-mount here: %v %s", err, out)
	case err != nil:
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// bindMountChild is the writer of writeThroughBindMount, in its own mount
// namespace.
func bindMountChild(spec string) int {
	source, mountPoint, _ := strings.Cut(spec, "|")
	if source == "ro" {
		return readOnlyChild(mountPoint)
	}
	if err := unix.Mount(source, mountPoint, "", unix.MS_BIND, ""); err != nil {
		fmt.Fprintln(os.Stderr, "mount:", err)
		return skipExit
	}
	// The case's premise: a file renamed over the mount point fails.
	probe := mountPoint + ".probe"
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.Remove(probe) }()
	if err := os.Rename(probe, mountPoint); !errors.Is(err, syscall.EBUSY) {
		fmt.Fprintln(os.Stderr, "renaming over the mount point did not fail with EBUSY:", err)
		return 1
	}
	if _, err := writeEntry(context.Background(), mountPoint, entry("web", "1"), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// writeOnReadOnlyMount writes the entry "web" to dir/enriched.json while
// dir is mounted read-only, in a private mount namespace as
// writeThroughBindMount does.
func writeOnReadOnlyMount(t *testing.T, dir string) error {
	t.Helper()
	return writeThroughBindMount(t, "ro", dir)
}

// readOnlyChild is the writer of writeOnReadOnlyMount.
func readOnlyChild(dir string) int {
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		fmt.Fprintln(os.Stderr, "mount:", err)
		return skipExit
	}
	if err := unix.Mount("", dir, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		fmt.Fprintln(os.Stderr, "mount:", err)
		return skipExit
	}
	if _, err := writeEntry(context.Background(), filepath.Join(dir, "enriched.json"), entry("web", "1"), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
