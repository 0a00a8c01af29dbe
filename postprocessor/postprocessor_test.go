package postprocessor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/packer-enrich/packer-plugin-enrich/internal/labeltest"
	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
	enrichlabels "github.com/packer-enrich/packer-plugin-enrich/labels"
)

// twoRegions is what a multi-region builder publishes, in the shape it has
// inside the builder's process.
func twoRegions() []*image.Image {
	return []*image.Image{
		{ImageID: "ami-1", ProviderName: "aws", ProviderRegion: "us-east-1", SourceImageID: "ami-src", Labels: map[string]string{"os": "ubuntu"}},
		{ImageID: "ami-2", ProviderName: "aws", ProviderRegion: "eu-west-1", SourceImageID: "ami-src", Labels: map[string]string{"os": "ubuntu"}},
	}
}

func sourceArtifact(images interface{}, generated map[interface{}]interface{}) *packersdk.MockArtifact {
	return &packersdk.MockArtifact{
		BuilderIdValue: "mitchellh.amazonebs",
		IdValue:        "us-east-1:ami-1,eu-west-1:ami-2",
		FilesValue:     []string{},
		StringValue:    "AMIs were created",
		StateValues: map[string]interface{}{
			image.ArtifactStateURI: images,
			"generated_data":       generated,
			"atlas.artifact.metadata": map[string]string{
				"region.us-east-1": "ami-1",
			},
		},
	}
}

func TestPostProcessGitAndBuildLabels(t *testing.T) {
	r := testrepo.New(t)
	r.Git("tag", "-a", "v1.2.0", "-m", "release")
	r.Git("remote", "add", "origin", "https://ci-bot:s3cr3t-token@git.example.com/acme/images.git")
	vars := map[string]string{"PACKER_RUN_UUID": "8b6e0c1e-0000-4000-8000-000000000001"}
	p := configured(t, map[string]interface{}{"git_path": r.Dir}, vars)

	source := sourceArtifact(twoRegions(), map[interface{}]interface{}{"SourceAMI": "ami-src"})
	art, ui := run(t, p, source)

	want := map[string]string{
		"git_commit":       r.Git("rev-parse", "HEAD"),
		"git_commit_short": r.Git("rev-parse", "--short", "HEAD"),
		"git_branch":       "main",
		"git_tag":          "v1.2.0",
		"git_describe":     r.Git("describe", "--tags", "--always"),
		"git_dirty":        "false",
		"git_tree":         r.Git("rev-parse", "HEAD:"),
		"git_remote":       "https://git.example.com/acme/images.git",
		"git_commit_time":  "2026-01-02T03:04:05Z",
		"build_time":       "2026-11-21T10:30:00Z",
		"packer_version":   "1.16.0",
		"build_name":       "web",
		"builder_type":     "amazon-ebs",
		"packer_run_uuid":  vars["PACKER_RUN_UUID"],
		// the parent image the generated data and the images name
		"source_image_id": "ami-src",
	}
	labeltest.Check(t, art.Labels(), want)

	images, ok := art.State(image.ArtifactStateURI).([]*image.Image)
	if !ok || len(images) != 2 {
		t.Fatalf("State(%q) = %#v, want the two images", image.ArtifactStateURI, art.State(image.ArtifactStateURI))
	}
	for _, img := range images {
		if err := img.Validate(); err != nil {
			t.Errorf("image %s: %v", img, err)
		}
		if img.SourceImageID != "ami-src" {
			t.Errorf("image %s lost its SourceImageID: %q", img, img.SourceImageID)
		}
		if img.Labels["os"] != "ubuntu" {
			t.Errorf("image %s lost the builder's label os: %v", img, img.Labels)
		}
		for k, v := range want {
			if img.Labels[k] != v {
				t.Errorf("image %s (%s): label %s = %q, want %q", img.ImageID, img.ProviderRegion, k, img.Labels[k], v)
			}
		}
	}
	if !strings.HasPrefix(ui, fmt.Sprintf("%d labels added to 2 image(s)", len(art.Labels()))) || strings.Contains(ui, "s3cr3t") {
		t.Errorf("UI says %q; want one line with the counts and no secret", ui)
	}
	if !strings.Contains(ui, "(git labels of the repository "+r.Dir+")") {
		t.Errorf("UI says %q; want it to name the repository %s", ui, r.Dir)
	}
	// Packer prints "(enrich)" before every line of the post-processor: a
	// line of its own starting with "enrich:" would say it twice.
	if strings.Contains(ui, "enrich:") {
		t.Errorf("UI says %q; want no line prefixed with enrich:", ui)
	}
	if source.DestroyCalled {
		t.Error("the source artifact was destroyed")
	}
}

