package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// enrichLabels is what the enrich post-processor should add for a build of
// the repository r: git's own answers and the build's facts. remote is the
// expected git_remote ("" for none). build_time and packer_run_uuid are
// filled in by checkRunLabels.
func enrichLabels(r *testrepo.Repo, remote, buildName, builderType string) map[string]string {
	l := gitLabels(r, remote)
	l["build_name"] = buildName
	l["builder_type"] = builderType
	l["packer_version"] = suite.version
	return l
}

// withGitSHA adds Packer core's own git_sha label (HEAD) to a copy of l.
func withGitSHA(l map[string]string, r *testrepo.Repo) map[string]string {
	out := copyMap(l)
	out["git_sha"] = r.Git("rev-parse", "HEAD")
	return out
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Scenario 1: an HCL2 template; the labels arrive in BUILD_DONE and are what
// git says, and the output file holds the same labels.
func TestAccHCL2Labels(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const remote = "https://github.com/acme/images.git"
	hcp := newHCPServer(t)
	r := standardRepo(t, remote, map[string]string{
		"build.pkr.hcl": hcl(nullSource, "acc", "", `  post-processor "enrich" {
    labels = {
      team     = "platform"
      artifact = build.ID
    }
    output = "out/enriched.json"
  }`),
	})
	res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
	mustSucceed(t, res)

	u := hcp.DoneOne()
	if u.ComponentType != "null.example" {
		t.Errorf("HCP build name = %q, want null.example", u.ComponentType)
	}
	want := enrichLabels(r, remote, "example", "null")
	want["team"], want["artifact"] = "platform", "Null"
	checkRunLabels(t, want, u.Labels, u, res)
	equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
	equalArtifacts(t, u, "Null@null")
	if u.Platform != "null" || u.SourceExternalIdentifier != "null" {
		t.Errorf("platform %q, source %q: want null, null", u.Platform, u.SourceExternalIdentifier)
	}
	if want["git_tag"] != "v1.10.0" || want["git_branch"] != "main" || want["git_dirty"] != "false" {
		t.Errorf("the repository is not what the test meant: %v", want)
	}
	checkVersionType(t, hcp, "HCL2")

	out := readOutput(t, filepath.Join(r.Dir, "out", "enriched.json"))
	e, ok := out["null.example"]
	if !ok || len(out) != 1 {
		t.Fatalf("output file entries = %v, want [null.example]", keys(out))
	}
	equalMaps(t, "output file labels", e.Labels, want)
	if len(e.Images) != 1 || e.Images[0].ImageID != "Null" || e.Images[0].ProviderName != "null" {
		t.Fatalf("output file images = %+v, want the null image", e.Images)
	}
	equalMaps(t, "output file image labels", e.Images[0].Labels, want)
	if e.PackerRunUUID != u.PackerRunUUID || e.ArtifactID != "Null" || e.BuilderType != "null" {
		t.Errorf("output entry %+v does not match the build (run %s)", e, u.PackerRunUUID)
	}
}

// checkVersionType checks the template type Packer created the version
// with.
func checkVersionType(t *testing.T, hcp *hcpServer, want string) {
	t.Helper()
	for _, r := range hcp.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/versions") {
			var b struct {
				TemplateType string `json:"template_type"`
			}
			if err := json.Unmarshal(r.Body, &b); err != nil || b.TemplateType != want {
				t.Errorf("version created with %s, want template_type %s", r.Body, want)
			}
			return
		}
	}
	t.Errorf("no version was created")
}

