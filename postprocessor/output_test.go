package postprocessor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

func readOutput(t *testing.T, path string) map[string]OutputBuild {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Builds map[string]OutputBuild `json:"builds"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is not valid JSON: %v\n%s", path, err, data)
	}
	return doc.Builds
}

func entry(name, id string) OutputBuild {
	return OutputBuild{Name: name, ArtifactID: id, Labels: map[string]string{"git_commit": id}, Images: []OutputImage{}}
}

func TestWriteOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nested", "dir", "enriched.json")
	ctx := context.Background()

	steps := []struct {
		write OutputBuild
		want  map[string]string // build name -> artifact id
	}{
		{entry("web", "1"), map[string]string{"web": "1"}},
		{entry("db", "2"), map[string]string{"web": "1", "db": "2"}},
		{entry("web", "3"), map[string]string{"web": "3", "db": "2"}}, // a rebuild replaces its own entry
	}
	for i, s := range steps {
		if _, err := writeOutput(ctx, path, s.write, nil); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got := readOutput(t, path)
		if len(got) != len(s.want) {
			t.Errorf("step %d: %d entries, want %d: %v", i, len(got), len(s.want), got)
		}
		for name, id := range s.want {
			if got[name].ArtifactID != id {
				t.Errorf("step %d: %s has artifact %q, want %q", i, name, got[name].ArtifactID, id)
			}
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "nested", "dir", ".enriched.json.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// Rewriting the file keeps its mode; a new file is readable by all.
func TestWriteOutputKeepsMode(t *testing.T) {
	dir := t.TempDir()
	private := filepath.Join(dir, "private.json")
	if err := os.WriteFile(private, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "fresh.json")
	for path, want := range map[string]os.FileMode{private: 0o600, fresh: 0o644} {
		if _, err := writeOutput(context.Background(), path, entry("web", "1"), nil); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", filepath.Base(path), fi.Mode().Perm(), err, want)
		}
	}
}

func TestOutputBuildKey(t *testing.T) {
	cases := []struct {
		e    OutputBuild
		want string
	}{
		{OutputBuild{Name: "ubuntu", BuilderType: "amazon-ebs"}, "amazon-ebs.ubuntu"},
		{OutputBuild{Name: "ubuntu", BuilderType: "file"}, "file.ubuntu"},
		{OutputBuild{Name: "null", BuilderType: "null"}, "null"},
		{OutputBuild{Name: "web"}, "web"},
		{OutputBuild{}, "build"},
	}
	for _, tc := range cases {
		if got := tc.e.Key(); got != tc.want {
			t.Errorf("%+v.Key() = %q, want %q", tc.e, got, tc.want)
		}
	}
}

// Entries written by other tools or later versions are kept as they are.
func TestWriteOutputKeepsForeignEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enriched.json")
	foreign := `{"builds": {"other": {"name": "other", "future_field": [1, 2, 3]}}}`
	if err := os.WriteFile(path, []byte(foreign), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := writeOutput(context.Background(), path, entry("web", "1"), nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"future_field": [`) {
		t.Errorf("the other build's entry was rewritten:\n%s", data)
	}
}

// A file that is not an output file is reported and left untouched.
func TestWriteOutputRefusesOtherFiles(t *testing.T) {
	for _, content := range []string{"not json", `["a", "list"]`, `{"builds": "nope"}`, `{}`, `{"region": "us-east-1", "count": 3}`, `null`, `{"builds": null}`} {
		path := filepath.Join(t.TempDir(), "enriched.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := writeOutput(context.Background(), path, entry("web", "1"), nil)
		if err == nil || !strings.Contains(err.Error(), "not an enrich output file") {
			t.Errorf("%q: err = %v, want a refusal", content, err)
		}
		if data, _ := os.ReadFile(path); string(data) != content {
			t.Errorf("%q was changed to %q", content, data)
		}
	}
}

func TestWriteOutputConcurrentGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enriched.json")
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := writeOutput(context.Background(), path, entry(fmt.Sprintf("build-%d", i), strconv.Itoa(i)), nil)
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := readOutput(t, path); len(got) != n {
		t.Errorf("%d entries after %d concurrent writers, want %d", len(got), n, n)
	}
}

// writerEnv makes the test binary act as one writer process.
const writerEnv = "ENRICH_TEST_OUTPUT_WRITER"

// TestWriteOutputConcurrentProcesses starts several processes that write to
// one output file at once, as parallel Packer runs do: the lock is a real
// cross-process lock, so no entry is lost.
func TestWriteOutputConcurrentProcesses(t *testing.T) {
	if spec := os.Getenv(writerEnv); spec != "" {
		return // the child side runs in TestMain
	}
	path := filepath.Join(t.TempDir(), "enriched.json")
	const procs, each = 4, 8
	var cmds []*exec.Cmd
	for p := 0; p < procs; p++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$") //nolint:gosec // the test binary itself
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d|%d", writerEnv, path, p, each))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("writer process: %v", err)
		}
	}
	if got := readOutput(t, path); len(got) != procs*each {
		t.Errorf("%d entries after %d processes × %d writes, want %d", len(got), procs, each, procs*each)
	}
}

// TestMain runs the writer processes of TestWriteOutputConcurrentProcesses,
// and otherwise the tests, with a private HOME and no system git config, so
// that the machine's git configuration (a global excludes file, say) cannot
// change what the test repositories look like: no GIT_* variable (such as
// GIT_CONFIG_GLOBAL) and no XDG_CONFIG_HOME reach the tests.
func TestMain(m *testing.M) {
	if spec := os.Getenv(writerEnv); spec != "" {
		parts := strings.Split(spec, "|")
		proc, _ := strconv.Atoi(parts[1])
		each, _ := strconv.Atoi(parts[2])
		for i := 0; i < each; i++ {
			name := fmt.Sprintf("proc-%d-build-%d", proc, i)
			if _, err := writeOutput(context.Background(), parts[0], entry(name, name), nil); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	testrepo.Main(m)
}

// Rule 3: files another user left beside the output (here root's output
// file, its old-style .lock file and a temporary file) never break a run of
// the user who owns the directory. Runs as root only, to act as both users.
func TestWriteOutputOtherUsersLeftovers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root, to leave files as one user and write as another")
	}
	const nobody = 65534
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil { //nolint:gosec // the other user must reach the test's files
			t.Fatal(err)
		}
	}
	bin := filepath.Join(base, "writer.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil { //nolint:gosec // the test binary, run by another user
		t.Fatal(err)
	}
	dir := filepath.Join(base, "users-dir")
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
		out:                 `{"builds": {"root-build": {"name": "root-build"}}, "owner": "ops"}`,
		out + ".lock":       "",
		tempOutputName(out): "partial",
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(out, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^$") //nolint:gosec // the test binary itself
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d|%d", writerEnv, out, 7, 1), "HOME="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the user's run failed: %v\n%s", err, b)
	}
	got := readOutput(t, out)
	if _, ok := got["proc-7-build-0"]; !ok || got["root-build"].Name != "root-build" {
		t.Errorf("entries %v: want the user's and root's", keysOf(got))
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `"owner": "ops"`) {
		t.Errorf("top-level key lost: %s", b)
	}
	if _, err := os.Stat(tempOutputName(out)); err == nil {
		t.Errorf("the temporary file is still there")
	}
}

func keysOf(m map[string]OutputBuild) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