func TestPostProcessLeavesUnknownFactsOut(t *testing.T) {
	r := testrepo.New(t)
	r.DetachOnNewCommit()
	r.Write("new.txt", "untracked\n")
	cases := []struct {
		name       string
		cfg        map[string]interface{}
		vars       map[string]string
		wantAbsent []string
		want       map[string]string
	}{
		{"detached HEAD without CI has no branch; no tag, no remote",
			map[string]interface{}{"git_path": r.Dir}, nil,
			[]string{"git_branch", "git_tag", "git_remote", "packer_run_uuid", "ci_provider", "ci_run_id", "ci_run_url"},
			map[string]string{"git_dirty": "true"}},
		{"dirty_check tracked ignores the untracked file",
			map[string]interface{}{"git_path": r.Dir, "dirty_check": "tracked"}, nil,
			nil, map[string]string{"git_dirty": "false"}},
		{"dirty_check off leaves git_dirty out",
			map[string]interface{}{"git_path": r.Dir, "dirty_check": "off"}, nil,
			[]string{"git_dirty"}, nil},
		{"detached HEAD in a GitHub Actions pull request takes the branch from CI",
			map[string]interface{}{"git_path": r.Dir},
			map[string]string{
				"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "4242", "GITHUB_SERVER_URL": "https://github.com",
				"GITHUB_REPOSITORY": "acme/images", "GITHUB_HEAD_REF": "feature/x", "GITHUB_REF": "refs/pull/7/merge",
				"GITHUB_REF_NAME": "7/merge", "GITHUB_EVENT_NAME": "pull_request",
			},
			nil,
			map[string]string{"git_branch": "feature/x", "ci_provider": "github-actions", "ci_run_id": "4242",
				"ci_run_url": "https://github.com/acme/images/actions/runs/4242"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			art, _ := run(t, configured(t, tc.cfg, tc.vars), sourceArtifact(twoRegions(), nil))
			labels := art.Labels()
			for _, k := range tc.wantAbsent {
				if v, ok := labels[k]; ok {
					t.Errorf("label %s = %q, want it left out", k, v)
				}
			}
			for k, v := range tc.want {
				if labels[k] != v {
					t.Errorf("label %s = %q, want %q", k, labels[k], v)
				}
			}
			for k, v := range labels {
				if v == "" {
					t.Errorf("label %s is empty; unknown facts must be left out", k)
				}
			}
		})
	}
}

func TestPostProcessWithoutRepository(t *testing.T) {
	dir := t.TempDir()
	t.Run("warns and adds the other labels", func(t *testing.T) {
		art, ui := run(t, configured(t, map[string]interface{}{"git_path": dir}, nil), sourceArtifact(twoRegions(), nil))
		for k := range art.Labels() {
			if strings.HasPrefix(k, "git_") {
				t.Errorf("label %s added without a repository", k)
			}
		}
		if art.Labels()["build_name"] != "web" {
			t.Errorf("build labels missing: %v", art.Labels())
		}
		if !strings.Contains(ui, "no git labels") || !strings.Contains(ui, "git_required") {
			t.Errorf("UI %q does not say why git labels are missing", ui)
		}
	})
	t.Run("git_required fails at validate", func(t *testing.T) {
		var p PostProcessor
		err := p.Configure(map[string]interface{}{"git_path": dir, "git_required": true}, packerVars())
		if err == nil || !strings.Contains(err.Error(), "git_required") || !strings.Contains(err.Error(), "not a git repository") {
			t.Fatalf("Configure: err = %v, want an error naming git_required", err)
		}
	})
	t.Run("git_required when the repository went away during the build", func(t *testing.T) {
		r := testrepo.New(t)
		p := configured(t, map[string]interface{}{"git_path": r.Dir, "git_required": true}, nil)
		if err := os.RemoveAll(filepath.Join(r.Dir, ".git")); err != nil {
			t.Fatal(err)
		}
		source := sourceArtifact(twoRegions(), nil)
		art, ui := run(t, p, source)
		if !strings.Contains(ui, "git_required is set") || art.Labels()["build_name"] != "web" || art.Labels()["git_commit"] != "" {
			t.Errorf("UI %q, labels %v: want the error shown and the other labels added", ui, art.Labels())
		}
		if source.DestroyCalled {
			t.Error("the source artifact was destroyed")
		}
	})
}

