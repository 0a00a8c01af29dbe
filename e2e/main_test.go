// Package e2e is the end-to-end (acceptance) suite of the enrich
// post-processor and data source: a real Packer (v1.16.0, bin/packer) runs
// templates written for them against a loopback HCP Packer API, inside
// temporary git repositories, and the tests assert on what the API received
// and what the builds wrote.
//
// It runs only with PACKER_ACC=1 (make testacc sets it). The Packer binary
// is ENRICH_TEST_PACKER, else bin/packer of the module; the plugin binary is
// ENRICH_TEST_PLUGIN, else it is built from the module. The suite also builds
// a small builder plugin, testdata/noimage, for builders that publish no image
// and generated data that holds secrets, and installs the googlecompute
// plugin (ENRICH_TEST_GOOGLECOMPUTE, else built from tools/plugins) for a
// chain through a reference plugin's post-processor.
package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

const (
	enrichSource  = "github.com/packer-enrich/enrich"
	noimageSource = "github.com/packer-enrich/noimage"
	gceSourceAddr = "github.com/hashicorp/googlecompute"
	// deadProxy is a proxy address where nothing listens (port 9, discard).
	deadProxy = "http://127.0.0.1:9"
)

// requireEnrich is the packer block the suite's HCL2 templates start with:
// any version of the plugin the suite installed.
const requireEnrich = `packer {
  required_plugins {
    enrich = {
      version = ">= 0.0.1"
      source  = "` + enrichSource + `"
    }
  }
}
`

// suite holds what TestMain prepared for every test.
var suite struct {
	packer     string // the Packer binary
	plugin     string // the enrich plugin binary
	pluginPath string // PACKER_PLUGIN_PATH with enrich and noimage installed
	gitPath    string // the directory of the git binary, put on Packer's PATH
	version    string // Packer's version, as the packer_version label holds it
	// googlecompute is the googlecompute plugin binary (a reference
	// plugin, pinned in tools/plugins), installed for chain tests.
	googlecompute string
	setupErr      error
}

// TestMain prepares the suite with the machine's environment (go build
// needs its GOCACHE and GOPATH), then runs the tests without the machine's
// git and CI variables and with a private HOME (testrepo.Suite): every
// Packer and git process a test starts gets an environment built from
// scratch besides.
func TestMain(m *testing.M) {
	testrepo.Suite(m, func() func() {
		if os.Getenv("PACKER_ACC") != "1" {
			// The tests skip themselves with a message saying so.
			return nil
		}
		tmp, err := os.MkdirTemp("", "enrich-acc-")
		if err != nil {
			suite.setupErr = err
			return nil
		}
		suite.setupErr = setup(tmp)
		return func() { _ = os.RemoveAll(tmp) }
	})
}

// requireAcc skips t unless PACKER_ACC=1 and fails it when the suite could
// not be set up.
func requireAcc(t testing.TB) {
	t.Helper()
	if os.Getenv("PACKER_ACC") != "1" {
		t.Skip("acceptance test: set PACKER_ACC=1 to run it (make testacc does), with a Packer binary in ENRICH_TEST_PACKER or bin/packer")
	}
	if suite.setupErr != nil {
		t.Fatalf("setting up the acceptance suite: %v", suite.setupErr)
	}
}

// moduleRoot is the root of the module, the parent of this package.
func moduleRoot() (string, error) {
	return filepath.Abs("..")
}

func setup(tmp string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	suite.packer = os.Getenv("ENRICH_TEST_PACKER")
	if suite.packer == "" {
		suite.packer = filepath.Join(root, "bin", "packer")
	}
	if _, err := os.Stat(suite.packer); err != nil {
		return fmt.Errorf("no Packer binary (%w): run `make testacc`, which builds bin/packer, or set ENRICH_TEST_PACKER", err)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		return fmt.Errorf("the suite needs git on PATH: %w", err)
	}
	suite.gitPath = filepath.Dir(git)

	plugin := os.Getenv("ENRICH_TEST_PLUGIN")
	if plugin == "" {
		plugin = filepath.Join(tmp, "bin", "packer-plugin-enrich")
		if err := goBuild(root, plugin, "."); err != nil {
			return err
		}
	}
	noimage := filepath.Join(tmp, "bin", "packer-plugin-noimage")
	if err := goBuild(root, noimage, "./e2e/testdata/noimage"); err != nil {
		return err
	}
	gce := os.Getenv("ENRICH_TEST_GOOGLECOMPUTE")
	if gce == "" {
		gce = filepath.Join(tmp, "bin", "packer-plugin-googlecompute")
		if err := goBuild(filepath.Join(root, "tools", "plugins"), gce, "github.com/hashicorp/packer-plugin-googlecompute"); err != nil {
			return err
		}
	}

	suite.pluginPath = filepath.Join(tmp, "plugins")
	home := filepath.Join(tmp, "home")
	cmd := exec.Command(suite.packer, "version") //nolint:gosec // the test's own Packer binary
	cmd.Env = baseEnv(home, tmp)
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("packer version: %w", err)
	}
	m := regexp.MustCompile(`Packer v(\S+)`).FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("packer version said %q", out)
	}
	suite.version = string(m[1])
	for _, p := range []struct{ bin, source string }{{plugin, enrichSource}, {noimage, noimageSource}, {gce, gceSourceAddr}} {
		cmd := exec.Command(suite.packer, "plugins", "install", "--path", p.bin, p.source) //nolint:gosec // the test's own Packer and plugin binaries
		cmd.Env = baseEnv(home, tmp)
		cmd.Dir = tmp
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("packer plugins install --path %s %s: %w\n%s", p.bin, p.source, err, out)
		}
	}
	suite.googlecompute = gce
	suite.plugin = plugin
	return nil
}

// goBuild builds pkg of the module at root into out, with the environment
// of the test (GOCACHE, GOFLAGS, ...).
func goBuild(root, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build -o %s %s: %w\n%s", out, pkg, err, stderr.String())
	}
	return nil
}

// baseEnv is the environment every Packer process starts from: built from
// scratch, never inherited, so that neither the CI's variables (CI,
// GITHUB_*, HCP_*) nor the user's Packer settings reach the build.
func baseEnv(home, tmp string) []string {
	path := "/usr/bin:/bin"
	if suite.gitPath != "" {
		path = suite.gitPath + ":" + path
	}
	return []string{
		"PATH=" + path,
		"HOME=" + home,
		"TMPDIR=" + tmp,
		"CHECKPOINT_DISABLE=1",
		// A safety net: any HTTP request to a host that is not loopback
		// (Go never proxies those) goes to a closed port and fails, so no
		// run can reach a real HashiCorp host.
		"HTTP_PROXY=" + deadProxy,
		"HTTPS_PROXY=" + deadProxy,
		"PACKER_PLUGIN_PATH=" + suite.pluginPath,
		"PACKER_NO_COLOR=1",
		// git, when the plugin falls back to it, reads no user or system
		// configuration.
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
	}
}
