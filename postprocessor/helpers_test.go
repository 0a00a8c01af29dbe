package postprocessor

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// testRepo is a git repository made in a temporary directory with the git
// CLI, with fixed identities and dates so that tests are repeatable.
type testRepo struct {
	t   *testing.T
	dir string
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed; this test needs the git CLI to build its repository")
	}
	r := &testRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	r.write("template.pkr.hcl", "# template\n")
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "first")
	return r
}

func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	home := filepath.Join(r.dir, ".git", "test-home")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_AUTHOR_DATE=2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *testRepo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// env returns a lookup over exactly the given variables, so that the
// machine's environment (CI=true in CI, GITHUB_* on a runner) never reaches a
// test.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

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
	p := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: env(vars)}
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