func TestPostProcessOptions(t *testing.T) {
	r := testrepo.New(t)
	r.Git("tag", "v2.0.0")
	commit := r.Git("rev-parse", "HEAD")
	generated := map[interface{}]interface{}{
		"SourceAMI": "ami-src", "SourceAMIName": "ubuntu-24.04", "Password": "hunter2",
		"SSHPrivateKey": "-----BEGIN KEY-----", "ID": "ami-1", "BuildName": "from-generated-data",
	}
	cases := []struct {
		name   string
		cfg    map[string]interface{}
		want   map[string]string
		absent []string
	}{
		{"user labels and generated data labels",
			map[string]interface{}{"labels": map[string]string{"team": "web", "ami": "{{ build `SourceAMI` }}"}, "generated_data_labels": []string{"SourceAMIName", "NotProduced"}},
			map[string]string{"team": "web", "ami": "ami-src", "source_ami_name": "ubuntu-24.04"},
			[]string{"not_produced", "password", "ssh_private_key"}},
		{"prefix applies to added labels, not to the user's",
			map[string]interface{}{"label_prefix": "acme.", "labels": map[string]string{"team": "web"}, "generated_data_labels": []string{"SourceAMI"}},
			map[string]string{"acme.git_commit": commit, "acme.build_name": "web", "acme.source_ami": "ami-src", "team": "web"},
			[]string{"git_commit", "acme.team"}},
		{"oci style",
			map[string]interface{}{"label_style": "oci"},
			map[string]string{"org.opencontainers.image.revision": commit, "org.opencontainers.image.version": "v2.0.0",
				"org.opencontainers.image.created": "2026-11-21T10:30:00Z", "git_commit_short": commit[:7]},
			[]string{"git_commit", "git_tag", "build_time", "org.opencontainers.image.source"}},
		{"gce style",
			map[string]interface{}{"label_style": "gce", "labels": map[string]string{"team": "Web Team"}},
			map[string]string{"build_time": "2026-11-21t10_30_00z", "git_tag": "v2_0_0", "team": "web_team", "builder_type": "amazon-ebs"},
			nil},
		{"a generated data key takes an excluded built-in's name",
			map[string]interface{}{"exclude_labels": []string{"build_name"}, "generated_data_labels": []string{"BuildName"}},
			map[string]string{"build_name": "from-generated-data"},
			nil},
		{"exclusions",
			map[string]interface{}{"exclude_labels": []string{"git_commit", "build_time", "source_ami"}, "generated_data_labels": []string{"SourceAMI"}},
			map[string]string{"git_commit_short": commit[:7]},
			[]string{"git_commit", "build_time", "source_ami"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg["git_path"] = r.Dir
			// As in a JSON template: Packer passes the builder's generated
			// data as placeholders to Configure.
			p := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(nil)}
			if err := p.Configure(tc.cfg, packerVars(), placeholders("SourceAMI", "SourceAMIName", "Password", "SSHPrivateKey", "BuildName")); err != nil {
				t.Fatalf("Configure: %v", err)
			}
			art, _ := run(t, p, sourceArtifact(twoRegions(), generated))
			labels := art.Labels()
			for k, v := range tc.want {
				if labels[k] != v {
					t.Errorf("label %s = %q, want %q (labels %v)", k, labels[k], v, labels)
				}
			}
			for _, k := range tc.absent {
				if _, ok := labels[k]; ok {
					t.Errorf("label %s present, want it left out", k)
				}
			}
			for k, v := range labels {
				if strings.Contains(v, "hunter2") || strings.Contains(v, "BEGIN KEY") {
					t.Errorf("label %s carries a secret of the generated data", k)
				}
			}
			if tc.cfg["label_style"] == "gce" {
				for k, v := range labels {
					if !enrichlabels.GCEName(k) || enrichlabels.GCEValue(v) != v {
						t.Errorf("label %s = %q breaks GCE's rules", k, v)
					}
				}
			}
		})
	}
}