// Scenario 2: a JSON template, in a detached HEAD with a dirty tree (an
// untracked file), with one build per dirty_check mode.
func TestAccJSONLabels(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	hcp := newHCPServer(t)
	r := testrepo.Init(t)
	r.Write("README.md", "images\n")
	r.CommitAll("first")
	r.Git("tag", "-a", "v1.0.0", "-m", "release v1.0.0")
	r.Write("build.json", `{
  "builders": [
    {"type": "null", "name": "all", "communicator": "none"},
    {"type": "null", "name": "tracked", "communicator": "none"},
    {"type": "null", "name": "off", "communicator": "none"}
  ],
  "post-processors": [
    {"type": "enrich", "only": ["all"], "labels": {"artifact": "{{ build `+"`ID`"+` }}"}},
    {"type": "enrich", "only": ["tracked"], "dirty_check": "tracked"},
    {"type": "enrich", "only": ["off"], "dirty_check": "off"}
  ]
}`)
	r.CommitAll("template")
	r.Write("README.md", "images, newer\n")
	r.CommitAll("third")
	r.Git("checkout", "-q", "--detach", "HEAD~1")
	r.Write("notes.txt", "not committed\n")

	res := packer(t, r.Dir, hcp, map[string]string{"HCP_PACKER_BUCKET_NAME": "acc-json"}, "build", "-color=false", "build.json")
	mustSucceed(t, res)
	checkVersionType(t, hcp, "JSON")

	base := enrichLabels(r, "", "", "null")
	if _, ok := base["git_branch"]; ok || base["git_dirty"] != "true" || !strings.HasPrefix(base["git_describe"], "v1.0.0-1-g") {
		t.Fatalf("the repository is not what the test meant: %v", base)
	}
	done := hcp.Done()
	for _, tc := range []struct {
		build string
		dirty string // "" for no git_dirty label
	}{
		{"all", "true"},
		{"tracked", "false"},
		{"off", ""},
	} {
		t.Run(tc.build, func(t *testing.T) {
			u, ok := done["null."+tc.build]
			if !ok {
				t.Fatalf("no BUILD_DONE for null.%s; got %v\n%s", tc.build, keys(done), hcp.describe())
			}
			want := copyMap(base)
			want["build_name"] = tc.build
			want["git_dirty"] = tc.dirty
			if tc.dirty == "" {
				delete(want, "git_dirty")
			}
			if tc.dirty == "false" {
				// Clean for this dirty check: the root's tree is known.
				want["git_tree"] = r.Git("rev-parse", "HEAD:")
			}
			if tc.build == "all" {
				want["artifact"] = "Null"
			}
			checkRunLabels(t, want, u.Labels, u, res)
			equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
			equalArtifacts(t, u, "Null@null")
		})
	}
}

// precedenceSources is a builder that publishes an image which already has
// a git_commit label.
const precedenceSources = `source "noimage" "x" {
  publish_image = true
  artifact_id   = "img-1"
  image_region  = "test-region"
  image_labels = {
    git_commit = "from-builder"
    os         = "linux"
  }
}`

// Scenario 3: which value wins, between the hcp_packer_registry block's
// build_labels, Packer core's git_sha, the builder's image labels and
// enrich's labels, with each on_conflict policy.
func TestAccPrecedence(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const buildLabels = `  build_labels = {
    git_commit = "from-build-labels"
    git_sha    = "from-build-labels"
    team       = "from-build-labels"
    owner      = "from-build-labels"
  }`
	for _, tc := range []struct {
		name       string
		enrich     string
		wantCommit string // "" means HEAD
		wantSHA    string // "" means HEAD
		wantErr    []string
	}{
		{name: "override", enrich: `on_conflict = "override"`},
		{name: "default is override", enrich: ``},
		{name: "keep", enrich: `on_conflict = "keep"`, wantCommit: "from-builder"},
		{name: "error", enrich: `on_conflict = "error"`, wantErr: []string{
			`on_conflict = "error"`, "git_commit on image img-1",
		}},
		{name: "enrich label beats core git_sha", enrich: `labels = { git_sha = "from-enrich", team = "from-enrich" }`, wantSHA: "from-enrich"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			body := "  post-processor \"enrich\" {\n    " + tc.enrich + "\n  }"
			if !strings.Contains(tc.enrich, "labels") {
				body = "  post-processor \"enrich\" {\n    labels = { team = \"from-enrich\" }\n    " + tc.enrich + "\n  }"
			}
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(precedenceSources, "acc", buildLabels, body)})
			res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
			if tc.wantErr != nil {
				mustFail(t, res, tc.wantErr...)
				if d := hcp.Done(); len(d) != 0 {
					t.Errorf("a failed build was completed in HCP: %v", keys(d))
				}
				if f := hcp.Updates(statusFailed); len(f) != 1 {
					t.Errorf("want one BUILD_FAILED update, got %d\n%s", len(f), hcp.describe())
				}
				return
			}
			mustSucceed(t, res)
			u := hcp.DoneOne()
			head := r.Git("rev-parse", "HEAD")
			want := enrichLabels(r, "", "x", "noimage")
			want["team"] = "from-enrich"
			want["owner"] = "from-build-labels"
			want["os"] = "linux"
			want["git_sha"] = head
			if tc.wantCommit != "" {
				want["git_commit"] = tc.wantCommit
			}
			if tc.wantSHA != "" {
				want["git_sha"] = tc.wantSHA
			}
			checkRunLabels(t, want, u.Labels, u, res)
			equalMaps(t, "BUILD_DONE labels", u.Labels, want)
			equalArtifacts(t, u, "img-1@test-region")
			if u.Platform != "noimage" {
				t.Errorf("platform = %q, want noimage", u.Platform)
			}
		})
	}
}

