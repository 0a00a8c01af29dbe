package postprocessor

import (
	"github.com/packer-enrich/packer-plugin-enrich/options"

	"context"
	"encoding/base64"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"golang.org/x/sys/unix"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/internal/outputfile"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// jsonVars are Packer's values for a JSON template with a sensitive
// variable: the user variables with their values and the names of the
// sensitive ones.
func jsonVars() map[string]interface{} {
	v := packerVars()
	v["packer_user_variables"] = map[string]string{"db_password": "s3cr3t-Pw!", "owner": "platform"}
	v["packer_sensitive_variables"] = []string{"db_password"}
	return v
}

// Rule 1, 3 and 4 at validate time: everything that can be checked before
// the builder runs is refused by Configure, with a message naming the
// option and saying what is valid.
func TestConfigureRefusesUnsafe(t *testing.T) {
	cases := []struct {
		name   string
		config func(t *testing.T, dir string) map[string]interface{}
		vars   func() map[string]interface{}
		want   []string
	}{
		{"git_required outside a repository", func(_ *testing.T, dir string) map[string]interface{} {
			return map[string]interface{}{"git_required": true, "git_path": dir}
		}, nil, []string{"git_required", dirName, "not a git repository", "remove git_required"}},
		{"output a FIFO", func(t *testing.T, dir string) map[string]interface{} {
			p := filepath.Join(dir, "fifo")
			if err := unix.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
			return map[string]interface{}{"output": p}
		}, nil, []string{"output:", "a FIFO (named pipe)", "regular JSON file"}},
		{"output a device", func(*testing.T, string) map[string]interface{} {
			return map[string]interface{}{"output": "/dev/null"}
		}, nil, []string{"output: /dev/null is a character device"}},
		{"output /dev/stdout", func(*testing.T, string) map[string]interface{} {
			return map[string]interface{}{"output": "/dev/stdout"}
		}, nil, []string{"output: /dev/stdout"}},
		{"output /dev/zero", func(*testing.T, string) map[string]interface{} {
			return map[string]interface{}{"output": "/dev/zero"}
		}, nil, []string{"output: /dev/zero is a character device"}},
		{"output a socket", func(t *testing.T, dir string) map[string]interface{} {
			p := filepath.Join(dir, "sock")
			l, err := net.Listen("unix", p)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = l.Close() })
			return map[string]interface{}{"output": p}
		}, nil, []string{"output:", "a socket"}},
		{"output a directory", func(_ *testing.T, dir string) map[string]interface{} {
			return map[string]interface{}{"output": dir}
		}, nil, []string{"output:", "is a directory"}},
		{"output ending in a separator", func(*testing.T, string) map[string]interface{} {
			return map[string]interface{}{"output": "newdir/"}
		}, nil, []string{"output: newdir/ ends in a path separator", "newdir/enriched.json"}},
		{"output a symlink to a directory", func(t *testing.T, dir string) map[string]interface{} {
			p := filepath.Join(dir, "link.json")
			if err := os.Symlink(dir, p); err != nil {
				t.Fatal(err)
			}
			return map[string]interface{}{"output": p}
		}, nil, []string{"output:", "(a symlink to", "is a directory"}},
		{"output a dangling symlink", func(t *testing.T, dir string) map[string]interface{} {
			p := filepath.Join(dir, "link.json")
			if err := os.Symlink(filepath.Join(dir, "missing", "x.json"), p); err != nil {
				t.Fatal(err)
			}
			return map[string]interface{}{"output": p}
		}, nil, []string{"output:", "symlink whose target cannot be found"}},
		{"output under a file", func(t *testing.T, dir string) map[string]interface{} {
			f := filepath.Join(dir, "file")
			if err := os.WriteFile(f, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return map[string]interface{}{"output": filepath.Join(f, "sub", "out.json")}
		}, nil, []string{"output:", "is not a directory"}},
		{"label name with NUL", static(map[string]interface{}{"labels": map[string]string{"a\x00b": "x"}}), nil, []string{`labels["a\x00b"]`, "U+0000"}},
		{"label name with U+2028", static(map[string]interface{}{"labels": map[string]string{"a\u2028b": "x"}}), nil, []string{"U+2028", "line and paragraph separator"}},
		{"label name with U+2029", static(map[string]interface{}{"labels": map[string]string{"a\u2029b": "x"}}), nil, []string{"U+2029"}},
		{"label name with U+0085", static(map[string]interface{}{"labels": map[string]string{"a\u0085b": "x"}}), nil, []string{"U+0085"}},
		{"label name with a zero-width space", static(map[string]interface{}{"labels": map[string]string{"team\u200b": "x"}}), nil, []string{"U+200B"}},
		{"label name with a byte order mark", static(map[string]interface{}{"labels": map[string]string{"\ufeffteam": "x"}}), nil, []string{"U+FEFF"}},
		{"label name with escape", static(map[string]interface{}{"labels": map[string]string{"te\x1bam": "x"}}), nil, []string{"U+001B"}},
		{"label name not UTF-8", static(map[string]interface{}{"labels": map[string]string{"te\xffam": "x"}}), nil, []string{"U+FFFD", "invalid UTF-8"}},
		{"gce long prefix folds git_commit labels", static(map[string]interface{}{"label_style": "gce", "label_prefix": strings.Repeat("p", 52) + "_"}), nil,
			[]string{`label_style = "gce"`, `"git_commit" and "git_commit_short" both become`, `"git_commit" and "git_commit_time"`, "label_prefix"}},
		{"gce prefix folds a generated label onto a built-in", static(map[string]interface{}{"label_style": "gce", "label_prefix": strings.Repeat("p", 55) + "_", "exclude_labels": []string{"packer_version", "git_commit_short", "git_commit_time", "git_commit", "git_branch", "git_tag", "git_describe", "git_dirty", "git_remote", "build_time", "build_name", "builder_type", "ci_provider", "ci_run_id", "ci_run_url"}, "generated_data_labels": []string{"PackerRunThing"}}), nil,
			[]string{`"packer_run_uuid" and "packer_run_thing"`, "both become"}},
		{"sensitive variable in a JSON label", static(map[string]interface{}{"labels": map[string]string{"db": "{{ user `db_password` }}"}}), jsonVars,
			[]string{`labels["db"]`, `the sensitive variable "db_password"`}},
		{"sensitive variable upper-cased in a JSON label", static(map[string]interface{}{"labels": map[string]string{"db": "{{ upper (user `db_password`) }}"}}), jsonVars,
			[]string{`labels["db"]`, `"db_password"`}},
		{"sensitive variable inside a JSON label", static(map[string]interface{}{"labels": map[string]string{"url": "postgres://app:{{ user `db_password` }}@db/x"}}), jsonVars,
			[]string{`labels["url"]`, `"db_password"`}},
		{"sensitive value written literally", static(map[string]interface{}{"labels": map[string]string{"b64": base64.StdEncoding.EncodeToString([]byte("s3cr3t-Pw!"))}}), jsonVars,
			[]string{`labels["b64"]`, `"db_password"`}},
		{"sensitive value hex encoded", static(map[string]interface{}{"labels": map[string]string{"hex": strings.ToUpper(hex.EncodeToString([]byte("s3cr3t-Pw!")))}}), jsonVars,
			[]string{`labels["hex"]`, `"db_password"`}},
		{"generated_data_labels DbPass", static(map[string]interface{}{"generated_data_labels": []string{"DbPass"}}), nil, []string{"generated_data_labels[0]", `"DbPass"`, "secret"}},
		{"generated_data_labels Pwd", static(map[string]interface{}{"generated_data_labels": []string{"AdminPwd"}}), nil, []string{"generated_data_labels[0]", "secret"}},
		{"generated_data_labels ApiToken", static(map[string]interface{}{"generated_data_labels": []string{"ApiToken"}}), nil, []string{"generated_data_labels[0]", "secret"}},
		{"carry_state_keys empty", static(map[string]interface{}{"carry_state_keys": []string{""}}), nil, []string{"carry_state_keys[0]", "empty"}},
		{"carry_state_keys served by enrich", static(map[string]interface{}{"carry_state_keys": []string{"generated_data"}}), nil, []string{"carry_state_keys[0]", "answered by enrich"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			vars := packerVars
			if tc.vars != nil {
				vars = tc.vars
			}
			var p PostProcessor
			cfg := tc.config(t, dir)
			err := p.Configure(cfg, vars())
			if err == nil {
				t.Fatalf("Configure(%v) succeeded, want an error naming %v", cfg, tc.want)
			}
			for _, w := range tc.want {
				w = strings.ReplaceAll(w, dirName, dir)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("the error repeats the secret: %v", err)
			}

			// The same configuration in HCL2's second Configure, after
			// the build: shown, never a failure, and nothing is written
			// to what the output names.
			r := testrepo.New(t)
			late := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(nil)}
			if err := late.Configure(map[string]interface{}{"git_path": r.Dir}, vars()); err != nil {
				t.Fatal(err)
			}
			if err := late.Configure(cfg, vars()); err != nil {
				t.Fatalf("the second Configure failed after the build: %v", err)
			}
			ui, out := testUI()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			source := sourceArtifact(twoRegions(), nil)
			if _, _, _, err := late.PostProcess(ctx, ui, source); err != nil || source.DestroyCalled {
				t.Fatalf("PostProcess after the build: %v (destroyed %v)", err, source.DestroyCalled)
			}
			for _, w := range tc.want {
				w = strings.ReplaceAll(w, dirName, dir)
				if !strings.Contains(out.String(), w) {
					t.Errorf("UI does not say %q:\n%s", w, out)
				}
			}
			if strings.Contains(out.String(), "s3cr3t") {
				t.Errorf("the UI repeats the secret:\n%s", out)
			}
		})
	}
}

