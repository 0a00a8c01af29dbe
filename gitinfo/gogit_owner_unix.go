//go:build unix

package gitinfo

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// checkOwner applies git's ownership rule to what the go-git path found:
// the work tree, its .git and the git dir must belong to the user running
// gitinfo (to the user in SUDO_UID when that is root, as git does), unless
// the global configuration lists the directory in safe.directory.
func checkOwner(at *repoGoGit) error {
	uid := uint32(os.Geteuid()) //nolint:gosec // uids fit
	if s, ok := os.LookupEnv("SUDO_UID"); ok && uid == 0 {
		if n, err := strconv.ParseUint(s, 10, 32); err == nil {
			uid = uint32(n)
		}
	}
	for _, p := range []string{at.root, at.dotGit, at.gitDir} { // "" when unknown
		if p == "" {
			continue
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("gitinfo: %w", err)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != uid && !safeDirectory(at.root) {
			return untrusted(at.root)
		}
	}
	return nil
}