// Scenario 4: keep_input_artifact = false: enrich forces Packer to keep the
// builder's artifact (the file builder's Destroy would delete the file), and
// the build succeeds with the file's image labelled.
func TestAccKeepInputArtifactFalse(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	for _, tc := range []struct {
		name, file, template string
		env                  map[string]string
		component            string
		buildName            string
	}{
		{
			name: "hcl2", file: "build.pkr.hcl", component: "file.f", buildName: "f",
			template: hcl(`source "file" "f" {
  content = "the artifact"
  target  = "out/artifact.txt"
}`, "acc", "", `  post-processor "enrich" {
    keep_input_artifact = false
  }`),
		},
		{
			name: "json", file: "build.json", component: "file", buildName: "file",
			env: map[string]string{"HCP_PACKER_BUCKET_NAME": "acc-json"},
			template: `{
  "builders": [{"type": "file", "content": "the artifact", "target": "out/artifact.txt"}],
  "post-processors": [{"type": "enrich", "keep_input_artifact": false}]
}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			r := standardRepo(t, "", map[string]string{tc.file: tc.template})
			res := packer(t, r.Dir, hcp, tc.env, "build", "-color=false", tc.file)
			mustSucceed(t, res)
			b, err := os.ReadFile(filepath.Join(r.Dir, "out", "artifact.txt"))
			if err != nil || string(b) != "the artifact" {
				t.Fatalf("the builder's artifact was destroyed: %q, %v\n%s", b, err, res)
			}
			u := hcp.DoneOne()
			if u.ComponentType != tc.component {
				t.Errorf("HCP build = %q, want %q", u.ComponentType, tc.component)
			}
			want := enrichLabels(r, "", tc.buildName, "file")
			checkRunLabels(t, want, u.Labels, u, res)
			equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
			equalArtifacts(t, u, "artifact.txt@out")
		})
	}
}

// Scenario 5: enrich in a post-processors chain with manifest after it: the
// labels reach HCP, and manifest records the artifact enrich passes on.
func TestAccChainWithManifest(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	for _, tc := range []struct {
		name, file, template string
		env                  map[string]string
		buildName, manifest  string
	}{
		{
			name: "hcl2", file: "build.pkr.hcl", buildName: "example", manifest: "example",
			template: hcl(nullSource, "acc", "", `  post-processors {
    post-processor "enrich" {
      labels = { chain = "yes" }
    }
    post-processor "manifest" {
      output      = "out/manifest.json"
      custom_data = { artifact = build.ID }
    }
  }`),
		},
		{
			name: "json", file: "build.json", buildName: "json", manifest: "json",
			env: map[string]string{"HCP_PACKER_BUCKET_NAME": "acc-json"},
			template: `{
  "builders": [{"type": "null", "name": "json", "communicator": "none"}],
  "post-processors": [[
    {"type": "enrich", "labels": {"chain": "yes"}},
    {"type": "manifest", "output": "out/manifest.json", "custom_data": {"artifact": "{{ build ` + "`ID`" + ` }}"}}
  ]]
}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			r := standardRepo(t, "", map[string]string{tc.file: tc.template})
			r.Write("out/.keep", "") // manifest does not make its directory; out/ is ignored
			res := packer(t, r.Dir, hcp, tc.env, "build", "-color=false", tc.file)
			mustSucceed(t, res)
			u := hcp.DoneOne()
			want := enrichLabels(r, "", tc.buildName, "null")
			want["chain"] = "yes"
			checkRunLabels(t, want, u.Labels, u, res)
			equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
			equalArtifacts(t, u, "Null@null")

			m := readManifest(t, filepath.Join(r.Dir, "out", "manifest.json"))
			if len(m.Builds) != 1 {
				t.Fatalf("manifest builds = %+v, want one", m.Builds)
			}
			b := m.Builds[0]
			if b.Name != tc.manifest || b.BuilderType != "null" || b.ArtifactID != "Null" || b.PackerRunUUID != u.PackerRunUUID || b.CustomData["artifact"] != "Null" {
				t.Errorf("manifest entry = %+v, want the null build's artifact (run %s)", b, u.PackerRunUUID)
			}
		})
	}
}

