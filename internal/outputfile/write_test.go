package outputfile

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// testEntry is the entry the tests write: the package takes any value
// that encodes as JSON.
type testEntry struct {
	Name       string            `json:"name"`
	ArtifactID string            `json:"artifact_id,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
}

func entry(name, id string) testEntry {
	return testEntry{Name: name, ArtifactID: id, Labels: map[string]string{"git_commit": id}}
}

// writeEntry writes e under its name, as a build writes its entry.
func writeEntry(ctx context.Context, path string, e testEntry, say func(string)) (json.RawMessage, error) {
	return Write(ctx, path, e.Name, e, say)
}

func readOutput(t *testing.T, path string) map[string]testEntry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Builds map[string]testEntry `json:"builds"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is not valid JSON: %v\n%s", path, err, data)
	}
	return doc.Builds
}

func TestWriteOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nested", "dir", "enriched.json")
	ctx := context.Background()

	steps := []struct {
		write testEntry
		want  map[string]string // build name -> artifact id
	}{
		{entry("web", "1"), map[string]string{"web": "1"}},
		{entry("db", "2"), map[string]string{"web": "1", "db": "2"}},
		{entry("web", "3"), map[string]string{"web": "3", "db": "2"}}, // a rebuild replaces its own entry
	}
	for i, s := range steps {
		if _, err := writeEntry(ctx, path, s.write, nil); err != nil {
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
		if _, err := writeEntry(context.Background(), path, entry("web", "1"), nil); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", filepath.Base(path), fi.Mode().Perm(), err, want)
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
	if _, err := writeEntry(context.Background(), path, entry("web", "1"), nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var doc struct {
		Builds map[string]any `json:"builds"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "other", "future_field": []any{1.0, 2.0, 3.0}}
	if !reflect.DeepEqual(doc.Builds["other"], want) {
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
		_, err := writeEntry(context.Background(), path, entry("web", "1"), nil)
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
			_, err := writeEntry(context.Background(), path, entry(fmt.Sprintf("build-%d", i), strconv.Itoa(i)), nil)
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

// Rule 3: the output is written through a symlink to its target, which is
// replaced atomically in its own directory; the link stays a link. No lock
// or temporary file is left anywhere, and top-level keys enrich does not own
// are kept.
func TestWriteOutputFileRules(t *testing.T) {
	dir := t.TempDir()
	realDir := filepath.Join(dir, "real")
	target := filepath.Join(realDir, "enriched.json")
	link := filepath.Join(dir, "link.json")
	if err := os.MkdirAll(realDir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, target, `{"builds": {"old": {"name": "old"}}, "comment": "kept", "version": 3}`)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := writeEntry(context.Background(), link, entry("web", "1"), nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", fi, err)
	}
	got := readOutput(t, target)
	if got["web"].ArtifactID != "1" || got["old"].Name != "old" {
		t.Errorf("target entries %v", got)
	}
	data, _ := os.ReadFile(target)
	if !strings.Contains(string(data), `"comment": "kept"`) || !strings.Contains(string(data), `"version": 3`) {
		t.Errorf("top-level keys dropped: %s", data)
	}
	for _, d := range []string{dir, realDir} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if e.Name() != "link.json" && e.Name() != "real" && e.Name() != "enriched.json" {
				t.Errorf("%s left in %s", e.Name(), d)
			}
		}
	}
	entries, _ := os.ReadDir(os.TempDir())
	for _, e := range entries {
		if strings.Contains(e.Name(), "enriched.json") {
			t.Errorf("%s left in %s", e.Name(), os.TempDir())
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
