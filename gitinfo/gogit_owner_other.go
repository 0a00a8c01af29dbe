//go:build !unix

package gitinfo

import "fmt"

// checkOwner refuses every repository: without the git binary, ownership
// cannot be checked as git checks it on this platform, unless the global
// configuration lists the directory in safe.directory.
func checkOwner(at *repoGoGit) error {
	if safeDirectory(at.root) {
		return nil
	}
	return fmt.Errorf("gitinfo: the owner of %s cannot be checked without the git binary: %w", at.root, untrusted(at.root))
}