// manifest is the manifest post-processor's file.
type manifest struct {
	Builds []struct {
		Name          string            `json:"name"`
		BuilderType   string            `json:"builder_type"`
		ArtifactID    string            `json:"artifact_id"`
		PackerRunUUID string            `json:"packer_run_uuid"`
		CustomData    map[string]string `json:"custom_data"`
	} `json:"builds"`
}

func readManifest(t *testing.T, path string) manifest {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatalf("reading the manifest: %v", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("the manifest is not JSON: %v\n%s", err, b)
	}
	return m
}

// Scenario 6: a builder that publishes no HCP Packer image (the suite's
// noimage plugin): without fallback_image Packer fails the build, as it does
// without enrich, and the labels still reach the output file; with it,
// enrich makes the image and HCP gets it.
func TestAccNoImage(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	for _, tc := range []struct {
		name         string
		enrich       string
		wantArtifact string // "" when the build must fail
		wantPlatform string
	}{
		{name: "no fallback", enrich: ``},
		{name: "fallback", enrich: "fallback_image = true\n    fallback_provider = \"test-provider\"\n    fallback_region = \"r1\"",
			wantArtifact: "noimage-artifact@r1", wantPlatform: "test-provider"},
		{name: "fallback default provider", enrich: "fallback_image = true",
			wantArtifact: "noimage-artifact@", wantPlatform: "packer-enrich.noimage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(`source "noimage" "x" {}`, "acc", "",
				"  post-processor \"enrich\" {\n    output = \"out/enriched.json\"\n    "+tc.enrich+"\n  }")})
			res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
			want := enrichLabels(r, "", "x", "noimage")
			out := readOutput(t, filepath.Join(r.Dir, "out", "enriched.json"))
			if tc.wantArtifact == "" {
				mustFail(t, res, "publishes no HCP Packer image", "No HCP Packer-compatible artifacts")
				if d := hcp.Done(); len(d) != 0 {
					t.Errorf("a build without image was completed in HCP: %v", keys(d))
				}
				if f := hcp.Updates(statusFailed); len(f) != 1 {
					t.Errorf("want one BUILD_FAILED update, got %d\n%s", len(f), hcp.describe())
				}
				e := out["noimage.x"]
				fake := buildUpdate{PackerRunUUID: e.PackerRunUUID}
				checkRunLabels(t, want, e.Labels, fake, res)
				equalMaps(t, "output file labels", e.Labels, want)
				if len(e.Images) != 0 {
					t.Errorf("output file images = %+v, want none", e.Images)
				}
				return
			}
			mustSucceed(t, res)
			u := hcp.DoneOne()
			checkRunLabels(t, want, u.Labels, u, res)
			equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
			equalArtifacts(t, u, tc.wantArtifact)
			if u.Platform != tc.wantPlatform {
				t.Errorf("platform = %q, want %q", u.Platform, tc.wantPlatform)
			}
			equalMaps(t, "output file labels", out["noimage.x"].Labels, want)
		})
	}
}

