package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// packerTimeout bounds one Packer run.
const packerTimeout = 3 * time.Minute

// result is what one Packer run left behind.
type result struct {
	Code   int
	Stdout string
	Stderr string
	// Log is the PACKER_LOG file.
	Log   string
	Start time.Time
	End   time.Time
}

// all is everything Packer printed or logged.
func (r result) all() string { return r.Stdout + "\n" + r.Stderr + "\n" + r.Log }

func (r result) String() string {
	return fmt.Sprintf("exit code %d\n--- stdout:\n%s\n--- stderr:\n%s", r.Code, r.Stdout, r.Stderr)
}

// packer runs Packer with args in dir. Every run gets a fresh HOME (so no
// HCP token cache or Packer configuration is shared), its own TMPDIR and
// PACKER_LOG file, CHECKPOINT_DISABLE=1 and the suite's PACKER_PLUGIN_PATH;
// with hcp, the variables that point Packer at that loopback HCP API; and
// env. Nothing else of the test's environment reaches Packer.
func packer(t *testing.T, dir string, hcp *hcpServer, env map[string]string, args ...string) result {
	t.Helper()
	r, err := runPacker(t, dir, hcp, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runPacker is packer for goroutines other than the test's: it returns its
// errors instead of failing t.
func runPacker(t *testing.T, dir string, hcp *hcpServer, env map[string]string, args ...string) (result, error) {
	base := t.TempDir()
	home := filepath.Join(base, "home")
	tmp := filepath.Join(base, "tmp")
	for _, d := range []string{home, tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return result{}, err
		}
	}
	logPath := filepath.Join(base, "packer.log")
	vars := baseEnv(home, tmp)
	vars = append(vars, "PACKER_LOG=1", "PACKER_LOG_PATH="+logPath)
	if hcp != nil {
		for k, v := range hcp.env() {
			vars = append(vars, k+"="+v)
		}
	}
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		vars = append(vars, k+"="+env[k])
	}

	ctx, cancel := context.WithTimeout(context.Background(), packerTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, suite.packer, args...) //nolint:gosec // the suite's Packer binary with the test's arguments
	cmd.Dir = dir
	cmd.Env = vars
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := result{Start: time.Now()}
	err := cmd.Run()
	r.End = time.Now()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.Code = exit.ExitCode()
	default:
		return r, fmt.Errorf("running packer %s: %w", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		return r, fmt.Errorf("packer %s did not finish within %s", strings.Join(args, " "), packerTimeout)
	}
	r.Stdout, r.Stderr = stdout.String(), stderr.String()
	if b, err := os.ReadFile(logPath); err == nil { //nolint:gosec // the test's own log file
		r.Log = string(b)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "hcp")); hcp == nil && err == nil {
		return r, errors.New("packer wrote HCP credentials in HOME without an HCP server")
	}
	return r, nil
}

// mustSucceed fails t unless r exited 0.
func mustSucceed(t *testing.T, r result) {
	t.Helper()
	if r.Code != 0 {
		t.Fatalf("packer failed: %s", r)
	}
}

