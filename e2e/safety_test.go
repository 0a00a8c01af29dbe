package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// fileBuild is an HCL2 template without HCP Packer: the file builder writes
// out/artifact.txt (its artifact, which Packer deletes when a post-processor
// fails), and body holds the build's post-processors.
func fileBuild(body string) string {
	return fmt.Sprintf(requireEnrich+`
source "file" "f" {
  content = "the artifact"
  target  = "out/artifact.txt"
}

build {
  sources = ["source.file.f"]

%s
}
`, body)
}

// oneLine joins Packer's output, which it wraps at 80 columns, into one line.
func oneLine(r result) string {
	return strings.Join(strings.Fields(r.Stdout+"\n"+r.Stderr), " ")
}

// mustSay fails t unless Packer's output says every one of msgs.
func mustSay(t *testing.T, r result, msgs ...string) {
	t.Helper()
	out := oneLine(r)
	for _, m := range msgs {
		if !strings.Contains(out, strings.Join(strings.Fields(m), " ")) {
			t.Errorf("packer's output does not say %q:\n%s", m, r)
		}
	}
}

// artifactKept fails t unless the file builder's artifact is still there.
func artifactKept(t *testing.T, r *testrepo.Repo, res result) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.Dir, "out", "artifact.txt"))
	if err != nil || string(b) != "the artifact" {
		t.Errorf("the builder's artifact is gone (%q, %v):\n%s", b, err, res)
	}
	if strings.Contains(res.Log, "Deleting original artifact") {
		t.Errorf("Packer deleted the builder's artifact")
	}
}

// Rule 1: every failure that can only happen after the build leaves the
// built file in place: the build succeeds and its output says what enrich
// could not do.
func TestAccAfterBuildFailuresKeepTheFile(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	for _, tc := range []struct {
		name string
		body string
		say  []string
	}{
		{"builder file", `  post-processor "enrich" {
    output = "out/artifact.txt"
  }`, []string{"(enrich): output: the labels were not written to out/artifact.txt", "is not an enrich output file"}},
		{"late separator", `  post-processor "enrich" {
    output = "out/${build.PackerRunUUID}/"
  }`, []string{"(enrich): output: the labels were not written to out/<unknown>/", "the value of the build it names was never known"}},
		{"repo gone", `  post-processors {
    post-processor "shell-local" {
      inline = ["rm -rf .git"]
    }
    post-processor "enrich" {
      git_required = true
    }
  }`, []string{"(enrich): git_required is set, but the git facts of", "the image has no git labels"}},
		{"dir replaced", `  post-processors {
    post-processor "shell-local" {
      inline = ["echo x > out/sub"]
    }
    post-processor "enrich" {
      output = "out/sub/enriched.json"
    }
  }`, []string{"(enrich): output: the labels were not written", "is not a directory"}},
		{"fifo", `  post-processors {
    post-processor "shell-local" {
      inline = ["mkfifo out/enriched.json"]
    }
    post-processor "enrich" {
      output = "out/enriched.json"
    }
  }`, []string{"(enrich): output: the labels were not written", "a FIFO"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": fileBuild(tc.body)})
			res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.pkr.hcl")
			mustSucceed(t, res)
			mustSay(t, res, tc.say...)
			artifactKept(t, r, res)
			if d := res.End.Sub(res.Start); d > time.Minute {
				t.Errorf("the build took %s", d)
			}
		})
	}
}

// Rule 1: HCL2 configures a post-processor again after the build, with the
// build's values known; a problem found only then is shown, never a
// failure.
func TestAccLateConfigure(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	r := standardRepo(t, "", map[string]string{"build.pkr.hcl": requireEnrich + `
source "noimage" "x" {
  generated_data = { Dir = "sub" }
}

build {
  sources = ["source.noimage.x"]
  post-processor "enrich" {
    output = "out/${build.Dir}/"
    labels = { dir = build.Dir }
  }
}
`})
	res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.pkr.hcl")
	mustSucceed(t, res)
	mustSay(t, res, "once the build's values were known, the configuration had problems", "output: out/sub/ ends in a path separator")
}

// Rule 1: on_conflict = "error" is the one failure after the build the user
// asks for, and the docs say what Packer then does: it deletes the
// builder's artifact, as for any failing post-processor.
func TestAccOnConflictErrorDeletesTheArtifact(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	hcp := newHCPServer(t)
	r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(`source "noimage" "x" {
  publish_image = true
  image_labels  = { team = "db" }
}`, "acc", "", `  post-processor "enrich" {
    on_conflict = "error"
    labels      = { team = "web" }
  }`)})
	res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
	mustFail(t, res, `on_conflict = "error"`, "team on image")
	if !strings.Contains(res.Log, "Deleting original artifact") {
		t.Errorf("Packer kept the artifact; the docs say it deletes it")
	}
}

