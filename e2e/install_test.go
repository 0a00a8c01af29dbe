package e2e

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/plugin"

	pluginversion "github.com/packer-enrich/packer-plugin-enrich/version"
)

// hostRelease is the release of this machine's platform that `make release`
// (or `make release-host`) wrote into ENRICH_TEST_DIST, else dist/ of the
// module.
type hostRelease struct {
	dir     string
	version string // version/version.go's Version, as the release must be
	tag     string // "v" + version
	sums    string // the SHA256SUMS file's name
	zip     string // this platform's zip's name
	member  string // the binary the zip must hold
}

// apiVersion is the plugin API version of the SDK the plugin is built with,
// as the release's file names carry it ("x5.0").
var apiVersion = "x" + plugin.APIVersionMajor + "." + plugin.APIVersionMinor

func findHostRelease(t *testing.T) hostRelease {
	t.Helper()
	requireAcc(t)
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		// Go reads SSL_CERT_FILE only on the other systems.
		t.Skipf("the loopback GitHub needs Packer to trust a test CA through SSL_CERT_FILE, which Go ignores on %s", runtime.GOOS)
	}
	dir := os.Getenv("ENRICH_TEST_DIST")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "dist")
	}
	r := hostRelease{dir: dir, version: pluginversion.Version, tag: "v" + pluginversion.Version}
	base := fmt.Sprintf("packer-plugin-enrich_%s_%s_%s_%s", r.tag, apiVersion, runtime.GOOS, runtime.GOARCH)
	r.sums = fmt.Sprintf("packer-plugin-enrich_%s_SHA256SUMS", r.tag)
	r.zip = base + ".zip"
	r.member = base
	for _, name := range []string{r.sums, r.zip} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatalf("no release of version %s for this platform in %s (%v): `make testacc` builds it, or `make release`", r.version, dir, err)
		}
	}
	return r
}

// sumsLine is one line of a SHA256SUMS file as Packer's installer reads it:
// exactly two fields.
var sumsLine = regexp.MustCompile(`^([0-9a-f]{64})  ([^\s*]+)$`)

// TestAccReleaseFiles checks the release files as Packer's installer reads
// them: every line of SHA256SUMS is "<sum>  <zip>" and ends with a newline
// (the installer drops a last line without one), every zip is listed with
// its sum and named packer-plugin-enrich_v{version}_{api}_{os}_{arch}.zip,
// and holds one file, the binary named like the zip without ".zip" (".exe"
// added on Windows), which describes itself as exactly the release's version.
func TestAccReleaseFiles(t *testing.T) {
	r := findHostRelease(t)
	data, err := os.ReadFile(filepath.Join(r.dir, r.sums))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(data, []byte("\n")) {
		t.Errorf("%s does not end with a newline: Packer drops its last line", r.sums)
	}
	zipName := regexp.MustCompile(`^packer-plugin-enrich_` + regexp.QuoteMeta(r.tag+"_"+apiVersion) + `_([a-z0-9]+)_([a-z0-9]+)\.zip$`)
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		m := sumsLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s: line %q is not \"<sha256>  <file>\"", r.sums, line)
			continue
		}
		sum, name := m[1], m[2]
		listed[name] = true
		parts := zipName.FindStringSubmatch(name)
		if parts == nil {
			t.Errorf("%s lists %q, not a zip named packer-plugin-enrich_%s_%s_{os}_{arch}.zip", r.sums, name, r.tag, apiVersion)
			continue
		}
		content, err := os.ReadFile(filepath.Join(r.dir, name)) //nolint:gosec // a file the test's release lists
		if err != nil {
			t.Errorf("%s lists %s: %v", r.sums, name, err)
			continue
		}
		if got := sha256Hex(content); got != sum {
			t.Errorf("%s: sha256 %s, the SUMS file says %s", name, got, sum)
		}
		member := strings.TrimSuffix(name, ".zip")
		if parts[1] == "windows" {
			member += ".exe"
		}
		if names := zipMembers(t, content); !slices.Equal(names, []string{member}) {
			t.Errorf("%s holds %q, want only %q", name, names, member)
		}
	}
	zips, err := filepath.Glob(filepath.Join(r.dir, "*.zip"))
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range zips {
		if !listed[filepath.Base(z)] {
			t.Errorf("%s is not in %s", filepath.Base(z), r.sums)
		}
	}
	if !listed[r.zip] {
		t.Fatalf("%s does not list this platform's %s", r.sums, r.zip)
	}
	t.Logf("%s lists %d zips", r.sums, len(listed))

	// The binary describes itself as the release: Packer refuses a binary
	// whose version is not the tag's, or is a pre-release.
	content, err := os.ReadFile(filepath.Join(r.dir, r.zip))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), r.member)
	if err := os.WriteFile(bin, zipMember(t, content, r.member), 0o700); err != nil { //nolint:gosec // the binary must be executable
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "describe").Output() //nolint:gosec // the release's binary
	if err != nil {
		t.Fatalf("%s describe: %v", r.member, err)
	}
	var desc struct {
		Version        string   `json:"version"`
		APIVersion     string   `json:"api_version"`
		PostProcessors []string `json:"post_processors"`
	}
	if err := json.Unmarshal(out, &desc); err != nil {
		t.Fatalf("%s describe said %q: %v", r.member, out, err)
	}
	if desc.Version != r.version || desc.APIVersion != apiVersion {
		t.Errorf("the released binary describes itself as version %q, API %q; want %q, %q", desc.Version, desc.APIVersion, r.version, apiVersion)
	}
}

