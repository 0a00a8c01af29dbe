package gitinfo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDirtyMode(t *testing.T) {
	tests := []struct {
		in      string
		want    DirtyMode
		wantErr bool
	}{
		{"", DirtyAll, false},
		{"all", DirtyAll, false},
		{"tracked", DirtyTracked, false},
		{"off", DirtyOff, false},
		{"ALL", "", true},
		{"untracked", "", true},
	}
	for _, tt := range tests {
		got, err := ParseDirtyMode(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDirtyMode(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), `"tracked"`) {
			t.Errorf("error %q does not name the valid values", err)
		}
	}
}

func TestCollectErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	repo := newRepo(t).basic()
	tests := []struct {
		name string
		ctx  context.Context
		path string
		opts Options
		is   error
	}{
		{"not a repository", context.Background(), t.TempDir(), Options{}, ErrNotRepository},
		{"canceled", canceled, repo.Dir, Options{}, context.Canceled},
		{"bad mode", context.Background(), repo.Dir, Options{Dirty: "sometimes"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Collect(tt.ctx, tt.path, tt.opts)
			if err == nil || f != nil {
				t.Fatalf("Collect = %+v, %v; want error", f, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("error %v is not %v", err, tt.is)
			}
		})
	}
}

// When HEAD cannot be read, the work tree is not compared with an empty tree
// (which would call every clean repository dirty): the answer is git's own,
// and unknown, with the reason, where git cannot answer either.
func TestDirtyWhenHeadUnreadable(t *testing.T) {
	tests := []struct {
		name      string
		breakRepo func(r *gitRepo)
	}{
		{"HEAD commit object missing", func(r *gitRepo) {
			dirs, _ := filepath.Glob(filepath.Join(r.Dir, ".git", "objects", "??"))
			for _, d := range dirs {
				must(t, os.RemoveAll(d))
			}
		}},
		{"garbage after HEAD's ref", func(r *gitRepo) {
			must(t, os.WriteFile(filepath.Join(r.Dir, ".git", "HEAD"), []byte("ref: refs/heads/main\x00\xff junk\n"), 0o600))
		}},
		{"HEAD symref loop", func(r *gitRepo) {
			must(t, os.WriteFile(filepath.Join(r.Dir, ".git", "refs", "heads", "main"), []byte("ref: refs/heads/main\n"), 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t).basic()
			tt.breakRepo(r)
			f, err := Collect(context.Background(), r.Dir, Options{})
			if err != nil {
				return // refusing the repository outright is also not a wrong answer
			}
			out, gitErr := r.TryGitIn(r.Dir, "status", "--porcelain")
			if gitErr != nil {
				if f.Dirty != nil || f.Unknown[FactDirty] == "" {
					t.Errorf("git cannot answer (%v) but dirty = %v (reason %q), want unknown with a reason", gitErr, fmtBool(f.Dirty), f.Unknown[FactDirty])
				}
				return
			}
			want := strings.TrimSpace(out) != ""
			if f.Dirty == nil || *f.Dirty != want {
				t.Errorf("dirty = %s, git status says %v", fmtBool(f.Dirty), want)
			}
		})
	}
}

// TestCollectStopsWithContext: cancelling the context stops the git
// commands under way (here a status waiting on a slow clean filter).
func TestCollectStopsWithContext(t *testing.T) {
	r := newRepo(t).basic()
	r.Git("config", "filter.slow.clean", "sleep 10; cat")
	r.Write(".gitattributes", "*.dat filter=slow\n")
	r.Write("big.dat", "x\n")
	r.Git("-c", "filter.slow.clean=cat", "add", ".")
	r.Git("-c", "filter.slow.clean=cat", "commit", "-q", "-m", "slow filter")
	future := time.Now().Add(time.Hour)
	must(t, os.Chtimes(filepath.Join(r.Dir, "big.dat"), future, future))
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	f, err := Collect(ctx, r.Dir, Options{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Collect = %+v, %v; want the context's error", f, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Collect returned %s after the context ended", d)
	}
}