// dirName stands for the case's temporary directory in wanted messages.
const dirName = "<dir>"

func static(m map[string]interface{}) func(*testing.T, string) map[string]interface{} {
	return func(*testing.T, string) map[string]interface{} { return m }
}

// Rule 1 after the build: every failure Configure could not foresee is shown
// with ui.Error, enrich returns its artifact with the labels it could make,
// and the builder's artifact is kept and never destroyed.
func TestPostProcessNeverFailsAfterTheBuild(t *testing.T) {
	cases := []struct {
		name string
		// setup prepares the case in dir (a git repository) and returns
		// the configuration; after runs between Configure and PostProcess.
		setup     func(t *testing.T, r *testrepo.Repo, out string) map[string]interface{}
		after     func(t *testing.T, r *testrepo.Repo, out string)
		generated map[interface{}]interface{}
		images    interface{}
		ui        []string // every part must be in the UI
		check     func(t *testing.T, art *Artifact, out string)
	}{
		{name: "output became a FIFO after validate",
			setup: outputAt, after: func(t *testing.T, _ *testrepo.Repo, out string) {
				if err := unix.Mkfifo(out, 0o600); err != nil {
					t.Fatal(err)
				}
			}, ui: []string{"output: the labels were not written", "a FIFO (named pipe)"},
			check: func(t *testing.T, _ *Artifact, out string) { mustKind(t, out, os.ModeNamedPipe) }},
		{name: "output became a symlink to a device after validate",
			setup: outputAt, after: func(t *testing.T, _ *testrepo.Repo, out string) {
				if err := os.Symlink("/dev/null", out); err != nil {
					t.Fatal(err)
				}
			}, ui: []string{"output: the labels were not written", "a character device"},
			check: func(t *testing.T, _ *Artifact, _ string) { mustKind(t, "/dev/null", os.ModeCharDevice) }},
		{name: "output became a directory after validate",
			setup: outputAt, after: func(t *testing.T, _ *testrepo.Repo, out string) {
				if err := os.Mkdir(out, 0o755); err != nil {
					t.Fatal(err)
				}
			}, ui: []string{"output: the labels were not written", "is a directory"}},
		{name: "output is not an enrich output file",
			setup: func(t *testing.T, r *testrepo.Repo, out string) map[string]interface{} {
				writeFile(t, out, `{"not": "ours"}`)
				return outputAt(t, r, out)
			}, ui: []string{"output: the labels were not written", "not an enrich output file", `no "builds"`},
			check: func(t *testing.T, _ *Artifact, out string) { mustContent(t, out, `{"not": "ours"}`) }},
		{name: "output larger than the bound",
			setup: func(t *testing.T, r *testrepo.Repo, out string) map[string]interface{} {
				writeFile(t, out, `{"builds": {}, "pad": "`+strings.Repeat("x", outputfile.MaxSize)+`"}`)
				return outputAt(t, r, out)
			}, ui: []string{"output: the labels were not written", "larger than 16 MiB"}},
		{name: "output directory cannot be created",
			setup: outputAt, after: func(t *testing.T, _ *testrepo.Repo, out string) {
				if err := os.RemoveAll(filepath.Dir(out)); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Dir(out), "a file where the directory was")
			}, ui: []string{"output: the labels were not written", "not a directory"}},
		{name: "repository gone with git_required",
			setup: func(_ *testing.T, r *testrepo.Repo, _ string) map[string]interface{} {
				return map[string]interface{}{"git_path": r.Dir, "git_required": true}
			}, after: func(t *testing.T, r *testrepo.Repo, _ string) {
				if err := os.RemoveAll(filepath.Join(r.Dir, ".git")); err != nil {
					t.Fatal(err)
				}
			}, ui: []string{"git_required is set", "the image has no git labels"},
			check: func(t *testing.T, art *Artifact, _ string) {
				if art.Labels()["build_name"] != "web" {
					t.Errorf("labels %v: the build labels are missing", art.Labels())
				}
			}},
		{name: "label template that cannot be rendered",
			setup: func(_ *testing.T, r *testrepo.Repo, _ string) map[string]interface{} {
				return map[string]interface{}{"git_path": r.Dir, "labels": map[string]string{"bad": "{{ index .Nope 3 }}", "team": "web"}}
			}, generated: map[interface{}]interface{}{"Nope": "ab"},
			ui: []string{`the label "bad" was left out`, "cannot be rendered"},
			check: func(t *testing.T, art *Artifact, _ string) {
				if _, ok := art.Labels()["bad"]; ok || art.Labels()["team"] != "web" {
					t.Errorf("labels %v", art.Labels())
				}
			}},
		{name: "label carrying a secret key's value upper-cased",
			setup:     secretLabel("{{ upper (build `Password`) }}"),
			generated: map[interface{}]interface{}{"Password": "hunter2-xyz"},
			ui:        []string{`the label "leak" was left out`, `"Password"`}, check: noLeak},
		{name: "label carrying a DbPass base64 encoded",
			setup:     secretLabel("v-" + base64.StdEncoding.EncodeToString([]byte("xx"+"s3cret-db"))),
			generated: map[interface{}]interface{}{"DbPass": "s3cret-db"},
			ui:        []string{`the label "leak" was left out`, `"DbPass"`}, check: noLeak},
		{name: "label carrying a Pwd hex encoded",
			setup:     secretLabel(hex.EncodeToString([]byte("S3CRET-PWD"))),
			generated: map[interface{}]interface{}{"Pwd": "s3cret-pwd"},
			ui:        []string{`the label "leak" was left out`, `"Pwd"`}, check: noLeak},
		{name: "generated data label carrying a secret",
			setup: func(_ *testing.T, r *testrepo.Repo, _ string) map[string]interface{} {
				return map[string]interface{}{"git_path": r.Dir, "generated_data_labels": []string{"Note"}}
			}, generated: map[interface{}]interface{}{"Note": "the password is hunter2-xyz", "WinRMPassword": "hunter2-xyz"},
			ui: []string{`the label "note" was left out`, `"WinRMPassword"`}},
		{name: "fallback image the artifact cannot make",
			setup: func(_ *testing.T, r *testrepo.Repo, _ string) map[string]interface{} {
				return map[string]interface{}{"git_path": r.Dir, "fallback_image": true}
			}, images: nil,
			ui: []string{"fallback_image: the artifact", "no image gets labels"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := testrepo.New(t)
			out := filepath.Join(t.TempDir(), "sub", "enriched.json")
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
			p := configured(t, tc.setup(t, r, out), nil)
			if tc.after != nil {
				tc.after(t, r, out)
			}
			images := tc.images
			if images == nil && !strings.Contains(tc.name, "fallback") {
				images = twoRegions()
			}
			source := sourceArtifact(images, tc.generated)
			var src packersdk.Artifact = source
			if strings.Contains(tc.name, "fallback") {
				src = noIDArtifact{source}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ui, buf := testUI()
			start := time.Now()
			got, keep, force, err := p.PostProcess(ctx, ui, src)
			if err != nil {
				t.Fatalf("PostProcess failed after the build: %v\nUI:\n%s", err, buf)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("PostProcess took %s", time.Since(start))
			}
			if !keep || !force || source.DestroyCalled {
				t.Errorf("keep=%v force=%v destroyed=%v: the builder's artifact must be kept", keep, force, source.DestroyCalled)
			}
			art, ok := got.(*Artifact)
			if !ok {
				t.Fatalf("PostProcess returned %T", got)
			}
			for _, w := range tc.ui {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("UI does not say %q:\n%s", w, buf)
				}
			}
			if tc.check != nil {
				tc.check(t, art, out)
			}
		})
	}
}

