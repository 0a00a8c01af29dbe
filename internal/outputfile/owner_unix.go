//go:build !windows

package outputfile

import (
	"io/fs"
	"os"
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