// TestAccReleaseInstall installs the release the way a user does, with the
// real Packer's installer against a loopback GitHub serving the release
// files: `packer init` of a template whose required_plugins asks for
// ">= {version}", and `packer plugins install`, each into a fresh plugin
// directory. Then `packer plugins installed` lists the plugin and a build
// runs with it (its data source and its post-processor).
func TestAccReleaseInstall(t *testing.T) {
	r := findHostRelease(t)
	gh := newGitHubStandIn(t, r.dir, r.tag)
	wantBinary := zipMember(t, readFile(t, filepath.Join(r.dir, r.zip)), r.member)

	t.Run("packer init", func(t *testing.T) {
		plugins := t.TempDir()
		env := installEnv(gh, plugins)
		repo := standardRepo(t, "", map[string]string{"build.pkr.hcl": installTemplate(">= " + r.version)})

		mustSucceed(t, packer(t, repo.Dir, nil, env, "init", "."))
		installed := checkInstalled(t, r, plugins, wantBinary)
		checkServed(t, gh, r)

		listed := packer(t, repo.Dir, nil, env, "plugins", "installed")
		mustSucceed(t, listed)
		if !strings.Contains(listed.Stdout, installed) {
			t.Errorf("packer plugins installed does not list %s:\n%s", installed, listed)
		}

		build := packer(t, repo.Dir, nil, env, "build", "-color=false", ".")
		mustSucceed(t, build)
		if !strings.Contains(build.Log, installed) {
			t.Errorf("the build did not start the installed %s: see its log:\n%s", installed, build.Log)
		}
		// Packer prints "(enrich)" before the post-processor's lines, once.
		if !regexp.MustCompile(`\(enrich\): \d+ labels added to 1 image\(s\)`).MatchString(build.Stdout) || strings.Contains(build.Stdout, "(enrich): enrich:") {
			t.Errorf("the build does not say once who added how many labels:\n%s", build)
		}
		out := readOutput(t, filepath.Join(repo.Dir, "out", "enriched.json"))
		labels := out["null.release"].Labels
		if got, want := labels["git_commit"], repo.Git("rev-parse", "HEAD"); got != want {
			t.Errorf("the post-processor's git_commit label is %q, want HEAD %q; output: %+v", got, want, out)
		}
		if got, want := labels["from_data_source"], repo.Git("rev-parse", "--short", "HEAD"); got != want {
			t.Errorf("the data source's commit_short is %q, want %q; output: %+v", got, want, out)
		}
	})

	t.Run("packer plugins install", func(t *testing.T) {
		plugins := t.TempDir()
		env := installEnv(gh, plugins)
		dir := t.TempDir()
		mustSucceed(t, packer(t, dir, nil, env, "plugins", "install", enrichSource))
		installed := checkInstalled(t, r, plugins, wantBinary)
		listed := packer(t, dir, nil, env, "plugins", "installed")
		mustSucceed(t, listed)
		if !strings.Contains(listed.Stdout, installed) {
			t.Errorf("packer plugins installed does not list %s:\n%s", installed, listed)
		}
	})

	if _, refused := gh.served(); len(refused) > 0 {
		t.Errorf("Packer asked the proxy for hosts other than GitHub's and releases.hashicorp.com: %q", refused)
	}
}

