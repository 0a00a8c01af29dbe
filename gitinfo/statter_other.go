//go:build !linux

package gitinfo

import "path/filepath"

// statter lstats work tree paths (portable version).
type statter struct{ root string }

func newStatter(root string) *statter { return &statter{root: root} }

func (s *statter) lstat(rel string) (fileStat, error) {
	return lstatPath(filepath.Join(s.root, filepath.FromSlash(rel)))
}

func (s *statter) close() {}