func TestPostProcessOnConflict(t *testing.T) {
	r := testrepo.New(t)
	commit := r.Git("rev-parse", "HEAD")
	images := func() []*image.Image {
		return []*image.Image{{ImageID: "i-1", ProviderName: "aws", Labels: map[string]string{"git_commit": "builder-value", "build_name": "web"}}}
	}
	cases := []struct {
		policy  string
		want    string
		wantErr bool
	}{
		{"override", commit, false},
		{"keep", "builder-value", false},
		{"error", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.policy, func(t *testing.T) {
			p := configured(t, map[string]interface{}{"git_path": r.Dir, "on_conflict": tc.policy}, nil)
			if tc.wantErr {
				ui, _ := testUI()
				_, keep, _, err := p.PostProcess(context.Background(), ui, sourceArtifact(images(), nil))
				// build_name has the same value: only git_commit conflicts.
				if err == nil || !strings.Contains(err.Error(), "git_commit on image i-1") || strings.Contains(err.Error(), "build_name") || !keep {
					t.Fatalf("err = %v keep = %v, want an error naming git_commit only, and the source kept", err, keep)
				}
				return
			}
			art, _ := run(t, p, sourceArtifact(images(), nil))
			got := art.State(image.ArtifactStateURI).([]*image.Image)[0].Labels["git_commit"]
			if got != tc.want {
				t.Errorf("git_commit = %q, want %q", got, tc.want)
			}
		})
	}
}

// Enrich only adds to the generated data later post-processors read: the
// labels join it, a key the builder produced keeps the builder's value, and
// only what an earlier enrich of the chain added is replaced.
func TestPostProcessGeneratedData(t *testing.T) {
	r := testrepo.New(t)
	builder := func() *packersdk.MockArtifact {
		return sourceArtifact(twoRegions(), map[interface{}]interface{}{"SourceAMI": []byte("ami-src"), "ID": "ami-1", "build_name": "from-builder"})
	}
	tests := []struct {
		name  string
		chain []map[string]string // the labels option of each enrich, in order
		want  map[string]string
	}{
		{
			name:  "the labels join the builder's generated data",
			chain: []map[string]string{{"team": "core"}},
			want:  map[string]string{"SourceAMI": "ami-src", "ID": "ami-1", "team": "core", "git_commit": r.Git("rev-parse", "HEAD")},
		},
		{
			name:  "a label never replaces a key the builder produced",
			chain: []map[string]string{{"SourceAMI": "x", "ID": "y"}},
			want:  map[string]string{"SourceAMI": "ami-src", "ID": "ami-1"},
		},
		{
			name:  "an added label never replaces a key the builder produced",
			chain: []map[string]string{nil},
			want:  map[string]string{"build_name": "from-builder"},
		},
		{
			name:  "a label an earlier enrich added is replaced",
			chain: []map[string]string{{"team": "core"}, {"team": "web"}},
			want:  map[string]string{"team": "web", "SourceAMI": "ami-src"},
		},
		{
			name:  "a builder's key survives two enriches",
			chain: []map[string]string{{"SourceAMI": "x"}, {"SourceAMI": "z"}},
			want:  map[string]string{"SourceAMI": "ami-src"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var art packersdk.Artifact = builder()
			for _, l := range tt.chain {
				cfg := map[string]interface{}{"git_path": r.Dir}
				if l != nil {
					cfg["labels"] = l
				}
				art, _ = run(t, configured(t, cfg, nil), art)
			}
			gd, ok := art.State("generated_data").(map[string]interface{})
			if !ok {
				t.Fatalf("State(generated_data) = %T", art.State("generated_data"))
			}
			for k, want := range tt.want {
				if got, _ := stringValue(gd[k]); got != want {
					t.Errorf("generated_data[%s] = %v, want %q", k, gd[k], want)
				}
			}
		})
	}
}

