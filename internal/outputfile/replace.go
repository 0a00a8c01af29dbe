package outputfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// rename is os.Rename; tests make it fail as it fails on a bind mount.
var rename = os.Rename

// newFileMode is the mode of an output file enrich creates, whatever the
// umask: readable by all, like the images' metadata it holds, so that a
// file a root run with umask 077 left never stops the directory owner's
// next run.
const newFileMode fs.FileMode = 0o644

// replacementMode is the mode of the file that replaces old: old's
// permissions when its owner can read it (a mode the user chose, such as
// 0600 or 0640, is kept), else newFileMode.
func replacementMode(old fs.FileInfo) fs.FileMode {
	if old == nil || old.Mode().Perm()&0o400 == 0 {
		return newFileMode
	}
	return old.Mode().Perm()
}

// replaceFile writes data to the temporary file tempName(path), with the
// mode replacementMode(old) and, as far as the process may, old's owner and
// group, and renames it over path. Only the holder of the output's lock
// calls it, so the fixed name is the holder's alone; a temporary file a
// crashed run left is replaced.
func replaceFile(path string, data []byte, old fs.FileInfo) (err error) {
	name := tempName(path)
	// Only a file that is there is removed: on a read-only file system,
	// removing one that is not fails too.
	if _, err := os.Lstat(name); err == nil {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing the leftover temporary file %s: %w", name, err)
		}
	}
	mode := replacementMode(old)
	tmp, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode) //nolint:gosec // beside the user's output
	if err != nil {
		if cannotCreate(err) {
			return notWritableDir(filepath.Dir(path), path, err)
		}
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
	// The mode the file was created with went through the umask.
	if err = tmp.Chmod(mode); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("setting the mode of %s: %w", name, err)
	}
	keepOwner(tmp, old)
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("syncing %s: %w", name, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", name, err)
	}
	if err = rename(name, path); err != nil {
		if !errors.Is(err, syscall.EBUSY) && !errors.Is(err, syscall.EXDEV) {
			return fmt.Errorf("replacing %s: %w", path, err)
		}
		// path is a mount point (a file bind-mounted into a container,
		// say): it cannot be replaced, only written.
		_ = os.Remove(name)
		return rewriteInPlace(path, data, old)
	}
	return nil
}

// cannotCreate reports whether err, from creating a file, says that its
// directory is not writable.
func cannotCreate(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// rewriteInPlace writes data over the file at path, which must still be
// old, the file the lock holder read: for a file that cannot be replaced
// by renaming. The lock keeps other writers out; a reader that does not
// take the lock may see the file half written.
func rewriteInPlace(path string, data []byte, old fs.FileInfo) error {
	f, err := os.OpenFile(path, os.O_WRONLY|openNoFollow, 0) //nolint:gosec // the user's output, locked
	if err != nil {
		return fmt.Errorf("%s cannot be replaced by renaming (it is a mount point, such as a file bind-mounted into a container), "+
			"and writing it in place failed: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	if fi, err := f.Stat(); err != nil || old == nil || !os.SameFile(fi, old) {
		return fmt.Errorf("%s changed while enrich was writing it; run the build again", path)
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		return fmt.Errorf("writing %s in place: %w", path, err)
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		return fmt.Errorf("writing %s in place: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	return f.Close()
}
