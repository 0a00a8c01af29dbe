package datasource

import (
	"slices"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/gatetest"
	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// The release gates in the data source: Execute, which Packer runs before
// any builder, fails with the gate's message when a gate is refused or
// cannot be decided, and gives the outputs when every gate holds.
func TestGates(t *testing.T) {
	for _, tc := range gatetest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			s := tc.Make(t)
			d := &Datasource{lookupEnv: testrepo.Env(s.Env)}
			if err := d.Configure(tc.Config(s)); err != nil {
				t.Fatalf("Configure: %v", err)
			}
			v, err := d.Execute()
			switch {
			case tc.Outcome == gatetest.Holds && err != nil:
				t.Fatalf("Execute refused: %v", err)
			case tc.Outcome == gatetest.Holds:
				if v.IsNull() || v.GetAttr("commit").AsString() == "" {
					t.Errorf("outputs %#v", v)
				}
			case err == nil:
				t.Fatalf("Execute succeeded; want %q", tc.Expected(s))
			case !tc.Match(s, strings.TrimPrefix(err.Error(), "enrich: ")) || !strings.HasPrefix(err.Error(), "enrich: "):
				t.Errorf("Execute failed with\n%s\nwant\nenrich: %s", err, tc.Expected(s))
			}
		})
	}
}

// What can be refused without the repository is refused by Configure, at
// packer validate already.
func TestGatesConfigure(t *testing.T) {
	for _, tc := range []struct {
		require map[string]interface{}
		dirty   string
		want    string
	}{
		{map[string]interface{}{"clean": true}, "off", `require.clean: dirty_check = "off" skips the check that clean needs, so the gate could never be decided (refused without reading the repository); set dirty_check to "all" or "tracked", or remove clean`},
		{map[string]interface{}{"tag": "v["}, "", `require.tag: "v[" is not a valid glob: syntax error in pattern; use *, ? and [...] as in "v*" or "v[0-9]*"`},
		{map[string]interface{}{"branches": []string{"main", ""}}, "", `require.branches[1]: the glob is empty; name a branch, such as "main", or a glob, such as "release/*"`},
		{map[string]interface{}{"branches": []string{"release/[0-9"}}, "", `require.branches[0]: "release/[0-9" is not a valid glob: syntax error in pattern; use *, ? and [...] as in "main" or "release/*"`},
	} {
		var d Datasource
		err := d.Configure(map[string]interface{}{"git_path": t.TempDir(), "dirty_check": tc.dirty, "require": tc.require})
		if err == nil || !slices.Contains(strings.Split(err.Error(), "\n"), "* "+tc.want) {
			t.Errorf("Configure(require %v, dirty_check %q) = %v\nwant %s", tc.require, tc.dirty, err, tc.want)
		}
	}
}

// The gates cost nothing when unset, and require.pushed one git call.
func TestGatesCost(t *testing.T) {
	r := testrepo.New(t)
	r.Git("tag", "v1.0.0")
	r.BareRemote("origin")
	r.Push("origin", "main")
	calls := gatetest.CountGit(t)
	count := func(require map[string]interface{}) int {
		cfg := map[string]interface{}{"git_path": r.Dir}
		if require != nil {
			cfg["require"] = require
		}
		d := &Datasource{lookupEnv: testrepo.Env(nil)}
		if err := d.Configure(cfg); err != nil {
			t.Fatal(err)
		}
		before := calls()
		if _, err := d.Execute(); err != nil {
			t.Fatal(err)
		}
		return calls() - before
	}
	none := count(nil)
	gates := count(map[string]interface{}{"clean": true, "branches": []string{"main"}})
	pushed := count(map[string]interface{}{"pushed": true, "clean": true, "branches": []string{"main"}, "tag": "v*"})
	if none == 0 || gates != none || pushed != none+1 {
		t.Errorf("git calls: %d without require, %d with clean and branches, %d with pushed too; want n, n, n+1", none, gates, pushed)
	}
}