func TestPostProcessDelegatesToSource(t *testing.T) {
	r := testrepo.New(t)
	source := sourceArtifact(twoRegions(), nil)
	art, _ := run(t, configured(t, map[string]interface{}{"git_path": r.Dir}, nil), source)
	if art.BuilderId() != source.BuilderId() || art.Id() != source.Id() || art.String() != source.String() ||
		!reflect.DeepEqual(art.Files(), source.Files()) {
		t.Errorf("artifact %q %q %q %v does not answer as its source", art.BuilderId(), art.Id(), art.String(), art.Files())
	}
	if !reflect.DeepEqual(art.State("atlas.artifact.metadata"), source.State("atlas.artifact.metadata")) {
		t.Errorf("atlas metadata = %v, want the source's", art.State("atlas.artifact.metadata"))
	}
	if art.State("no-such-key") != nil {
		t.Errorf("an unknown key gave %v, want nil as the source", art.State("no-such-key"))
	}
	if err := art.Destroy(); err != nil || source.DestroyCalled {
		t.Errorf("Destroy: %v, source destroyed: %v; destroying the artifact must not touch the user's image", err, source.DestroyCalled)
	}
}

func TestPostProcessNoImage(t *testing.T) {
	r := testrepo.New(t)
	noImage := func() *packersdk.MockArtifact {
		return &packersdk.MockArtifact{BuilderIdValue: "acme.builder", IdValue: "disk-42", StateValues: map[string]interface{}{}}
	}
	t.Run("passes through and says so", func(t *testing.T) {
		art, ui := run(t, configured(t, map[string]interface{}{"git_path": r.Dir}, nil), noImage())
		if s := art.State(image.ArtifactStateURI); !isNil(s) {
			t.Errorf("State = %#v, want nil: no image was published", s)
		}
		if !strings.Contains(ui, "publishes no HCP Packer image") || !strings.Contains(ui, "fallback_image") {
			t.Errorf("UI %q does not say that no image gets labels", ui)
		}
		if art.State("generated_data").(map[string]interface{})["git_commit"] == nil {
			t.Error("the labels are not in the generated data")
		}
	})
	cases := []struct {
		name     string
		cfg      map[string]interface{}
		provider string
		region   string
	}{
		{"fallback with the builder id", map[string]interface{}{"fallback_image": true}, "acme.builder", ""},
		{"fallback with a provider and region", map[string]interface{}{"fallback_image": true, "fallback_provider": "vsphere", "fallback_region": "dc1"}, "vsphere", "dc1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg["git_path"] = r.Dir
			art, _ := run(t, configured(t, tc.cfg, nil), noImage())
			images := art.State(image.ArtifactStateURI).([]*image.Image)
			if len(images) != 1 {
				t.Fatalf("images = %v, want one", images)
			}
			img := images[0]
			if img.ImageID != "disk-42" || img.ProviderName != tc.provider || img.ProviderRegion != tc.region || img.Validate() != nil {
				t.Errorf("fallback image = %+v", img)
			}
			if img.Labels["git_commit"] == "" {
				t.Errorf("fallback image has no labels: %v", img.Labels)
			}
		})
	}
}

func TestPostProcessUndecodableImages(t *testing.T) {
	r := testrepo.New(t)
	source := sourceArtifact("not an image", nil)
	art, ui := run(t, configured(t, map[string]interface{}{"git_path": r.Dir}, nil), source)
	if art.State(image.ArtifactStateURI) != "not an image" {
		t.Errorf("undecodable state = %#v, want it passed on as the source gave it", art.State(image.ArtifactStateURI))
	}
	if !strings.Contains(ui, "passed on without labels") {
		t.Errorf("UI %q does not report the undecodable images", ui)
	}
}

