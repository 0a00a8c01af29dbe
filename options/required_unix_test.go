//go:build unix

package options

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// TestCheckRequiredHungStatus: git_required refuses, within git_timeout, a
// repository whose `git status` hangs (a core.fsmonitor hook that never
// answers) when dirty_check needs status, since the collection after the
// build would hang there; with dirty_check = "off" no status runs and the
// check passes.
func TestCheckRequiredHungStatus(t *testing.T) {
	r := testrepo.New(t)
	hook := filepath.Join(t.TempDir(), "fsmonitor-hook")
	// the hook sleeps in a child, as a wedged file watcher does
	testrepo.WriteFile(t, hook, "#!/bin/sh\nsleep 60 &\nwait\n")
	if err := os.Chmod(hook, 0o700); err != nil { //nolint:gosec // the hook must run
		t.Fatal(err)
	}
	r.Git("config", "core.fsmonitor", hook)
	for _, tc := range []struct {
		dirty   string
		wantErr string // "" for none
	}{
		{"", "git did not answer within 500ms (git_timeout)"},
		{"all", "git did not answer within 500ms (git_timeout)"},
		{"tracked", "git did not answer within 500ms (git_timeout)"},
		{"off", ""},
	} {
		t.Run("dirty_check="+tc.dirty, func(t *testing.T) {
			s := &Shared{GitPath: r.Dir, GitRequired: true, GitTimeout: 500 * time.Millisecond, DirtyCheck: tc.dirty}
			start := time.Now()
			err := s.CheckRequired(context.Background())
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("CheckRequired took %s with git_timeout = 500ms", took)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("CheckRequired: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "git_required: ")):
				t.Errorf("CheckRequired = %v, want an error saying %q", err, tc.wantErr)
			case tc.wantErr != "" && (strings.Count(err.Error(), "did not answer") != 1 || !strings.Contains(err.Error(), "(git_timeout): git status")):
				t.Errorf("CheckRequired = %v, want it to say once that git did not answer, and name the git status that hung", err)
			}
		})
	}
}