// mustFail fails t unless r exited non-zero and said every one of msgs.
func mustFail(t *testing.T, r result, msgs ...string) {
	t.Helper()
	if r.Code == 0 {
		t.Fatalf("packer succeeded, want a failure: %s", r)
	}
	// Packer wraps its messages at 80 columns.
	out := strings.Join(strings.Fields(r.Stdout+"\n"+r.Stderr), " ")
	for _, m := range msgs {
		if !strings.Contains(out, strings.Join(strings.Fields(m), " ")) {
			t.Errorf("packer's output does not say %q:\n%s", m, r)
		}
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// checkRunLabels checks the labels whose values depend on the run
// (build_time and packer_run_uuid) and copies them into want, so that the
// maps can then be compared whole.
func checkRunLabels(t *testing.T, want, got map[string]string, u buildUpdate, r result) {
	t.Helper()
	bt, err := time.Parse(time.RFC3339, got["build_time"])
	switch {
	case err != nil:
		t.Errorf("build_time %q: %v", got["build_time"], err)
	case bt.Before(r.Start.Add(-time.Second).Truncate(time.Second)) || bt.After(r.End.Add(time.Second)):
		t.Errorf("build_time %s is not within the run (%s to %s)", bt, r.Start, r.End)
	case bt.Location() != time.UTC:
		t.Errorf("build_time %q is not in UTC", got["build_time"])
	}
	want["build_time"] = got["build_time"]
	if id := got["packer_run_uuid"]; !uuidRE.MatchString(id) || id != u.PackerRunUUID {
		t.Errorf("packer_run_uuid %q: want the run's UUID %q", id, u.PackerRunUUID)
	}
	want["packer_run_uuid"] = got["packer_run_uuid"]
}

// equalMaps fails t with the differences when got is not want.
func equalMaps(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var diffs []string
	for _, k := range keys(want) {
		if g, ok := got[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("  missing %s = %q", k, want[k]))
		} else if g != want[k] {
			diffs = append(diffs, fmt.Sprintf("  %s = %q, want %q", k, g, want[k]))
		}
	}
	for _, k := range keys(got) {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("  unexpected %s = %q", k, got[k]))
		}
	}
	if len(diffs) > 0 {
		t.Errorf("%s differ:\n%s", what, strings.Join(diffs, "\n"))
	}
}

// equalArtifacts fails t unless the build update's artifacts are the set
// want ("id@region"), each once.
func equalArtifacts(t *testing.T, u buildUpdate, want ...string) {
	t.Helper()
	got := artifactSet(u)
	if len(got) != len(u.Artifacts) {
		t.Errorf("build %s lists an artifact twice: %+v", u.ComponentType, u.Artifacts)
	}
	w := map[string]bool{}
	for _, a := range want {
		w[a] = true
	}
	if fmt.Sprint(keys(got)) != fmt.Sprint(keys(w)) {
		t.Errorf("build %s artifacts = %v, want %v", u.ComponentType, keys(got), keys(w))
	}
}

// readOutput reads and decodes an enrich output file.
func readOutput(t *testing.T, path string) map[string]outputBuild {
	t.Helper()
	data, err := os.ReadFile(path) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatalf("reading the output file: %v", err)
	}
	var doc struct {
		Builds map[string]outputBuild `json:"builds"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("the output file is not valid: %v\n%s", err, data)
	}
	return doc.Builds
}

// outputBuild is an entry of the output file.
type outputBuild struct {
	Name          string            `json:"name"`
	BuilderType   string            `json:"builder_type"`
	BuilderID     string            `json:"builder_id"`
	PackerRunUUID string            `json:"packer_run_uuid"`
	ArtifactID    string            `json:"artifact_id"`
	BuildTime     string            `json:"build_time"`
	Labels        map[string]string `json:"labels"`
	Images        []struct {
		ImageID        string            `json:"image_id"`
		ProviderName   string            `json:"provider_name"`
		ProviderRegion string            `json:"provider_region"`
		SourceImageID  string            `json:"source_image_id"`
		Labels         map[string]string `json:"labels"`
	} `json:"images"`
}

// hcl returns an HCL2 template with the source blocks of sources and one
// build block, named name, that builds them all with body (its
// post-processors); registry goes into the hcp_packer_registry block (such
// as build_labels), whose bucket is "acc".
func hcl(sources, name, registry, body string) string {
	return fmt.Sprintf(requireEnrich+`
hcp_packer_registry {
  bucket_name = "acc"
%s
}

%s

build {
  name    = %q
  sources = [%s]

%s
}
`, registry, sources, name, sourceRefs(sources), body)
}

var sourceRE = regexp.MustCompile(`(?m)^source "([^"]+)" "([^"]+)"`)

// sourceRefs lists the source blocks of sources as build references.
func sourceRefs(sources string) string {
	var refs []string
	for _, m := range sourceRE.FindAllStringSubmatch(sources, -1) {
		refs = append(refs, fmt.Sprintf("%q", "source."+m[1]+"."+m[2]))
	}
	return strings.Join(refs, ", ")
}

const nullSource = `source "null" "example" {
  communicator = "none"
}`
