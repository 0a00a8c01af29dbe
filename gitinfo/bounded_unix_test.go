//go:build unix

package gitinfo

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// deadline is the time the tests below give Collect; it must return within
// deadline + slack.
const (
	deadline = time.Second
	slack    = 1500 * time.Millisecond
)

// hangScript is a shell script that writes its pid and that of a child it
// starts to pids, then waits for the child, which sleeps a minute: a git,
// or a hook, that does not answer and has started a process of its own.
func hangScript(pids string) string {
	return "echo $$ >> '" + pids + "'; sleep 60 & echo $! >> '" + pids + "'; wait"
}

// TestCollectDeadline: when git does not answer, Collect returns soon after
// ctx's deadline with an error that wraps context.DeadlineExceeded and
// names the command, and neither git nor any process it started is left
// running. The git that hangs is a fake one on PATH (hanging in discovery,
// or only in status while the real git answers the rest) and the real git
// running a core.fsmonitor hook that hangs, as a wedged file watcher does.
func TestCollectDeadline(t *testing.T) {
	testrepo.NeedGit(t)
	realGit, _ := exec.LookPath("git")
	tests := []struct {
		name string
		// setup returns the PATH to run Collect with ("" keeps it)
		setup       func(r *gitRepo, pids string) string
		wantCommand string
	}{
		{"fake git hangs from the start", func(_ *gitRepo, pids string) string {
			return fakeGit(t, hangScript(pids))
		}, "git rev-parse --absolute-git-dir"},
		{"fake git hangs in status", func(_ *gitRepo, pids string) string {
			return fakeGit(t, `case " $* " in *" status "*) `+hangScript(pids)+`;; *) exec '`+realGit+`' "$@";; esac`)
		}, "git status --porcelain=v2"},
		{"real git, core.fsmonitor hook hangs", func(r *gitRepo, pids string) string {
			hook := filepath.Join(t.TempDir(), "fsmonitor-hook")
			testrepo.WriteFile(t, hook, "#!/bin/sh\n"+hangScript(pids)+"\n")
			must(t, os.Chmod(hook, 0o700)) //nolint:gosec // the hook must run
			r.Git("config", "core.fsmonitor", hook)
			return ""
		}, "git status --porcelain=v2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t).basic()
			pids := filepath.Join(t.TempDir(), "pids")
			if path := tt.setup(r, pids); path != "" {
				t.Setenv("PATH", path)
			}
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			f, err := Collect(ctx, r.Dir, Options{})
			took := time.Since(start)
			var se *StoppedError
			switch {
			case !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded):
				t.Fatalf("Collect = %+v, %v; want a *StoppedError wrapping context.DeadlineExceeded", f, err)
			case took > deadline+slack:
				t.Errorf("Collect returned after %s, want at most %s", took, deadline+slack)
			case !strings.Contains(err.Error(), "git did not answer within 1s: "+tt.wantCommand):
				t.Errorf("error %q should say git did not answer within 1s and name %q", err, tt.wantCommand)
			}
			checkGone(t, pids, 2)
		})
	}
}

// TestCollectCanceled: canceling ctx stops git the same way, and the error
// says so.
func TestCollectCanceled(t *testing.T) {
	r := newRepo(t).basic()
	pids := filepath.Join(t.TempDir(), "pids")
	t.Setenv("PATH", fakeGit(t, hangScript(pids)))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := Collect(ctx, r.Dir, Options{})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "git was stopped after") || !strings.Contains(err.Error(), "(context canceled): git rev-parse") {
		t.Fatalf("error %v; want a cancellation naming git rev-parse", err)
	}
	checkGone(t, pids, 2)
}

// TestCollectDeadlineGoGit: go-git cannot be interrupted; Collect stops
// waiting for it at the deadline. Here go-git blocks opening HEAD, a FIFO
// nobody writes to.
func TestCollectDeadlineGoGit(t *testing.T) {
	r := newRepo(t).basic()
	head := filepath.Join(r.Dir, ".git", "HEAD")
	must(t, os.Remove(head))
	must(t, syscall.Mkfifo(head, 0o600))
	t.Cleanup(func() {
		// let the blocked goroutine finish
		if w, err := os.OpenFile(head, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_, _ = w.WriteString("ref: refs/heads/main\n")
			_ = w.Close()
		}
	})
	t.Setenv("PATH", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	_, err := Collect(ctx, r.Dir, Options{})
	if took := time.Since(start); took > deadline+slack {
		t.Errorf("Collect returned after %s", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "did not answer within 1s: go-git reading "+r.Dir) {
		t.Fatalf("error %v; want the deadline, naming go-git", err)
	}
}

// fakeGit writes a git that runs script (sh) into a new directory and
// returns a PATH that finds it first.
func fakeGit(t *testing.T, script string) string {
	t.Helper()
	dir := t.TempDir()
	testrepo.WriteFile(t, filepath.Join(dir, "git"), "#!/bin/sh\n"+script+"\n")
	must(t, os.Chmod(filepath.Join(dir, "git"), 0o700)) //nolint:gosec // the fake git must run
	return dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// checkGone fails the test unless the file pids lists want processes and
// none of them is still running a second later.
func checkGone(t *testing.T, pids string, want int) {
	t.Helper()
	b, err := os.ReadFile(pids) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatalf("the hanging process never ran: %v", err)
	}
	fields := strings.Fields(string(b))
	if len(fields) != want {
		t.Fatalf("%s lists %q, want %d pids", pids, fields, want)
	}
	for _, s := range fields {
		pid, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Second)
		for running(pid) {
			if time.Now().After(deadline) {
				t.Errorf("process %d is still running", pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// running reports whether process pid exists and is not a zombie (one that
// has ended but that its parent, init in a container, has not reaped).
func running(pid int) bool {
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
	} else if _, statErr := os.Stat("/proc/self/stat"); statErr == nil {
		return false // /proc works, and pid is not in it
	}
	return syscall.Kill(pid, 0) == nil
}

// TestCollectDeadlineEscapedChild: a process git started that left its
// process group (setsid, as a daemon does) is not killed, and may hold
// git's output open; Collect still returns, the pipes closed a second
// (WaitDelay) after git was killed.
func TestCollectDeadlineEscapedChild(t *testing.T) {
	setsid, err := exec.LookPath("setsid")
	if err != nil {
		t.Skip("no setsid on this system")
	}
	r := newRepo(t).basic()
	escaped := filepath.Join(t.TempDir(), "escaped")
	t.Setenv("PATH", fakeGit(t, "'"+setsid+"' sleep 60 & echo $! > '"+escaped+"'; sleep 60"))
	t.Cleanup(func() {
		if b, err := os.ReadFile(escaped); err == nil { //nolint:gosec // the test's own file
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	_, err = Collect(ctx, r.Dir, Options{})
	if took := time.Since(start); took > deadline+time.Second+slack {
		t.Errorf("Collect returned after %s, want at most %s", took, deadline+time.Second+slack)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "git rev-parse") {
		t.Fatalf("error %v; want the deadline, naming git rev-parse", err)
	}
}
