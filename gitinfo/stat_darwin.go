//go:build darwin

package gitinfo

import "syscall"

// lstatPath returns the stat data git records in the index.
func lstatPath(path string) (fileStat, error) {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		return fileStat{}, err
	}
	return fileStat{
		mode:      uint32(st.Mode),
		size:      st.Size,
		mtimeSec:  st.Mtimespec.Sec,
		mtimeNsec: st.Mtimespec.Nsec,
		ctimeSec:  st.Ctimespec.Sec,
		ctimeNsec: st.Ctimespec.Nsec,
		ino:       st.Ino,
		uid:       st.Uid,
		gid:       st.Gid,
		full:      true,
	}, nil
}
