//go:build !windows

package postprocessor

import (
	"os"
	"path/filepath"
	"testing"
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
