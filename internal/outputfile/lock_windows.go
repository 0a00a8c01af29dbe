//go:build windows

package outputfile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/filelock"
)

// openNoFollow has no flags to add on Windows.
const openNoFollow = 0

// lockOutput takes an exclusive lock keyed by target's path in the user's
// temporary directory (Windows cannot rename over a file that is open, so
// the output itself cannot be the lock), then opens target, creating it
// empty when it does not exist. The lock is released when the returned
// file is closed.
func lockOutput(ctx context.Context, target string, say func(string)) (*lockedOutput, error) {
	sum := sha256.Sum256([]byte(strings.ToLower(target)))
	dir := filepath.Join(os.TempDir(), "packer-enrich-locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("locking %s: %w", target, err)
	}
	lock := filelock.New(filepath.Join(dir, hex.EncodeToString(sum[:16])+".lock"))
	ok, err := lock.TryLock()
	if err == nil && !ok {
		if say != nil {
			say(fmt.Sprintf("output: %s is locked by another process; waiting for it (Ctrl-C stops the wait)", target))
		}
		ok, err = lock.TryLockContext(ctx, lockRetry)
	}
	if err != nil || !ok {
		return nil, fmt.Errorf("waiting for the lock of %s: %w", target, errors.Join(err, ctx.Err()))
	}
	created := false
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		created = true
	}
	f, err := os.OpenFile(target, os.O_RDONLY|os.O_CREATE, 0o644) //nolint:gosec // the user's output option
	if err != nil {
		_ = lock.Unlock()
		switch {
		case !created && errors.Is(err, fs.ErrPermission):
			return nil, unreadable(target, err)
		case created && cannotCreate(err):
			return nil, notWritableDir(filepath.Dir(target), target, err)
		}
		return nil, fmt.Errorf("opening %s: %w", target, err)
	}
	return &lockedOutput{
		file:    f,
		created: created,
		// Windows cannot rename over an open file: close it first; the
		// lock still holds.
		beforeReplace: func() { _ = f.Close() },
		release: func() error {
			_ = f.Close()
			return lock.Unlock()
		},
	}, nil
}
