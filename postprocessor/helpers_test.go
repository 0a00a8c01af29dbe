package postprocessor

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// fixedTime is the build time tests use.
var fixedTime = time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC)

// testUi records what the post-processor shows a user.
func testUI() (*packersdk.BasicUi, *bytes.Buffer) {
	var out bytes.Buffer
	return &packersdk.BasicUi{Reader: strings.NewReader(""), Writer: &out, ErrorWriter: &out}, &out
}

// configured returns a post-processor configured with cfg (and Packer's own
// values) whose environment and clock are the test's.
func configured(t *testing.T, cfg map[string]interface{}, vars map[string]string) *PostProcessor {
	t.Helper()
	p := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(vars)}
	if err := p.Configure(cfg, packerVars()); err != nil {
		t.Fatalf("Configure(%v): %v", cfg, err)
	}
	return p
}

// run post-processes source and checks the results every run must have.
func run(t *testing.T, p *PostProcessor, source packersdk.Artifact) (*Artifact, string) {
	t.Helper()
	ui, out := testUI()
	got, keep, force, err := p.PostProcess(context.Background(), ui, source)
	if err != nil {
		t.Fatalf("PostProcess: %v\nUI:\n%s", err, out)
	}
	if !keep || !force {
		t.Errorf("PostProcess returned keep=%v forceOverride=%v; the source artifact must always be kept", keep, force)
	}
	art, ok := got.(*Artifact)
	if !ok {
		t.Fatalf("PostProcess returned %T, want *Artifact", got)
	}
	return art, out.String()
}
