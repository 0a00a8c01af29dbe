// Package outputfile writes a JSON file that several builds share: an
// object whose "builds" object holds one entry per key. Each writer replaces
// its own entry in a locked, atomic, bounded read-modify-write, and keeps
// every other entry and top-level key as it found them. The package knows
// nothing of the entries' format; see Write, Resolve and OwnFiles for the
// rules.
package outputfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// lockRetry is how often a writer waiting for the output file's lock tries
// again.
const lockRetry = 20 * time.Millisecond

// MaxSize is the most enrich reads of an existing output file, and the
// most it writes, so that it can always read again what it wrote: 16 MiB.
// A larger file is left as it is, and so is a file a new entry would make
// larger.
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
// path, and returns the entry it replaced, if any, as it was in the file.
//
// The output is resolved as Resolve says (a symlink is written through to
// its target), and created, with its missing directories, readable by all
// whatever the umask. Writers hold an exclusive lock on the output file
// itself (see lockOutput) for the whole read-modify-write, and replace the
// file by renaming a complete temporary file over it, so a reader sees
// either the old or the new file, and nothing is left beside it; a file
// that cannot be replaced (a mount point) is written in place instead.
// Top-level keys other than "builds" and the other entries are kept. A file
// that is not an output file, one larger than MaxSize, or one the entry
// would make larger, is left untouched and reported. say is told who holds
// the lock while Write waits for it.
func Write(ctx context.Context, path, key string, entry any, say func(string)) (json.RawMessage, error) {
	target, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	if err := makeDirs(filepath.Dir(target), target); err != nil {
		return nil, err
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

	doc, old, err := readOutputFile(lock.file, target)
	if err != nil {
		return nil, err
	}
	replaced, held := doc.Builds[key], len(doc.Builds)
	raw, err := json.Marshal(entry)
	if err != nil {
		return nil, fmt.Errorf("encoding the entry of %s: %w", key, err)
	}
	doc.Builds[key] = raw
	out, err := doc.encode()
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", target, err)
	}
	if len(out) > MaxSize {
		return nil, fmt.Errorf("%s would grow to %.1f MiB with the entry %q, more than the %d MiB enrich reads back; it was left as it is "+
			"(it holds %d entries): remove the entries of builds you no longer need, or choose another output path",
			target, float64(len(out))/(1<<20), key, MaxSize>>20, held)
	}
	lock.beforeReplace()
	if err := replaceFile(target, out, old); err != nil {
		return nil, err
	}
	written = true
	return replaced, nil
}

// makeDirs creates dir, the directory of the output path, and its missing
// parents with mode 0755 whatever the umask, so that another user can reach
// the file a root run writes there.
func makeDirs(dir, path string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := makeDirs(parent, path); err != nil {
			return err
		}
	}
	err := os.Mkdir(dir, 0o755) //nolint:gosec // an output directory others may read, like Packer's
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil // made by another writer meanwhile; the lock checks what it is
	case cannotCreate(err):
		return notWritableDir(parent, path, err)
	case err != nil:
		return fmt.Errorf("creating the directory of %s: %w", path, err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { //nolint:gosec // as above
		return fmt.Errorf("creating the directory of %s: %w", path, err)
	}
	return nil
}
