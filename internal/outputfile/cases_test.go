//go:build !windows

package outputfile

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// outputCase is one situation an output file can be in, and what a build
// that writes it then sees.
type outputCase struct {
	name string
	root bool // needs root: to act as two users, or to mount
	// setup prepares the case in dir (which every user can reach) and
	// returns the output path.
	setup func(t *testing.T, dir string) string
	// write writes the case's entry; nil: writeEntry of the entry "web"
	// in this process.
	write func(t *testing.T, path string) error
	// wantErr are the parts of the error a build shows; none: it writes.
	wantErr []string
	// notInErr are what the error must not say.
	notInErr []string
	check    func(t *testing.T, path string)
}

// TestOutputFileCases: how enrich writes its output file in the cases an
// unlucky user, or two users sharing a directory, meet.
func TestOutputFileCases(t *testing.T) {
	cases := []outputCase{
		{name: "a new file is 0644 whatever the umask",
			setup: func(t *testing.T, dir string) string {
				umask(t, 0o077)
				return filepath.Join(dir, "enriched.json")
			},
			check: func(t *testing.T, path string) { mustMode(t, path, 0o644) }},
		{name: "the directories it creates are 0755 whatever the umask",
			setup: func(t *testing.T, dir string) string {
				umask(t, 0o077)
				return filepath.Join(dir, "out", "amis", "enriched.json")
			},
			check: func(t *testing.T, path string) {
				mustMode(t, filepath.Dir(path), 0o755)
				mustMode(t, filepath.Dir(filepath.Dir(path)), 0o755)
			}},
		{name: "a file its owner can read keeps its mode",
			setup: func(t *testing.T, dir string) string {
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {}}`, 0o640)
			},
			check: func(t *testing.T, path string) { mustMode(t, path, 0o640) }},
		{name: "a file its owner cannot read is replaced by one all can read", root: true,
			setup: func(t *testing.T, dir string) string {
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {}}`, 0o200)
			},
			check: func(t *testing.T, path string) { mustMode(t, path, 0o644) }},
		{name: "root with umask 077 in a user's directory leaves a file the user's next run writes", root: true,
			setup: func(t *testing.T, dir string) string {
				chown(t, dir, nobody)
				umask(t, 0o077)
				return filepath.Join(dir, "enriched.json")
			},
			write: func(t *testing.T, path string) error {
				if _, err := writeEntry(context.Background(), path, entry("web", "1"), nil); err != nil {
					return err
				}
				mustMode(t, path, 0o644)
				return writeAsOther(t, path)
			},
			check: func(t *testing.T, path string) { mustEntries(t, path, "web", otherEntry) }},
		{name: "root rewriting a user's file leaves it the user's, with its mode", root: true,
			setup: func(t *testing.T, dir string) string {
				chown(t, dir, nobody)
				path := fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {}}`, 0o600)
				chown(t, path, nobody)
				return path
			},
			check: func(t *testing.T, path string) {
				mustMode(t, path, 0o600)
				if uid, _, _ := fileOwner(stat(t, path)); uid != nobody {
					t.Errorf("owner uid %d, want %d", uid, nobody)
				}
				if b, err := writeAs(t, nobody, path); err != nil {
					t.Errorf("the user's next run: %v\n%s", err, b)
				}
			}},
		{name: "a file that cannot be read says its owner and mode and what to do",
			setup: func(t *testing.T, dir string) string {
				// As a root run of an older version left it (umask 077),
				// or, run as a user, a file the user cannot read.
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {"root-build": {}}}`, unreadableMode())
			},
			write: writeAsOther,
			wantErr: []string{"enriched.json cannot be read by", "it belongs to", fmt.Sprintf("has mode %04o", unreadableMode()),
				"chmod a+r", "remove it, or choose another output path"}},
		{name: "a file enrich wrote at the bound is read back",
			setup: func(t *testing.T, dir string) string {
				// With the entry "web" it is MaxSize bytes.
				return fillTo(t, filepath.Join(dir, "enriched.json"), MaxSize)
			},
			write: func(t *testing.T, path string) error {
				if _, err := writeEntry(context.Background(), path, entry("web", "1"), nil); err != nil {
					return err
				}
				if size := stat(t, path).Size(); size != MaxSize {
					t.Errorf("the file has %d bytes, want %d", size, MaxSize)
				}
				_, err := writeEntry(context.Background(), path, entry("web", "2"), nil)
				return err
			},
			check: func(t *testing.T, path string) {
				if got := readOutput(t, path)["web"].ArtifactID; got != "2" {
					t.Errorf("web has artifact %q, want 2", got)
				}
			}},
		{name: "an entry that would take the file past the bound is refused, and the file stays readable",
			setup: func(t *testing.T, dir string) string {
				return fillTo(t, filepath.Join(dir, "enriched.json"), MaxSize+1)
			},
			wantErr: []string{"would grow to 16.0 MiB with the entry \"web\"", "more than the 16 MiB enrich reads back", "it was left as it is",
				"remove the entries of builds you no longer need"},
			check: func(t *testing.T, path string) {
				if _, err := writeEntry(context.Background(), path, entry("pad-00000", "1"), nil); err != nil {
					t.Errorf("replacing an entry with a smaller one: %v", err)
				}
			}},
		{name: "a file that cannot be replaced by renaming (EBUSY, as a bind mount) is written in place",
			setup: func(t *testing.T, dir string) string {
				failRename(t, syscall.EBUSY)
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {"old": {"name": "old"}}}`, 0o644)
			},
			write: func(t *testing.T, path string) error {
				before := stat(t, path)
				_, err := writeEntry(context.Background(), path, entry("web", "1"), nil)
				if !os.SameFile(before, stat(t, path)) {
					t.Errorf("the file was replaced, want it written in place")
				}
				return err
			},
			check: func(t *testing.T, path string) { mustEntries(t, path, "old", "web") }},
		{name: "a real bind-mounted file is written in place", root: true,
			setup: func(t *testing.T, dir string) string {
				fileWith(t, filepath.Join(dir, "source.json"), `{"builds": {"old": {"name": "old"}}}`, 0o644)
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {}}`, 0o644)
			},
			write: func(t *testing.T, path string) error {
				return writeThroughBindMount(t, filepath.Join(filepath.Dir(path), "source.json"), path)
			},
			check: func(t *testing.T, path string) {
				// What the mount showed was the source file.
				mustEntries(t, filepath.Join(filepath.Dir(path), "source.json"), "old", "web")
				mustContent(t, path, `{"builds": {}}`)
			}},
		{name: "a file an older version wrote, indented, is read and rewritten one entry a line",
			setup: func(t *testing.T, dir string) string {
				return fileWith(t, filepath.Join(dir, "enriched.json"),
					"{\n  \"builds\": {\n    \"old\": {\n      \"name\": \"old\"\n    }\n  },\n  \"owner\": \"ops\"\n}\n", 0o644)
			},
			check: func(t *testing.T, path string) {
				mustContent(t, path, "{\n  \"builds\": {\n    \"old\": {\"name\":\"old\"},\n"+
					"    \"web\": {\"name\":\"web\",\"artifact_id\":\"1\",\"labels\":{\"git_commit\":\"1\"}}\n  },\n  \"owner\": \"ops\"\n}\n")
			}},
		{name: "a file with two builds keys is not an output file, and is left as it is",
			setup: func(t *testing.T, dir string) string {
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {"a": {}}, "builds": {"b": {}}}`, 0o644)
			},
			wantErr: []string{"is not an enrich output file", `it has the key "builds" twice`, "it was left as it is"}},
		{name: "a file with a build's key twice is not an output file, and is left as it is",
			setup: func(t *testing.T, dir string) string {
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {"a": {"n": 1}, "b": {}, "a": {"n": 2}}}`, 0o644)
			},
			wantErr: []string{"is not an enrich output file", `its "builds" has the key "a" twice`, "it was left as it is"}},
		{name: "a key twice inside an entry or another top-level value is kept as written",
			setup: func(t *testing.T, dir string) string {
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {"a": {"n": 1, "n": 2}}, "meta": {"x": 1, "x": 2}}`, 0o644)
			},
			check: func(t *testing.T, path string) {
				mustEntries(t, path, "a", "web")
				for _, w := range []string{`"a": {"n":1,"n":2}`, `"meta": {"x":1,"x":2}`} {
					if b, _ := os.ReadFile(path); !strings.Contains(string(b), w) {
						t.Errorf("the file does not hold %s:\n%s", w, b)
					}
				}
			}},
		{name: "a new file in a directory that is not writable: the message names the directory",
			setup: func(t *testing.T, dir string) string {
				return filepath.Join(notWritable(t, dir), "enriched.json")
			},
			write:    writeAsOther,
			wantErr:  []string{"enriched.json cannot be written: the directory", "is not writable by", "it belongs to", "make the directory writable"},
			notInErr: []string{"enrich-tmp", "temporary"}},
		{name: "an existing file in a directory that is not writable: the message names the directory",
			setup: func(t *testing.T, dir string) string {
				dir = notWritable(t, dir)
				path := filepath.Join(dir, "enriched.json")
				withWritable(t, dir, func() { fileWith(t, path, `{"builds": {}}`, 0o644) })
				return path
			},
			write:    writeAsOther,
			wantErr:  []string{"enriched.json cannot be written: the directory", "is not writable by", "it belongs to", "make the directory writable"},
			notInErr: []string{"enrich-tmp", "temporary"}},
		{name: "a directory on a read-only file system: the message says so", root: true,
			setup: func(t *testing.T, dir string) string {
				return fileWith(t, filepath.Join(dir, "enriched.json"), `{"builds": {}}`, 0o644)
			},
			write:    func(t *testing.T, path string) error { return writeOnReadOnlyMount(t, filepath.Dir(path)) },
			wantErr:  []string{"enriched.json cannot be written: the directory", "is on a read-only file system"},
			notInErr: []string{"enrich-tmp", "temporary"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && os.Geteuid() != 0 {
				t.Skip("needs root, to act as two users or to mount")
			}
			path := tc.setup(t, reachableDir(t))
			write := tc.write
			if write == nil {
				write = func(_ *testing.T, path string) error {
					_, err := writeEntry(context.Background(), path, entry("web", "1"), nil)
					return err
				}
			}
			before, _ := os.ReadFile(path)
			err := write(t, path)
			switch {
			case len(tc.wantErr) == 0 && err != nil:
				t.Fatalf("Write: %v", err)
			case len(tc.wantErr) > 0 && err == nil:
				t.Fatalf("Write succeeded, want an error saying %q", tc.wantErr)
			case len(tc.wantErr) > 0:
				t.Logf("the build says: %v", err)
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				for _, w := range tc.notInErr {
					if strings.Contains(err.Error(), w) {
						t.Errorf("error %q says %q", err, w)
					}
				}
				if after, _ := os.ReadFile(path); string(after) != string(before) {
					t.Errorf("the file was changed:\n%s\nwant it left as it was:\n%s", after, before)
				}
			}
			if _, err := os.Lstat(tempName(path)); err == nil {
				t.Errorf("the temporary file %s is left", tempName(path))
			}
			if tc.check != nil {
				tc.check(t, path)
			}
		})
	}
}

// unreadableMode is the mode of a file writeAsOther cannot read: root's
// file that only root may read, or the test user's file with no read
// permission.
func unreadableMode() fs.FileMode {
	if os.Geteuid() == 0 {
		return 0o600
	}
	return 0o200
}

// failRename makes renaming over the output fail with errno for the test.
func failRename(t *testing.T, errno syscall.Errno) {
	rename = func(from, to string) error { return &os.LinkError{Op: "rename", Old: from, New: to, Err: errno} }
	t.Cleanup(func() { rename = os.Rename })
}

// notWritable returns a new directory in dir that writeAsOther cannot
// write: root's directory, or the test user's with mode 0555.
func notWritable(t *testing.T, dir string) string {
	t.Helper()
	dir = filepath.Join(dir, "read-only")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		setMode(t, dir, 0o555)
		t.Cleanup(func() { setMode(t, dir, 0o755) })
	}
	return dir
}

// withWritable runs f while the test user may write dir.
func withWritable(t *testing.T, dir string, f func()) {
	t.Helper()
	mode := stat(t, dir).Mode().Perm()
	setMode(t, dir, 0o755)
	f()
	setMode(t, dir, mode)
}

func setMode(t *testing.T, path string, mode fs.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// umask sets the process's umask for the test.
func umask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func fileWith(t *testing.T, path, content string, mode fs.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func chown(t *testing.T, path string, uid int) {
	t.Helper()
	if err := os.Chown(path, uid, uid); err != nil {
		t.Fatal(err)
	}
}

func stat(t *testing.T, path string) fs.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func mustMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	if got := stat(t, path).Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

// mustEntries checks that the file at path holds exactly the entries names.
func mustEntries(t *testing.T, path string, names ...string) {
	t.Helper()
	got := readOutput(t, path)
	for _, n := range names {
		if _, ok := got[n]; !ok {
			t.Errorf("entries %v: %s is missing", keysOf(got), n)
		}
	}
	if len(got) != len(names) {
		t.Errorf("entries %v, want %v", keysOf(got), names)
	}
}

// fillTo writes at path an output file, as enrich writes it, of entries of
// about 1 KiB ("pad-00000", ...), such that writing entry("web", "1") makes
// it size bytes.
func fillTo(t *testing.T, path string, size int) string {
	t.Helper()
	web, err := json.Marshal(entry("web", "1"))
	if err != nil {
		t.Fatal(err)
	}
	doc := outputDoc{top: map[string]json.RawMessage{}, Builds: map[string]json.RawMessage{"web": web}}
	pad := func(i, n int) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"name":"pad-%05d","p":"%s"}`, i, strings.Repeat("x", n)))
	}
	encoded := func() []byte {
		out, err := doc.encode()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Each entry adds its line: indent, key, value, comma and newline.
	const n = 1000
	line := len(`    "pad-00000": ,`+"\n") + len(pad(0, n))
	rest := size - len(encoded())
	entries := rest / line
	for i := 0; i < entries; i++ {
		doc.Builds[fmt.Sprintf("pad-%05d", i)] = pad(i, n)
	}
	doc.Builds[fmt.Sprintf("pad-%05d", entries-1)] = pad(entries-1, n+rest-entries*line)
	if got := len(encoded()); got != size {
		t.Fatalf("the filled file would be %d bytes, want %d", got, size)
	}
	delete(doc.Builds, "web")
	if err := os.WriteFile(path, encoded(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func keysOf(m map[string]testEntry) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func mustContent(t *testing.T, path, want string) {
	t.Helper()
	if data, err := os.ReadFile(path); err != nil || string(data) != want {
		t.Errorf("%s = %q (%v), want %q", path, data, err, want)
	}
}