// Rule 3: output set to a FIFO, a device, a path ending in a separator and
// a symlink: the first three are refused by packer validate, naming the
// option, without hanging; the symlink is written through to its target.
func TestAccOutputPaths(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	for _, tc := range []struct {
		name, output string
		setup        func(t *testing.T, r *testrepo.Repo)
		say          []string
	}{
		{"fifo", "out/fifo.json", func(t *testing.T, r *testrepo.Repo) {
			if err := syscall.Mkfifo(filepath.Join(r.Dir, "out", "fifo.json"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"output: out/fifo.json is a FIFO (named pipe)"}},
		{"device", "/dev/null", nil, []string{"output: /dev/null is a character device"}},
		{"zero device", "/dev/zero", nil, []string{"output: /dev/zero is a character device"}},
		{"directory with a separator", "newdir/", nil, []string{"output: newdir/ ends in a path separator", "newdir/enriched.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": fileBuild(fmt.Sprintf(`  post-processor "enrich" {
    output = %q
  }`, tc.output))})
			if err := os.MkdirAll(filepath.Join(r.Dir, "out"), 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(t, r)
			}
			for _, cmd := range []string{"validate", "build"} {
				res := packer(t, r.Dir, nil, nil, cmd, "build.pkr.hcl")
				mustFail(t, res, tc.say...)
				if d := res.End.Sub(res.Start); d > time.Minute {
					t.Errorf("packer %s took %s", cmd, d)
				}
			}
			if _, err := os.Stat(filepath.Join(r.Dir, "out", "artifact.txt")); err == nil {
				t.Errorf("the build ran; it must be refused before the builder")
			}
		})
	}
	t.Run("symlink", func(t *testing.T) {
		t.Parallel()
		r := standardRepo(t, "", map[string]string{"build.pkr.hcl": fileBuild(`  post-processor "enrich" {
    output = "out/link.json"
  }`)})
		shared := filepath.Join(t.TempDir(), "shared")
		if err := os.MkdirAll(shared, 0o755); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(shared, "enriched.json")
		if err := os.WriteFile(target, []byte(`{"builds": {}, "owner": "platform"}`), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(r.Dir, "out"), 0o755); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(r.Dir, "out", "link.json")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.pkr.hcl")
		mustSucceed(t, res)
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the symlink was replaced: %v, %v", fi, err)
		}
		out := readRaw(t, target)
		if !strings.Contains(out, `"file.f"`) || !strings.Contains(out, `"owner": "platform"`) {
			t.Errorf("the target was not written through the link, or lost its keys:\n%s", out)
		}
		entries, _ := os.ReadDir(shared)
		if len(entries) != 1 {
			t.Errorf("files beside the target: %v", entries)
		}
	})
}

