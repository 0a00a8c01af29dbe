// Package outputfile writes a JSON file that several builds share: an
// object whose "builds" object holds one entry per key. Each writer replaces
// its own entry in a locked, atomic, bounded read-modify-write, and keeps
// every other entry and top-level key as it found them. The package knows
// nothing of the entries' format; see Write, Resolve and OwnFiles for the
// rules.
package outputfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// lockRetry is how often a writer waiting for the output file's lock tries
// again.
const lockRetry = 20 * time.Millisecond

// MaxSize is the most enrich reads of an existing output file: 16 MiB.
// A larger file is left as it is.
const MaxSize = 16 << 20

// lockedOutput is the output file, open and locked against other writers.
type lockedOutput struct {
	file    *os.File
	created bool // the file did not exist and was created empty
	// beforeReplace runs before the new file is renamed over the output;
	// release ends the lock.
	beforeReplace func()
	release       func() error
}

// Write sets entry, encoded as JSON, as the entry key of the output file at
// path. The output is resolved as Resolve says (a symlink is written
// through to its target). Writers hold an exclusive lock on the output file
// itself (see lockOutput) for the whole read-modify-write, and replace the
// file by renaming a complete temporary file over it, so a reader sees
// either the old or the new file, and nothing is left beside it. Top-level
// keys other than "builds" are kept. A file that is not an output file is
// left untouched and reported. say is told who holds the lock while Write
// waits for it. It returns the entry it replaced, if any, as it was in the
// file.
func Write(ctx context.Context, path, key string, entry any, say func(string)) (json.RawMessage, error) {
	target, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil { //nolint:gosec // an output directory others may read, like Packer's
		return nil, fmt.Errorf("creating the directory of %s: %w", target, err)
	}
	lock, err := lockOutput(ctx, target, say)
	if err != nil {
		return nil, err
	}
	written := false
	defer func() {
		if !written && lock.created {
			// Leave no empty file behind.
			if fi, err := os.Lstat(target); err == nil && fi.Size() == 0 {
				_ = os.Remove(target)
			}
		}
		_ = lock.release()
	}()

	doc, mode, err := readOutputFile(lock.file, target)
	if err != nil {
		return nil, err
	}
	replaced := doc.Builds[key]
	raw, err := json.Marshal(entry)
	if err != nil {
		return nil, fmt.Errorf("encoding the entry of %s: %w", key, err)
	}
	doc.Builds[key] = raw
	builds, err := json.Marshal(doc.Builds)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", target, err)
	}
	doc.top["builds"] = builds

	out, err := json.MarshalIndent(doc.top, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", target, err)
	}
	lock.beforeReplace()
	if err := replaceFile(target, append(out, '\n'), mode); err != nil {
		return nil, err
	}
	written = true
	return replaced, nil
}

// outputDoc is an output file as read: its top-level keys, kept as they
// are, and its builds.
type outputDoc struct {
	top    map[string]json.RawMessage
	Builds map[string]json.RawMessage
}

// readOutputFile reads the output file f (named path), an empty document
// when it is empty, and the file's mode to keep. Anything but a JSON object
// with a "builds" object is refused, as is a file larger than
// MaxSize.
func readOutputFile(f *os.File, path string) (outputDoc, fs.FileMode, error) {
	doc := outputDoc{top: map[string]json.RawMessage{}, Builds: map[string]json.RawMessage{}}
	mode := fs.FileMode(0o644)
	if fi, err := f.Stat(); err == nil {
		mode = fi.Mode().Perm()
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return doc, mode, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return doc, mode, fmt.Errorf("%s is larger than %d MiB, more than an enrich output file holds; it was left as it is: remove it or choose another output path", path, MaxSize>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return doc, mode, nil
	}
	refuse := func(reason error) error {
		return fmt.Errorf("%s exists but is not an enrich output file (%w); it was left as it is: remove it or choose another output path", path, reason)
	}
	if err := json.Unmarshal(data, &doc.top); err != nil {
		return doc, mode, refuse(err)
	}
	if doc.top == nil {
		return doc, mode, refuse(errors.New("it is null"))
	}
	if doc.top["builds"] == nil {
		return doc, mode, refuse(errors.New(`it has no "builds"`))
	}
	if err := json.Unmarshal(doc.top["builds"], &doc.Builds); err != nil {
		return doc, mode, refuse(err)
	}
	if doc.Builds == nil {
		return doc, mode, refuse(errors.New(`"builds" is null`))
	}
	return doc, mode, nil
}

// replaceFile writes data, with the given mode, to the temporary file
// tempName(path) and renames it over path. Only the holder of the
// output's lock calls it, so the fixed name is the holder's alone; a
// temporary file a crashed run left is replaced.
func replaceFile(path string, data []byte, mode fs.FileMode) (err error) {
	name := tempName(path)
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the leftover temporary file %s: %w", name, err)
	}
	tmp, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode) //nolint:gosec // beside the user's output
	if err != nil {
		return fmt.Errorf("creating a temporary file for %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(name)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("syncing %s: %w", name, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", name, err)
	}
	if err = os.Chmod(name, mode); err != nil {
		return fmt.Errorf("setting the mode of %s: %w", name, err)
	}
	if err = os.Rename(name, path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return nil
}
