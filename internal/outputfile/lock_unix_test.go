//go:build !windows

package outputfile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lockHolder only describes the holder of the lock: a file it cannot stat
// (a stale NFS handle) never stops the build, it is held by "another
// process".
func TestLockHolder(t *testing.T) {
	tests := []struct {
		name string
		file func(t *testing.T) *os.File
		want string
	}{
		{
			name: "an unlocked file is held by another process",
			file: func(t *testing.T) *os.File {
				f, err := os.Create(filepath.Join(t.TempDir(), "enriched.json"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = f.Close() })
				return f
			},
			want: "another process",
		},
		{
			name: "a file that cannot be stat'ed is held by another process",
			file: func(t *testing.T) *os.File {
				f, err := os.Create(filepath.Join(t.TempDir(), "enriched.json"))
				if err != nil {
					t.Fatal(err)
				}
				_ = f.Close() // Stat now fails, as on a stale NFS handle
				return f
			},
			want: "another process",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lockHolder(tt.file(t)); got != tt.want {
				t.Errorf("lockHolder = %q, want %q", got, tt.want)
			}
		})
	}
}

// Rule 3: while another process holds the output's lock, the writer says
// so and waits; cancelling the context ends the wait at once.
func TestWriteOutputLockHeld(t *testing.T) {
	out := filepath.Join(t.TempDir(), "enriched.json")
	writeFile(t, out, `{"builds": {}}`)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	said := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		_, err := writeEntry(ctx, out, entry("web", "1"), func(s string) { said <- s })
		done <- err
	}()
	select {
	case msg := <-said:
		if !strings.Contains(msg, "is locked by") || !strings.Contains(msg, "Ctrl-C") {
			t.Errorf("message %q", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message while waiting for the lock")
	}
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "context canceled") {
			t.Errorf("err = %v, want the wait cancelled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the wait did not end with the context")
	}
	mustContent(t, out, `{"builds": {}}`)
}