func readRaw(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Rule 3: two builds in a row in one checkout report the same git_dirty,
// with the output file inside the work tree and not ignored; no lock or
// temporary file is left in the tree.
func TestAccGitDirtyStable(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	r := standardRepo(t, "", map[string]string{"build.pkr.hcl": fileBuild(`  post-processor "enrich" {
    output = "enriched/enriched.json"
  }`)})
	var dirty []string
	for i := 0; i < 2; i++ {
		res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.pkr.hcl")
		mustSucceed(t, res)
		e := readOutput(t, filepath.Join(r.Dir, "enriched", "enriched.json"))["file.f"]
		dirty = append(dirty, e.Labels["git_dirty"])
	}
	if dirty[0] != "false" || dirty[1] != "false" {
		t.Errorf("git_dirty of two builds in a row = %v, want false, false", dirty)
	}
	if st := r.Git("status", "--porcelain", "--untracked-files=all"); st != "?? enriched/enriched.json" {
		t.Errorf("git status = %q, want only the output file", st)
	}
}

// Rule 3: while another process holds the output's lock, the build says
// which process and waits; it goes on once the lock is released.
func TestAccOutputLockHeld(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	r := standardRepo(t, "", map[string]string{"build.pkr.hcl": fileBuild(`  post-processor "enrich" {
    output = "out/enriched.json"
  }`)})
	out := filepath.Join(r.Dir, "out", "enriched.json")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, []byte(`{"builds": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	const hold = 4 * time.Second
	release := time.AfterFunc(hold, func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) })
	defer release.Stop()
	res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.pkr.hcl")
	mustSucceed(t, res)
	mustSay(t, res, fmt.Sprintf("is locked by process %d", os.Getpid()), "waiting for it (Ctrl-C stops the wait)")
	if d := res.End.Sub(res.Start); d < hold {
		t.Errorf("the build took %s, less than the lock was held", d)
	}
	if _, ok := readOutput(t, out)["file.f"]; !ok {
		t.Errorf("the entry was not written after the lock was released")
	}
}

// Rule 4: in a JSON template, a label carrying a sensitive variable fails
// packer validate, naming the label and the variable, never the value.
func TestAccSensitiveVariableJSON(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const secret = "s3cr3t-db-passw0rd"
	for _, tc := range []struct{ name, label string }{
		{"as is", "{{ user `db_password` }}"},
		{"upper-cased", "{{ upper (user `db_password`) }}"},
		{"inside a URL", "postgres://app:{{ user `db_password` }}@db/app"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := standardRepo(t, "", map[string]string{"build.json": fmt.Sprintf(`{
  "variables": {"db_password": %q},
  "sensitive-variables": ["db_password"],
  "builders": [{"type": "file", "content": "the artifact", "target": "out/artifact.txt"}],
  "post-processors": [{"type": "enrich", "labels": {"db": %q}}]
}`, secret, tc.label)})
			res := packer(t, r.Dir, nil, nil, "validate", "build.json")
			mustFail(t, res, `labels["db"]: the value carries the sensitive variable "db_password"`)
			if strings.Contains(res.all(), secret) {
				t.Errorf("Packer's output or log holds the secret")
			}
		})
	}
}

// Rule 2: Packer's own manifest and shell-local after enrich, in one
// post-processors sequence, receive what they receive without enrich.
func TestAccChainManifestShellLocal(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	chain := func(enrich bool) string {
		first := ""
		if enrich {
			first = `    post-processor "enrich" {}
`
		}
		return fileBuild(`  post-processors {
` + first + `    post-processor "manifest" {
      output      = "out/manifest.json"
      custom_data = { id = build.ID }
    }
    post-processor "shell-local" {
      inline = ["echo \"$PACKER_BUILD_NAME $PACKER_BUILDER_TYPE ${build.ID}\" > out/shell.txt"]
    }
  }`)
	}
	seen := map[bool][2]string{}
	for _, enrich := range []bool{false, true} {
		r := standardRepo(t, "", map[string]string{"build.pkr.hcl": chain(enrich)})
		res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.pkr.hcl")
		mustSucceed(t, res)
		artifactKept(t, r, res)
		m := readManifest(t, filepath.Join(r.Dir, "out", "manifest.json"))
		if len(m.Builds) != 1 {
			t.Fatalf("manifest builds: %+v", m.Builds)
		}
		b := m.Builds[0]
		seen[enrich] = [2]string{
			fmt.Sprintf("%s %s %s %s", b.Name, b.BuilderType, b.ArtifactID, b.CustomData["id"]),
			readRaw(t, filepath.Join(r.Dir, "out", "shell.txt")),
		}
	}
	t.Logf("manifest and shell-local saw %q", seen[false])
	if seen[false][1] == "" || seen[true] != seen[false] {
		t.Errorf("after enrich manifest and shell-local saw %q, without enrich %q", seen[true], seen[false])
	}
}

// Rule 4 after the build: a label carrying a secret of the generated data,
// upper-cased or base64 encoded, is left out with an error line, and the
// build succeeds; the secret is nowhere.
func TestAccSecretLabelLeftOut(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	hcp := newHCPServer(t)
	r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(secretSource, "acc", "", `  post-processor "enrich" {
    labels = {
      loud    = upper(build.Password)
      encoded = base64encode(build.WinRMPassword)
      team    = "web"
    }
    output = "out/enriched.json"
  }`)})
	res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
	mustSucceed(t, res)
	mustSay(t, res, `(enrich): the label "loud" was left out: its value carries the generated data's "Password"`,
		`(enrich): the label "encoded" was left out: its value carries the generated data's "WinRMPassword"`)
	u := hcp.DoneOne()
	if _, ok := u.Labels["loud"]; ok || u.Labels["team"] != "web" {
		t.Errorf("HCP labels %v: want loud left out, team kept", u.Labels)
	}
	if _, ok := u.Labels["encoded"]; ok {
		t.Errorf("HCP got the encoded label")
	}
	out := readRaw(t, filepath.Join(r.Dir, "out", "enriched.json"))
	for _, s := range []string{strings.ToUpper(secretPassword), secretPassword, secretWinRM} {
		if strings.Contains(out, s) || strings.Contains(res.Stdout+res.Stderr, s) {
			t.Errorf("%q reached the output file or Packer's output", s)
		}
	}
}
