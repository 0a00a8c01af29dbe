package gitopts

import (
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

func TestCheckRequired(t *testing.T) {
	notRepo := t.TempDir()
	if err := CheckRequired(notRepo, false); err != nil {
		t.Errorf("not required: %v", err)
	}
	if err := CheckRequired("<unknown>/x", true); err != nil {
		t.Errorf("unknown path: %v", err)
	}
	err := CheckRequired(notRepo, true)
	if err == nil || !strings.Contains(err.Error(), "git_required") || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("outside a repository: %v", err)
	}
	r := testrepo.New(t)
	if err := CheckRequired(r.Dir, true); err != nil {
		t.Errorf("inside a repository: %v", err)
	}
}