// noIDArtifact is an artifact with no id, which cannot make an HCP Packer
// image.
type noIDArtifact struct{ *packersdk.MockArtifact }

func (noIDArtifact) Id() string { return "" } //nolint:revive // name set by packersdk.Artifact

func outputAt(_ *testing.T, r *testrepo.Repo, out string) map[string]interface{} {
	return map[string]interface{}{"git_path": r.Dir, "output": out}
}

func secretLabel(value string) func(*testing.T, *testrepo.Repo, string) map[string]interface{} {
	return func(_ *testing.T, r *testrepo.Repo, out string) map[string]interface{} {
		return map[string]interface{}{"git_path": r.Dir, "output": out, "labels": map[string]string{"leak": value, "team": "web"}}
	}
}

func noLeak(t *testing.T, art *Artifact, out string) {
	t.Helper()
	if _, ok := art.Labels()["leak"]; ok || art.Labels()["team"] != "web" {
		t.Errorf("labels %v: want leak left out, team kept", art.Labels())
	}
	for _, img := range art.images {
		if _, ok := img.Labels["leak"]; ok {
			t.Errorf("image %s has the label", img)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil || strings.Contains(string(data), `"leak"`) {
		t.Errorf("output file (%v) has the label: %s", err, data)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustContent(t *testing.T, path, want string) {
	t.Helper()
	if data, err := os.ReadFile(path); err != nil || string(data) != want {
		t.Errorf("%s = %q (%v), want it unchanged: %q", path, data, err, want)
	}
}

func mustKind(t *testing.T, path string, kind os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&kind == 0 {
		t.Errorf("%s is no longer what it was: %v %v", path, fi, err)
	}
}

// on_conflict = "error" is the one after-the-build failure the user asks
// for: PostProcess returns an error (and Packer then deletes the builder's
// artifact unless another post-processors sequence keeps it).
func TestPostProcessOnConflictErrorFails(t *testing.T) {
	r := testrepo.New(t)
	p := configured(t, map[string]interface{}{"git_path": r.Dir, "on_conflict": "error", "labels": map[string]string{"os": "debian"}}, nil)
	ui, _ := testUI()
	_, _, _, err := p.PostProcess(context.Background(), ui, sourceArtifact(twoRegions(), nil))
	if err == nil || !strings.Contains(err.Error(), `on_conflict = "error"`) || !strings.Contains(err.Error(), "os on image ami-1") {
		t.Fatalf("err = %v", err)
	}
}

// Rule 4: a second enrich in the chain, with something else between them,
// replaces the labels the first added without counting them as conflicts,
// even with on_conflict = "error".
func TestTwoEnrichesNeverConflict(t *testing.T) {
	r := testrepo.New(t)
	first := configured(t, map[string]interface{}{"git_path": r.Dir}, nil)
	art1, _ := run(t, first, sourceArtifact(twoRegions(), nil))
	second := &PostProcessor{now: func() time.Time { return fixedTime.Add(time.Hour) }, lookupEnv: testrepo.Env(nil)}
	if err := second.Configure(map[string]interface{}{"git_path": r.Dir, "on_conflict": "error"}, packerVars()); err != nil {
		t.Fatal(err)
	}
	// Through RPC, as Packer passes the first enrich's artifact on.
	client := servePostProcessor(t, second)
	ui, _ := testUI()
	got, _, _, err := client.PostProcess(context.Background(), ui, art1)
	if err != nil {
		t.Fatalf("the second enrich failed: %v", err)
	}
	imgs, ok := got.State(image.ArtifactStateURI).([]interface{})
	if !ok || len(imgs) != 2 {
		t.Fatalf("images %#v", got.State(image.ArtifactStateURI))
	}
	decoded, err := decodeImages(got.State(image.ArtifactStateURI))
	if err != nil {
		t.Fatal(err)
	}
	if bt := decoded[0].Labels["build_time"]; bt != fixedTime.Add(time.Hour).Format(time.RFC3339) {
		t.Errorf("build_time = %q, want the second enrich's", bt)
	}
}

// Rule 3: the plugin's own output file never counts toward git_dirty: a
// second build in the same checkout reports what the first reported, with
// the output inside the work tree and not ignored.
func TestOutputNeverDirtiesTheCheckout(t *testing.T) {
	r := testrepo.New(t)
	cfg := map[string]interface{}{"git_path": r.Dir, "output": filepath.Join(r.Dir, "out", "enriched.json")}
	var dirty []string
	for i := 0; i < 2; i++ {
		art, _ := run(t, configured(t, cfg, nil), sourceArtifact(twoRegions(), nil))
		dirty = append(dirty, art.Labels()["git_dirty"])
	}
	if dirty[0] != "false" || dirty[1] != "false" {
		t.Errorf("git_dirty of two builds = %v, want false both times", dirty)
	}
	if st := r.Git("status", "--porcelain", "--ignored"); st != "?? out/" {
		t.Errorf("git status = %q, want only the output directory", st)
	}
}

// HCL2 calls Configure a second time inside PostProcess, after the build,
// with the values of build.* known. A problem found only then (an output or
// label name made from the build's values) never fails the build: it is
// shown and what it concerns is left out.
func TestLateConfigureProblemsNeverFail(t *testing.T) {
	r := testrepo.New(t)
	p := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(nil)}
	if err := p.Configure(map[string]interface{}{
		"git_path": r.Dir, "output": "<unknown>", "labels": map[string]string{"team": "web"},
	}, packerVars()); err != nil {
		t.Fatalf("first Configure: %v", err)
	}
	if err := p.Configure(map[string]interface{}{
		"git_path": r.Dir, "output": "/dev/null", "labels": map[string]string{"team": "web", "bad\u2028name": "x"},
	}, packerVars()); err != nil {
		t.Fatalf("the second Configure, after the build, returned %v; it must not fail the build", err)
	}
	source := sourceArtifact(twoRegions(), nil)
	art, ui := run(t, p, source)
	for _, w := range []string{"once the build's values were known", "output: /dev/null is a character device", `the label "bad\u2028name" was left out`} {
		if !strings.Contains(ui, w) {
			t.Errorf("UI does not say %q:\n%s", w, ui)
		}
	}
	if _, ok := art.Labels()["bad\u2028name"]; ok || art.Labels()["team"] != "web" {
		t.Errorf("labels %v", art.Labels())
	}
	mustKind(t, "/dev/null", os.ModeCharDevice)

	// A first Configure still fails.
	var q PostProcessor
	if err := q.Configure(map[string]interface{}{"output": "/dev/null"}, packerVars()); err == nil {
		t.Error("a first Configure with output = /dev/null succeeded")
	}
}

// Rule 4: credentials are removed up to the last '@' of a URL's authority,
// even when the password holds an unencoded '/' (gitinfo.StripCredentials
// has the cases), once, where the CI is read.
func TestURLCredentials(t *testing.T) {
	c := &Config{Shared: options.Shared{LabelStyle: styleSnake}}
	labels, dropped := c.buildLabels(facts{
		Git: &gitinfo.Facts{Commit: "abc"},
		CI: gitinfo.DetectCI(testrepo.Env(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "1",
			"GITHUB_SERVER_URL": "https://u:se/cret@ci.example", "GITHUB_REPOSITORY": "acme/x"})),
	})
	if labels["ci_run_url"] != "https://ci.example/acme/x/actions/runs/1" || labels["git_commit"] != "abc" {
		t.Errorf("labels %v", labels)
	}
	if len(dropped) != 0 {
		t.Errorf("messages %q", dropped)
	}
}
