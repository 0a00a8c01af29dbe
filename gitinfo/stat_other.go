//go:build !linux && !darwin

package gitinfo

import (
	"io/fs"
	"os"
)

// lstatPath returns the portable part of the stat data; full is false so
// every entry whose size and mtime match is verified by hashing.
func lstatPath(path string) (fileStat, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return fileStat{}, err
	}
	var mode uint32
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		mode = 0o120000
	case fi.Mode().IsDir():
		mode = 0o040000
	case fi.Mode().IsRegular():
		mode = 0o100000 | uint32(fi.Mode().Perm())
	default:
		mode = 0o010000
	}
	t := fi.ModTime()
	return fileStat{mode: mode, size: fi.Size(), mtimeSec: t.Unix(), mtimeNsec: int64(t.Nanosecond())}, nil
}
