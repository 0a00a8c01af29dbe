//go:build !windows

package outputfile

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// nobody is the second user of the tests that need two; they run as root.
const nobody = 65534

// otherEntry is the entry writeAs and writeAsOther write.
const otherEntry = "proc-7-build-0"

// reachableDir returns a new directory that every user can reach and read.
func reachableDir(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil { //nolint:gosec // the other user must reach the test's files
			t.Fatal(err)
		}
	}
	return base
}

// writeAs runs a writer process (see TestMain) as uid, which writes the
// entry otherEntry to path, and returns what it printed.
func writeAs(t *testing.T, uid int, path string) ([]byte, error) {
	t.Helper()
	bin := filepath.Join(reachableDir(t), "writer.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil { //nolint:gosec // the test binary, run by another user
		t.Fatal(err)
	}
	if err := os.Chmod(bin, 0o755); err != nil { //nolint:gosec // whatever the umask
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^$") //nolint:gosec // the test binary itself
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d|%d", writerEnv, path, 7, 1), "HOME="+filepath.Dir(bin))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}} //nolint:gosec // a test uid
	out, err := cmd.CombinedOutput()
	return out, err
}

// writeAsOther writes the entry otherEntry to path as a user who is not
// the owner of what the case's setup made: nobody when the test runs as
// root (root made it), else the test's own user (the setup then takes its
// own rights away by the file's mode). It returns the error's message.
func writeAsOther(t *testing.T, path string) error {
	t.Helper()
	if os.Geteuid() != 0 {
		_, err := writeEntry(context.Background(), path, entry(otherEntry, otherEntry), nil)
		return err
	}
	out, err := writeAs(t, nobody, path)
	if err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Rule 3: files another user left beside the output (here root's output
// file, its old-style .lock file and a temporary file) never break a run of
// the user who owns the directory. Runs as root only, to act as both users.
func TestWriteOutputOtherUsersLeftovers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root, to leave files as one user and write as another")
	}
	dir := filepath.Join(reachableDir(t), "users-dir")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "enriched.json")
	// Root's leftovers: the output of a root run, its lock file as older
	// versions left it (mode 0600), and a temporary file of a crashed run.
	for name, content := range map[string]string{
		out:           `{"builds": {"root-build": {"name": "root-build"}}, "owner": "ops"}`,
		out + ".lock": "",
		tempName(out): "partial",
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(out, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := writeAs(t, nobody, out); err != nil {
		t.Fatalf("the user's run failed: %v\n%s", err, b)
	}
	got := readOutput(t, out)
	if _, ok := got["proc-7-build-0"]; !ok || got["root-build"].Name != "root-build" {
		t.Errorf("entries %v: want the user's and root's", keysOf(got))
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `"owner": "ops"`) {
		t.Errorf("top-level key lost: %s", b)
	}
	if _, err := os.Stat(tempName(out)); err == nil {
		t.Errorf("the temporary file is still there")
	}
}