// TestAccReleaseChecksumMismatchRefused serves a release whose zip is not
// the one its SHA256SUMS line describes (a valid zip, holding the release's
// binary with a byte appended, which would still run): Packer's installer
// must refuse it and install nothing.
func TestAccReleaseChecksumMismatchRefused(t *testing.T) {
	r := findHostRelease(t)
	tampered := t.TempDir()
	if err := os.WriteFile(filepath.Join(tampered, r.sums), readFile(t, filepath.Join(r.dir, r.sums)), 0o600); err != nil {
		t.Fatal(err)
	}
	binary := zipMember(t, readFile(t, filepath.Join(r.dir, r.zip)), r.member)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(r.member)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(append(binary, '\n')); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tampered, r.zip), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	gh := newGitHubStandIn(t, tampered, r.tag)

	for _, args := range [][]string{{"init", "."}, {"plugins", "install", enrichSource}} {
		t.Run("packer "+strings.Join(args, " "), func(t *testing.T) {
			plugins := t.TempDir()
			repo := standardRepo(t, "", map[string]string{"build.pkr.hcl": installTemplate(">= " + r.version)})
			res := packer(t, repo.Dir, nil, installEnv(gh, plugins), args...)
			mustFail(t, res, "did not match", `could not install any compatible version of plugin "github.com/packer-enrich/enrich"`)
			var files []string
			_ = filepath.WalkDir(plugins, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					files = append(files, p)
				}
				return nil
			})
			if len(files) > 0 {
				t.Errorf("Packer installed files of a release whose checksum does not match: %q", files)
			}
		})
	}
	requests, _ := gh.served()
	if !slices.Contains(requests, hostGitHub+"/"+releaseRepo+"/releases/download/"+r.tag+"/"+r.zip) {
		t.Errorf("Packer never downloaded the zip, so its checksum was never checked: %q", requests)
	}
}

// installEnv points Packer at the loopback GitHub and a plugin directory.
func installEnv(gh *githubStandIn, plugins string) map[string]string {
	env := gh.env()
	env["PACKER_PLUGIN_PATH"] = plugins
	return env
}

// installTemplate is a template that requires the plugin at constraint and
// uses both its components: the data source's commit_short becomes a label
// of the post-processor, which writes its output file to out/enriched.json.
func installTemplate(constraint string) string {
	return fmt.Sprintf(`packer {
  required_plugins {
    enrich = {
      version = %q
      source  = %q
    }
  }
}

data "enrich" "git" {}

source "null" "release" {
  communicator = "none"
}

build {
  sources = ["source.null.release"]

  post-processor "enrich" {
    labels = { from_data_source = data.enrich.git.commit_short }
    output = "out/enriched.json"
  }
}
`, constraint, enrichSource)
}

// checkInstalled checks that the plugin directory holds exactly the
// release's binary, where Packer installs it, with its checksum file, and
// returns its path.
func checkInstalled(t *testing.T, r hostRelease, plugins string, want []byte) string {
	t.Helper()
	bin := filepath.Join(plugins, "github.com", "packer-enrich", "enrich", r.member)
	got, err := os.ReadFile(bin) //nolint:gosec // the test's plugin directory
	if err != nil {
		t.Fatalf("the plugin is not installed where Packer puts it: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the installed %s is not the release's binary", bin)
	}
	sum, err := os.ReadFile(bin + "_SHA256SUM") //nolint:gosec // the test's plugin directory
	if err != nil || string(sum) != sha256Hex(want) {
		t.Errorf("the installed binary's checksum file: %q, %v; want %s", sum, err, sha256Hex(want))
	}
	return bin
}

// checkServed checks that Packer got the plugin through GitHub's endpoints.
func checkServed(t *testing.T, gh *githubStandIn, r hostRelease) {
	t.Helper()
	requests, _ := gh.served()
	t.Logf("the loopback GitHub served: %q", requests)
	for _, want := range []string{
		hostAPI + "/repos/" + releaseRepo + "/git/matching-refs/tags",
		hostGitHub + "/" + releaseRepo + "/releases/download/" + r.tag + "/" + r.sums,
		hostGitHub + "/" + releaseRepo + "/releases/download/" + r.tag + "/" + r.zip,
	} {
		if !slices.Contains(requests, want) {
			t.Errorf("Packer did not request %s; it requested %q", want, requests)
		}
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name) //nolint:gosec // the test's own files
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sha256Hex(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// zipMembers lists the names of the files of a zip.
func zipMembers(t *testing.T, content []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	names := make([]string, 0, len(zr.File))
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

// zipMember returns the content of the file name of a zip.
func zipMember(t *testing.T, content []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("the zip holds no %s: %v", name, err)
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
