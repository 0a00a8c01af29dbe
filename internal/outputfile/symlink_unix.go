//go:build !windows

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

// maxLinkHops is where checkOutputLinks stops following a chain of links;
// the resolving that follows it reports the loop.
const maxLinkHops = 255

// checkOutputLinks applies the rule of the kernel's fs.protected_symlinks
// to every symlink that resolving abs follows, the output's own and any in
// its directories: enrich resolves links itself, where the kernel does not
// see them, so it refuses what the kernel would refuse. A symlink in a
// sticky, world-writable directory (such as /tmp) is followed only when its
// owner is the current user or the directory's owner; otherwise another
// user could point root's output at any file. path is the option's value,
// for the message.
func checkOutputLinks(path, abs string) error {
	resolved := string(filepath.Separator)
	rest := strings.Split(abs, string(filepath.Separator))
	for hops := 0; len(rest) > 0 && hops <= maxLinkHops; {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, name)
		fi, err := os.Lstat(next)
		switch {
		case err != nil:
			// Nothing more to follow; Resolve reports the rest.
			rest = nil
		case fi.Mode()&fs.ModeSymlink == 0:
			resolved = next
		default:
			if err := checkProtectedLink(path, next, fi); err != nil {
				return err
			}
			dest, err := os.Readlink(next)
			if err != nil {
				rest = nil
				continue
			}
			hops++
			if filepath.IsAbs(dest) {
				resolved = string(filepath.Separator)
			}
			rest = append(strings.Split(dest, string(filepath.Separator)), rest...)
		}
	}
	return nil
}

// checkProtectedLink refuses the symlink link (whose Lstat is fi) when the
// kernel's fs.protected_symlinks rule forbids following it.
func checkProtectedLink(path, link string, fi fs.FileInfo) error {
	lst, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	dir := filepath.Dir(link)
	dfi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output: %s: %w", path, err)
	}
	dst, ok := dfi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if !protectedLink(dfi.Mode(), dst.Uid, lst.Uid, uint32(os.Geteuid())) { //nolint:gosec // uids fit
		return nil
	}
	return fmt.Errorf("output: %s: the symlink %s belongs to uid %d, in %s, a sticky world-writable directory of uid %d; "+
		"enrich does not follow it (the kernel's fs.protected_symlinks rule), since another user may point it at any file; "+
		"remove the link or name a path outside %s", path, link, lst.Uid, dir, dst.Uid, dir)
}

// protectedLink reports whether the kernel's fs.protected_symlinks rule
// forbids the user euid to follow a symlink of the user linkUID in a
// directory of mode dirMode and owner dirUID: in a sticky, world-writable
// directory only the user's own links and the directory owner's are
// followed.
func protectedLink(dirMode fs.FileMode, dirUID, linkUID, euid uint32) bool {
	return dirMode&fs.ModeSticky != 0 && dirMode.Perm()&0o002 != 0 &&
		linkUID != euid && linkUID != dirUID
}
