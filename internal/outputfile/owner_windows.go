//go:build windows

package outputfile

import (
	"fmt"
	"io/fs"
	"os"
)

// keepOwner has nothing to keep on Windows, where a file's access is its
// ACL, which a new file inherits from its directory.
func keepOwner(*os.File, fs.FileInfo) {}

// unreadable explains why the existing file path could not be opened for
// reading (err), and what to do.
func unreadable(path string, err error) error {
	return fmt.Errorf("%s cannot be read (%w); enrich reads it to keep the other builds' entries, so it left it as it is: "+
		"make it readable for you, remove it, or choose another output path", path, err)
}

// notWritableDir explains why enrich could not create a file (err) in dir,
// the directory of the output path.
func notWritableDir(dir, path string, err error) error {
	return fmt.Errorf("%s cannot be written: the directory %s is not writable for you (%w); "+
		"enrich writes the output by putting a new file in its place: make the directory writable or choose another output path",
		path, dir, err)
}
