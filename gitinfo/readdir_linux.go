//go:build linux

package gitinfo

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Directory entry kinds reported by readDirKinds.
const (
	kindOther = iota
	kindDir
	kindFile // regular file or symlink: what git lists as untracked
)

// readDirKinds lists a directory with getdents(2), calling fn with each
// name (valid only during the call) and its kind, without allocating per
// entry. fn returns false to stop.
func readDirKinds(path string, buf []byte, fn func(name []byte, kind int) bool) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer func() { _ = unix.Close(fd) }() // read-only directory
	for {
		n, err := unix.Getdents(fd, buf)
		if err != nil {
			return err
		}
		if n <= 0 {
			return nil
		}
		for off := 0; off+19 <= n; {
			reclen := int(binary.NativeEndian.Uint16(buf[off+16:]))
			if reclen < 19 || off+reclen > n {
				return unix.EINVAL
			}
			typ := buf[off+18]
			name := buf[off+19 : off+reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			off += reclen
			if len(name) == 0 || (name[0] == '.' && (len(name) == 1 || len(name) == 2 && name[1] == '.')) {
				continue
			}
			kind := kindOther
			switch typ {
			case unix.DT_DIR:
				kind = kindDir
			case unix.DT_REG, unix.DT_LNK:
				kind = kindFile
			case unix.DT_UNKNOWN:
				var st unix.Stat_t
				if unix.Fstatat(fd, string(name), &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
					switch st.Mode & unix.S_IFMT {
					case unix.S_IFDIR:
						kind = kindDir
					case unix.S_IFREG, unix.S_IFLNK:
						kind = kindFile
					}
				}
			}
			if !fn(name, kind) {
				return nil
			}
		}
	}
}
