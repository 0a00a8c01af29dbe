package outputfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// The output file rules: the output must be a regular file or a path that
// does not exist yet, in a directory (existing or not). A symlink is
// followed, and the file it points to is the one written (atomically, in
// that file's directory): the link itself is left as it is. On Unix a
// symlink the kernel's fs.protected_symlinks rule would not follow (another
// user's link in a sticky, world-writable directory such as /tmp) is
// refused, at Configure and again before writing.

// Resolve returns the file the output option names, following
// symlinks, or an error naming the option when it is not a file enrich may
// write: a path ending in a separator, a directory, a device, a FIFO, a
// socket, a dangling symlink, or a path under a file.
func Resolve(path string) (string, error) {
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)) {
		return "", fmt.Errorf("output: %s ends in a path separator, so it names a directory; name the JSON file to write, such as %s", path, filepath.Join(path, "enriched.json"))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("output: %s: %w", path, err)
	}
	if err := checkOutputLinks(path, abs); err != nil {
		return "", err
	}
	target := abs
	fi, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return target, checkOutputDir(path, filepath.Dir(abs))
	case err != nil:
		if derr := checkOutputDir(path, filepath.Dir(abs)); derr != nil {
			return "", derr
		}
		return "", fmt.Errorf("output: %s: %w", path, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err = filepath.EvalSymlinks(abs)
		if err != nil {
			return "", fmt.Errorf("output: %s is a symlink whose target cannot be found (%w); point it at a file or name the file itself", path, err)
		}
		if fi, err = os.Lstat(target); err != nil {
			return "", fmt.Errorf("output: %s: %w", path, err)
		}
	}
	if kind := fileKind(fi.Mode()); kind != "" {
		return "", fmt.Errorf("output: %s is %s; enrich writes only a regular JSON file or a path that does not exist yet, such as out/enriched.json", describeLink(path, abs, target), kind)
	}
	return target, nil
}

// checkOutputDir refuses an output whose directory, or the nearest of its
// parents that exists, is not a directory.
func checkOutputDir(path, dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		switch {
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
			if filepath.Dir(d) == d {
				return nil
			}
			continue
		case err != nil:
			return fmt.Errorf("output: %s: %w", path, err)
		case !fi.IsDir():
			return fmt.Errorf("output: %s cannot be created: %s is not a directory", path, d)
		}
		return nil
	}
}

// fileKind names what a non-regular file is, or returns "" for a regular
// file.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "not a regular file"
	}
}

func describeLink(path, abs, target string) string {
	if abs == target {
		return path
	}
	return fmt.Sprintf("%s (a symlink to %s)", path, target)
}

// tempName is the temporary file the holder of the output's lock
// writes before renaming it over the output: one fixed name beside the
// output, so that it is known to the dirty check, and only ever written
// under the lock.
func tempName(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".enrich-tmp")
}

// OwnFiles are the files Write may create for the output at path, which
// must never count as a change of the work tree they are in: the path
// itself, the file it resolves to (when it is a symlink) and the temporary
// file beside each.
func OwnFiles(path string) []string {
	if path == "" {
		return nil
	}
	files := []string{path, tempName(path)}
	if target, err := Resolve(path); err == nil && target != path {
		files = append(files, target, tempName(target))
	}
	return files
}
