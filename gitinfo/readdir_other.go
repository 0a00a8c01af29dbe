//go:build !linux

package gitinfo

import (
	"io/fs"
	"os"
)

// Directory entry kinds reported by readDirKinds.
const (
	kindOther = iota
	kindDir
	kindFile // regular file or symlink: what git lists as untracked
)

// readDirKinds lists a directory, calling fn with each name and its kind.
// fn returns false to stop.
func readDirKinds(path string, _ []byte, fn func(name []byte, kind int) bool) error {
	ents, err := os.ReadDir(path)
	for _, e := range ents {
		kind := kindOther
		switch t := e.Type(); {
		case t.IsDir():
			kind = kindDir
		case t.IsRegular() || t&fs.ModeSymlink != 0:
			kind = kindFile
		}
		if !fn([]byte(e.Name()), kind) {
			return nil
		}
	}
	return err
}
