//go:build !windows

package outputfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// fileOwner returns the owner and group of the file fi describes.
func fileOwner(fi fs.FileInfo) (uid, gid int, ok bool) {
	if fi == nil {
		return 0, 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// keepOwner gives f, the file replacing old, old's owner and group as far
// as the process may: root gives both (so root rewriting a user's 0600 file
// leaves it the user's), another user the group when it belongs to it.
// What it may not do is left as it is: the file is the writer's then.
func keepOwner(f *os.File, old fs.FileInfo) {
	uid, gid, ok := fileOwner(old)
	if !ok {
		return
	}
	if os.Geteuid() == 0 {
		_ = f.Chown(uid, gid)
		return
	}
	if gid != os.Getegid() {
		_ = f.Chown(-1, gid)
	}
}

// unreadable explains why the existing file path could not be opened for
// reading (err): who owns it, its mode, who enrich runs as, and what to do.
func unreadable(path string, err error) error {
	fi, serr := os.Stat(path)
	uid, _, ok := fileOwner(fi)
	if serr != nil || !ok {
		return fmt.Errorf("%s cannot be read (%w); enrich reads it to keep the other builds' entries, so it left it as it is: "+
			"make it readable, remove it, or choose another output path", path, err)
	}
	return fmt.Errorf("%s cannot be read by %s: it belongs to %s and has mode %04o; enrich reads it to keep the other builds' entries, "+
		"so it left it as it is: make it readable (as its owner or root: chmod a+r %s), remove it, or choose another output path",
		path, userName(os.Geteuid()), userName(uid), fi.Mode().Perm(), path)
}

// userName names the user uid: "alice (uid 1000)", or "uid 1000" when the
// system does not know the name.
func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil && u.Username != "" {
		return fmt.Sprintf("%s (uid %d)", u.Username, uid)
	}
	return fmt.Sprintf("uid %d", uid)
}

// notWritableDir explains why enrich could not create a file (err) in dir,
// the directory of the output path: the directory is not writable, by its
// mode or because its file system is read-only.
func notWritableDir(dir, path string, err error) error {
	if errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("%s cannot be written: the directory %s is on a read-only file system; "+
			"choose an output path on a writable one", path, dir)
	}
	fi, serr := os.Stat(dir)
	uid, _, ok := fileOwner(fi)
	if serr != nil || !ok {
		return fmt.Errorf("%s cannot be written: the directory %s is not writable by %s (%w); "+
			"enrich writes the output by putting a new file in its place: make the directory writable or choose another output path",
			path, dir, userName(os.Geteuid()), err)
	}
	return fmt.Errorf("%s cannot be written: the directory %s is not writable by %s: it belongs to %s and has mode %04o; "+
		"enrich writes the output by putting a new file in its place: make the directory writable or choose another output path",
		path, dir, userName(os.Geteuid()), userName(uid), fi.Mode().Perm())
}
