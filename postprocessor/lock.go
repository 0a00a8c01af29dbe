package postprocessor

import (
	"context"
	"time"
)

// tryLocker is the SDK's file lock (filelock.Flock) as every platform has
// it: gofrs/flock's on most, a no-op on Solaris, which has no
// TryLockContext.
type tryLocker interface {
	TryLock() (bool, error)
}

// lockContext takes lock, trying again every retry until ctx ends.
func lockContext(ctx context.Context, lock tryLocker, retry time.Duration) (bool, error) {
	for {
		if ok, err := lock.TryLock(); ok || err != nil {
			return ok, err
		}
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C:
		}
	}
}