func TestPostProcessCancelled(t *testing.T) {
	r := testrepo.New(t)
	p := configured(t, map[string]interface{}{"git_path": r.Dir}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ui, _ := testUI()
	_, _, _, err := p.PostProcess(ctx, ui, sourceArtifact(twoRegions(), nil))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestPostProcessWritesOutput(t *testing.T) {
	r := testrepo.New(t)
	path := filepath.Join(t.TempDir(), "out", "enriched.json")
	vars := map[string]string{"PACKER_RUN_UUID": "run-1"}
	art, _ := run(t, configured(t, map[string]interface{}{"git_path": r.Dir, "output": path}, vars), sourceArtifact(twoRegions(), nil))
	got := readOutput(t, path)["amazon-ebs.web"]
	if got.Name != "web" || got.BuilderType != "amazon-ebs" || got.PackerRunUUID != "run-1" || got.ArtifactID != art.Id() ||
		got.BuilderID != "mitchellh.amazonebs" || got.BuildTime != "2026-11-21T10:30:00Z" {
		t.Errorf("entry = %+v", got)
	}
	if !reflect.DeepEqual(got.Labels, art.Labels()) {
		t.Errorf("entry labels %v, want %v", got.Labels, art.Labels())
	}
	if len(got.Images) != 2 || got.Images[1].ProviderRegion != "eu-west-1" || got.Images[1].Labels["git_commit"] != r.Git("rev-parse", "HEAD") || got.Images[1].Labels["os"] != "ubuntu" {
		t.Errorf("entry images = %+v", got.Images)
	}
}

// Every image the artifact serves passes image.Image.Validate: an image the
// builder left incomplete is completed from the artifact.
func TestPostProcessCompletesIncompleteImages(t *testing.T) {
	r := testrepo.New(t)
	source := sourceArtifact([]*image.Image{{ProviderRegion: "us-east-1"}, {ImageID: "ami-2", ProviderRegion: "eu-west-1"}}, nil)
	art, ui := run(t, configured(t, map[string]interface{}{"git_path": r.Dir}, nil), source)
	for _, img := range art.State(image.ArtifactStateURI).([]*image.Image) {
		if err := img.Validate(); err != nil {
			t.Errorf("image %s: %v", img, err)
		}
		if img.ProviderName != "mitchellh.amazonebs" {
			t.Errorf("image %s: provider %q, want the builder id", img, img.ProviderName)
		}
	}
	if !strings.Contains(ui, "was incomplete") {
		t.Errorf("UI %q does not say the image was completed", ui)
	}
}

// The entry's build time and run id are the facts, whatever the label style
// or the exclusions do to the labels.
func TestPostProcessOutputEntryFacts(t *testing.T) {
	r := testrepo.New(t)
	path := filepath.Join(t.TempDir(), "enriched.json")
	cfg := map[string]interface{}{"git_path": r.Dir, "output": path, "label_style": "gce", "exclude_labels": []string{"packer_run_uuid"}}
	run(t, configured(t, cfg, map[string]string{"PACKER_RUN_UUID": "RUN-Upper-1"}), sourceArtifact(twoRegions(), nil))
	got := readOutput(t, path)["amazon-ebs.web"]
	if got.BuildTime != "2026-11-21T10:30:00Z" || got.PackerRunUUID != "RUN-Upper-1" {
		t.Errorf("entry build time %q and run %q, want the facts", got.BuildTime, got.PackerRunUUID)
	}
	if got.Labels["build_time"] != "2026-11-21t10_30_00z" {
		t.Errorf("the labels keep their style: build_time = %q", got.Labels["build_time"])
	}
}

// Two builds of one run that share a name (one source in two build blocks)
// write one entry: the second says so.
func TestPostProcessWarnsWhenABuildOfTheRunIsReplaced(t *testing.T) {
	r := testrepo.New(t)
	path := filepath.Join(t.TempDir(), "enriched.json")
	cfg := func() map[string]interface{} { return map[string]interface{}{"git_path": r.Dir, "output": path} }
	vars := map[string]string{"PACKER_RUN_UUID": "run-1"}
	if _, ui := run(t, configured(t, cfg(), vars), sourceArtifact(twoRegions(), nil)); strings.Contains(ui, "another build of this run") {
		t.Errorf("the first build warned: %s", ui)
	}
	if _, ui := run(t, configured(t, cfg(), vars), sourceArtifact(twoRegions(), nil)); !strings.Contains(ui, `another build of this run also wrote the entry "amazon-ebs.web"`) {
		t.Errorf("the second build of the run did not warn: %s", ui)
	}
	if _, ui := run(t, configured(t, cfg(), map[string]string{"PACKER_RUN_UUID": "run-2"}), sourceArtifact(twoRegions(), nil)); strings.Contains(ui, "another build of this run") {
		t.Errorf("a rebuild in a new run warned: %s", ui)
	}
}
