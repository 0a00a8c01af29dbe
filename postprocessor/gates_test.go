package postprocessor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/gatetest"
	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// noLongerHold starts the message PostProcess shows when a gate fails after
// the build.
const noLongerHold = "the release gates held before the build but no longer hold; the image is kept, and its labels describe the repository as it is now: "

// The release gates in the post-processor's first Configure (HCL2's first
// call, JSON's only one), before any builder runs: a gate refused or not
// decided fails Configure with its message. Then the same gate through
// HCL2's second Configure and PostProcess, after the build: nothing fails,
// the builder's artifact is kept, and a gate that no longer holds is only
// shown.
func TestGates(t *testing.T) {
	for _, tc := range gatetest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			s := tc.Make(t)
			cfg := tc.Config(s)
			p := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(s.Env)}
			err := p.Configure(cfg, packerVars())
			switch {
			case tc.Outcome == gatetest.Holds && err != nil:
				t.Fatalf("Configure refused: %v", err)
			case tc.Outcome != gatetest.Holds && err == nil:
				t.Fatalf("Configure succeeded; want %q", tc.Expected(s))
			case tc.Outcome != gatetest.Holds && !tc.Match(s, err.Error()):
				t.Errorf("Configure failed with\n%s\nwant\n%s", err, tc.Expected(s))
			}

			// After the build. A refused gate gets here only if the
			// repository changed since the first Configure; here the
			// first Configure had no gate.
			if tc.Outcome != gatetest.Holds {
				p = &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(s.Env)}
				if err := p.Configure(map[string]interface{}{"git_path": s.Dir}, packerVars()); err != nil {
					t.Fatal(err)
				}
			}
			if tc.Break != nil {
				tc.Break(s.Repo)
			}
			if err := p.Configure(cfg, packerVars()); err != nil {
				t.Fatalf("the second Configure, after the build, failed: %v", err)
			}
			ui, out := testUI()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			source := sourceArtifact(twoRegions(), nil)
			got, keep, force, err := p.PostProcess(ctx, ui, source)
			if err != nil || !keep || !force || source.DestroyCalled {
				t.Fatalf("PostProcess after the build: %v (keep %v, force %v, destroyed %v)\nUI:\n%s", err, keep, force, source.DestroyCalled, out)
			}
			if art, ok := got.(*Artifact); !ok || art.Labels()["build_name"] != "web" {
				t.Errorf("PostProcess returned %#v, want enrich's artifact with the labels", got)
			}
			_, shown, said := strings.Cut(out.String(), noLongerHold)
			shown, _, _ = strings.Cut(shown, "\n") // the cases fail one gate: one line
			switch {
			case tc.Outcome == gatetest.Holds && tc.Break == nil && said:
				t.Errorf("a gate that holds is shown as failing:\n%s", out)
			case tc.Break != nil && (!said || !strings.Contains(shown, "require.")):
				t.Errorf("the gate broken during the build is not shown:\n%s", out)
			case tc.Outcome != gatetest.Holds && (!said || !tc.Match(s, shown)):
				t.Errorf("UI:\n%s\nwant it to say\n%s%s", out, noLongerHold, tc.Expected(s))
			}
		})
	}
}

// What can be refused without the repository is refused by Configure, at
// packer validate already, and a gate is never evaluated against values
// Packer does not know before the build.
func TestGatesConfigure(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		cfg  map[string]interface{}
		want string
	}{
		{map[string]interface{}{"dirty_check": "off", "require": map[string]interface{}{"clean": true}},
			`require.clean: dirty_check = "off" skips the check that clean needs, so the gate could never be decided (refused without reading the repository); set dirty_check to "all" or "tracked", or remove clean`},
		{map[string]interface{}{"require": map[string]interface{}{"tag": "v["}},
			`require.tag: "v[" is not a valid glob: syntax error in pattern; use *, ? and [...] as in "v*" or "v[0-9]*"`},
		{map[string]interface{}{"git_path": "<unknown>", "require": map[string]interface{}{"clean": true}},
			`require.clean: cannot be decided: git_path (<unknown>) is not known before the build, so the repository cannot be read before any builder runs; set git_path from a variable or path.root, or set the gates from a variable (clean = var.release)`},
		{map[string]interface{}{"require": map[string]interface{}{"tag": "<unknown>"}},
			`require.tag: the value is not known before the build, so the gate cannot be decided before any builder runs; set it from a variable or write it out`},
	} {
		if _, ok := tc.cfg["git_path"]; !ok {
			tc.cfg["git_path"] = dir
		}
		var p PostProcessor
		err := p.Configure(tc.cfg, packerVars())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Configure(%v) = %v\nwant %s", tc.cfg, err, tc.want)
		}
	}
}

// Without a require block Configure runs no git; with one it reads the
// repository once, and require.pushed adds one call.
func TestGatesCost(t *testing.T) {
	r := testrepo.New(t)
	// a tag, so that git describe always runs to its end: without one,
	// gitinfo stops it, sooner or later, and the count would vary
	r.Git("tag", "v1.0.0")
	r.BareRemote("origin")
	r.Push("origin", "main")
	calls := gatetest.CountGit(t)
	count := func(require map[string]interface{}) int {
		cfg := map[string]interface{}{"git_path": r.Dir}
		if require != nil {
			cfg["require"] = require
		}
		before := calls()
		var p PostProcessor
		if err := p.Configure(cfg, packerVars()); err != nil {
			t.Fatal(err)
		}
		return calls() - before
	}
	none, clean, pushed := count(nil), count(map[string]interface{}{"clean": true}), count(map[string]interface{}{"clean": true, "pushed": true})
	if none != 0 || clean == 0 || pushed != clean+1 {
		t.Errorf("git calls of Configure: %d without require, %d with clean, %d with pushed too; want 0, n, n+1", none, clean, pushed)
	}
}

// In JSON templates a gate is set from a user variable, as
// "clean": "{{user `release`}}": off, a dirty work tree builds; on, it is
// refused.
func TestGatesJSONUserVariable(t *testing.T) {
	r := testrepo.New(t)
	r.Write("notes.txt", "work in progress\n")
	for _, release := range []string{"false", "true"} {
		vars := packerVars()
		vars["packer_user_variables"] = map[string]string{"release": release}
		var p PostProcessor
		err := p.Configure(map[string]interface{}{"git_path": r.Dir, "require": map[string]interface{}{"clean": "{{user `release`}}"}}, vars)
		if refused := err != nil && strings.HasPrefix(err.Error(), "require.clean: the work tree of "); refused != (release == "true") || (err != nil && !refused) {
			t.Errorf("release = %s: Configure = %v", release, err)
		}
	}
}