// Scenario 8: a GitHub Actions run simulated through the environment, in a
// detached HEAD on a commit no branch points at (as actions/checkout leaves
// a pull request's merge commit): branch, run id and run URL.
func TestAccCI(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	gh := map[string]string{
		"CI":                "true",
		"GITHUB_ACTIONS":    "true",
		"GITHUB_RUN_ID":     "987654321",
		"GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme/images",
		"GITHUB_WORKFLOW":   "images",
	}
	with := func(extra map[string]string) map[string]string {
		out := copyMap(gh)
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	const runURL = "https://github.com/acme/images/actions/runs/987654321"
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string // CI labels and git_branch; nil value means absent
	}{
		{
			name: "pull request",
			env: with(map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REF": "refs/pull/42/merge",
				"GITHUB_REF_NAME": "42/merge", "GITHUB_REF_TYPE": "branch", "GITHUB_HEAD_REF": "feature/labels",
				"GITHUB_BASE_REF": "main", "GITHUB_RUN_ATTEMPT": "1"}),
			want: map[string]string{"git_branch": "feature/labels", "ci_provider": "github-actions",
				"ci_run_id": "987654321", "ci_run_url": runURL, "ci_pull_request": "42"},
		},
		{
			name: "pull request rerun",
			env: with(map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REF": "refs/pull/42/merge",
				"GITHUB_HEAD_REF": "feature/labels", "GITHUB_RUN_ATTEMPT": "3"}),
			want: map[string]string{"git_branch": "feature/labels", "ci_provider": "github-actions",
				"ci_run_id": "987654321", "ci_run_url": runURL + "/attempts/3", "ci_pull_request": "42"},
		},
		{
			name: "push to a branch",
			env: with(map[string]string{"GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/release",
				"GITHUB_REF_NAME": "release", "GITHUB_REF_TYPE": "branch"}),
			want: map[string]string{"git_branch": "release", "ci_provider": "github-actions",
				"ci_run_id": "987654321", "ci_run_url": runURL},
		},
		{
			// Whatever the machine running the suite carries (CI=true,
			// GITHUB_*), Packer sees only what the test gives it.
			name: "no CI",
			want: map[string]string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(nullSource, "acc", "", `  post-processor "enrich" {}`)})
			r.Git("checkout", "-q", "--detach")
			r.CommitAll("merge of refs/pull/42")
			res := packer(t, r.Dir, hcp, tc.env, "build", "-color=false", "build.pkr.hcl")
			mustSucceed(t, res)
			u := hcp.DoneOne()
			want := enrichLabels(r, "", "example", "null")
			if _, ok := want["git_branch"]; ok {
				t.Fatalf("HEAD is not detached away from every branch: %v", want)
			}
			for k, v := range tc.want {
				want[k] = v
			}
			checkRunLabels(t, want, u.Labels, u, res)
			equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
		})
	}
}

// Scenario 10: HCP fails. A 500 on the final update fails the build with
// the reason, and the output file, which already held another build's entry,
// stays a valid output file with both entries; slow answers only slow the
// build down.
func TestAccHCPFailure(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fail  bool
		delay time.Duration
	}{
		{name: "500 on the final update", fail: true},
		{name: "slow final update", delay: 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hcp := newHCPServer(t)
			hcp.failDone, hcp.delayDone = tc.fail, tc.delay
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(nullSource, "acc", "",
				`  post-processor "enrich" {
    output = "out/enriched.json"
  }`)})
			other := `{"builds": {"other": {"name": "other", "labels": {"keep": "me"}, "images": []}}}`
			r.Write("out/enriched.json", other)
			res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
			if tc.fail {
				mustFail(t, res, `failed to update HCP Packer artifacts for "null.example"`, "injected failure: the registry is down")
				if n := len(hcp.Updates(statusDone)); n != 1 {
					t.Errorf("want one attempt at BUILD_DONE, got %d", n)
				}
			} else {
				mustSucceed(t, res)
				if d := res.End.Sub(res.Start); d < tc.delay {
					t.Errorf("the build took %s, less than the HCP delay %s", d, tc.delay)
				}
				u := hcp.DoneOne()
				want := enrichLabels(r, "", "example", "null")
				checkRunLabels(t, want, u.Labels, u, res)
				equalMaps(t, "BUILD_DONE labels", u.Labels, withGitSHA(want, r))
			}
			out := readOutput(t, filepath.Join(r.Dir, "out", "enriched.json"))
			if fmt.Sprint(keys(out)) != "[null.example other]" || out["other"].Labels["keep"] != "me" {
				t.Errorf("output file entries = %+v, want null.example and the untouched other", out)
			}
			entries, _ := os.ReadDir(filepath.Join(r.Dir, "out"))
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp-") {
					t.Errorf("a temporary file was left behind: %s", e.Name())
				}
			}
		})
	}
}
