//go:build !windows

package outputfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// lockOutput opens target (creating it empty when it does not exist) and
// takes an exclusive flock on the file itself: no lock file is ever made.
// The kernel drops the lock when the process dies, so a lock never goes
// stale. Writers replace the file by renaming, so after the lock is taken
// the path must still name the locked file; otherwise the lock is taken
// again on the new file. The file is opened without blocking and must be a
// regular file, so a FIFO or device put in its place never hangs the build.
// While another process holds the lock, say is told who, once, and the
// wait ends with ctx.
func lockOutput(ctx context.Context, target string, say func(string)) (*lockedOutput, error) {
	told := false
	for {
		f, created, err := openOutput(target)
		if err != nil {
			return nil, err
		}
		for {
			err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
			if err == nil {
				break
			}
			if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
				_ = f.Close()
				return nil, fmt.Errorf("locking %s: %w", target, err)
			}
			if !told && say != nil {
				say(fmt.Sprintf("output: %s is locked by %s; waiting for it (Ctrl-C stops the wait)", target, lockHolder(f)))
				told = true
			}
			select {
			case <-ctx.Done():
				_ = f.Close()
				return nil, fmt.Errorf("waiting for the lock of %s: %w", target, ctx.Err())
			case <-time.After(lockRetry):
			}
		}
		if sameFile(f, target) {
			// Closing the file releases the lock; the file stays open
			// until the new file is in place.
			return &lockedOutput{file: f, created: created, release: f.Close, beforeReplace: func() {}}, nil
		}
		// Another writer renamed a new file over the path while we
		// waited: lock that one.
		_ = f.Close()
	}
}

// openNoFollow are the flags that open a file for writing only when it is
// not a symlink, and without blocking when it is a FIFO or device.
const openNoFollow = unix.O_NOFOLLOW | unix.O_NONBLOCK

// openOutput opens target read-only and non-blocking, creating it when it
// does not exist, and refuses anything but a regular file.
func openOutput(target string) (*os.File, bool, error) {
	created := true
	fd, err := unix.Open(target, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOFOLLOW, uint32(newFileMode))
	if err == nil {
		// The mode Open gave went through the umask.
		if err := unix.Fchmod(fd, uint32(newFileMode)); err != nil {
			_ = unix.Close(fd)
			_ = os.Remove(target)
			return nil, false, fmt.Errorf("setting the mode of %s: %w", target, err)
		}
	}
	if errors.Is(err, unix.EEXIST) {
		created = false
		fd, err = unix.Open(target, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	}
	if err != nil {
		switch {
		case errors.Is(err, unix.ELOOP):
			return nil, false, fmt.Errorf("opening %s: it became a symlink while enrich was writing; run the build again", target)
		case !created && (errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM)):
			return nil, false, unreadable(target, err)
		case created && cannotCreate(err):
			return nil, false, notWritableDir(filepath.Dir(target), target, err)
		}
		return nil, false, fmt.Errorf("opening %s: %w", target, &os.PathError{Op: "open", Path: target, Err: err})
	}
	f := os.NewFile(uintptr(fd), target)
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, false, fmt.Errorf("opening %s: %w", target, err)
	}
	if kind := fileKind(fi.Mode()); kind != "" {
		_ = f.Close()
		return nil, false, fmt.Errorf("%s is %s; enrich writes only a regular file", target, kind)
	}
	return f, created, nil
}

// sameFile reports whether path still names the open file f.
func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	return err == nil && os.SameFile(a, b)
}

// lockHolder names the process holding the flock on f, from /proc/locks
// where the system has it, else "another process".
func lockHolder(f *os.File) string {
	fi, err := f.Stat()
	if err != nil {
		// A stale NFS handle, say: the holder cannot be found.
		return "another process"
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "another process"
	}
	locks, err := os.Open("/proc/locks")
	if err != nil {
		return "another process"
	}
	defer func() { _ = locks.Close() }()
	dev := uint64(st.Dev) //nolint:unconvert,gosec // Dev is uint32 or int32 on some systems; a device number is never negative
	id := fmt.Sprintf("%02x:%02x:%d", unix.Major(dev), unix.Minor(dev), st.Ino)
	sc := bufio.NewScanner(locks)
	for sc.Scan() {
		// 1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "FLOCK" || fields[5] != id {
			continue
		}
		pid, err := strconv.Atoi(fields[4])
		if err != nil || pid == os.Getpid() {
			continue
		}
		return describeProcess(pid)
	}
	return "another process"
}

// describeProcess names process pid: its command and its user, as far as
// /proc tells.
func describeProcess(pid int) string {
	s := fmt.Sprintf("process %d", pid)
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil {
		s += " (" + strings.TrimSpace(string(comm))
		if fi, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				s += fmt.Sprintf(", uid %d", st.Uid)
			}
		}
		s += ")"
	}
	return s
}
