//go:build windows

package outputfile

import (
	"io/fs"
	"os"
)

// fileOwner has no owner to tell on Windows, where a file's access is its
// ACL, which a new file inherits from its directory.
func fileOwner(fs.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }

// keepOwner has nothing to keep on Windows (see fileOwner).
func keepOwner(*os.File, fs.FileInfo) {}
