//go:build linux

package gitinfo

import (
	"strings"

	"golang.org/x/sys/unix"
)

func toFileStat(st *unix.Stat_t) fileStat {
	// Unix gives int64 times on every platform (32-bit ones have int32
	// fields).
	mtimeSec, mtimeNsec := st.Mtim.Unix()
	ctimeSec, ctimeNsec := st.Ctim.Unix()
	return fileStat{
		mode:      st.Mode,
		size:      st.Size,
		mtimeSec:  mtimeSec,
		mtimeNsec: mtimeNsec,
		ctimeSec:  ctimeSec,
		ctimeNsec: ctimeNsec,
		ino:       st.Ino,
		uid:       st.Uid,
		gid:       st.Gid,
		full:      true,
	}
}

// statter lstats work tree paths relative to an open handle on their
// directory, so the kernel resolves one component per file instead of the
// whole path. Index order keeps files of a directory together.
type statter struct {
	root string
	dir  string
	fd   int
	err  error
}

func newStatter(root string) *statter { return &statter{root: root, fd: -1} }

func (s *statter) lstat(rel string) (fileStat, error) {
	dir, base := "", rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		dir, base = rel[:i], rel[i+1:]
	}
	if s.fd < 0 || dir != s.dir {
		s.close()
		s.dir = dir
		p := s.root
		if dir != "" {
			p += "/" + dir
		}
		s.fd, s.err = unix.Open(p, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
		if s.err != nil {
			s.fd = -1
		}
	}
	if s.fd < 0 {
		if s.err == unix.ELOOP { //nolint:errorlint // raw errno from unix.Open
			return fileStat{}, unix.ENOTDIR // a leading symlink: git sees the file as gone
		}
		return fileStat{}, s.err
	}
	var st unix.Stat_t
	if err := unix.Fstatat(s.fd, base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fileStat{}, err
	}
	return toFileStat(&st), nil
}

func (s *statter) close() {
	if s.fd >= 0 {
		_ = unix.Close(s.fd) // O_PATH handle
		s.fd = -1
	}
}
