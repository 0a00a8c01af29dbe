package e2e

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// nullSources returns HCL source blocks of the null builder named names.
func nullSources(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "source \"null\" %q {\n  communicator = \"none\"\n}\n", n)
	}
	return b.String()
}

// checkParallelRun checks that every build of names was completed in HCP
// with its own labels and has its entry in out.
func checkParallelRun(t *testing.T, r *testrepo.Repo, hcp *hcpServer, res result, out map[string]outputBuild, names []string) {
	t.Helper()
	done := hcp.Done()
	for _, name := range names {
		u, ok := done["null."+name]
		if !ok {
			t.Errorf("no BUILD_DONE for null.%s (got %v)", name, keys(done))
			continue
		}
		want := enrichLabels(r, "", name, "null")
		checkRunLabels(t, want, u.Labels, u, res)
		equalMaps(t, "BUILD_DONE labels of "+name, u.Labels, withGitSHA(want, r))
		equalArtifacts(t, u, "Null@null")
		e, ok := out["null."+name]
		if !ok {
			t.Errorf("the output file has no entry for %s", name)
			continue
		}
		equalMaps(t, "output file labels of "+name, e.Labels, want)
		if e.Name != name || e.PackerRunUUID != u.PackerRunUUID {
			t.Errorf("output entry %s = %+v, want name %s and run %s", name, e, name, u.PackerRunUUID)
		}
	}
}

// Scenario 7: -parallel-builds with 4 sources sharing one output file: 4
// entries, valid JSON, and 4 builds in HCP with their own labels.
func TestAccParallelBuilds(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	names := []string{"a", "b", "c", "d"}
	output := filepath.Join(t.TempDir(), "shared", "enriched.json")
	hcp := newHCPServer(t)
	r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(nullSources(names...), "acc", "",
		fmt.Sprintf("  post-processor \"enrich\" {\n    output = %q\n  }", output))})
	res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "-parallel-builds=4", "build.pkr.hcl")
	mustSucceed(t, res)
	out := readOutput(t, output)
	if len(out) != len(names) {
		t.Errorf("output file entries = %v, want %v", keys(out), names)
	}
	checkParallelRun(t, r, hcp, res, out, names)
}

// concurrencyRounds is how many times the concurrency test runs its
// processes, each time on a new output file.
const concurrencyRounds = 3

// Issue 5 (a): 4 Packer processes at once, each running 4 builds with
// -parallel-builds=4, all 16 named differently and all writing one output
// file: every round, all 16 entries are there, from this round's runs, and
// the file is valid JSON.
func TestAccConcurrentProcesses(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const procs, builds = 4, 4
	files := map[string]string{}
	output := filepath.Join(t.TempDir(), "enriched.json")
	body := fmt.Sprintf("  post-processor \"enrich\" {\n    output = %q\n  }", output)
	names := make([][]string, procs)
	for p := range procs {
		for b := range builds {
			names[p] = append(names[p], fmt.Sprintf("p%ds%d", p, b))
		}
		files[fmt.Sprintf("p%d.pkr.hcl", p)] = hcl(nullSources(names[p]...), "acc", "", body)
	}
	r := standardRepo(t, "", files)

	for round := range concurrencyRounds {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			if err := os.Remove(output); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			hcp := newHCPServer(t)
			results := make([]result, procs)
			errs := make([]error, procs)
			var wg sync.WaitGroup
			for p := range procs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[p], errs[p] = runPacker(t, r.Dir, hcp, nil, "build", "-color=false", "-parallel-builds=4", fmt.Sprintf("p%d.pkr.hcl", p))
				}()
			}
			wg.Wait()
			for p := range procs {
				if errs[p] != nil {
					t.Fatal(errs[p])
				}
				mustSucceed(t, results[p])
			}
			out := readOutput(t, output)
			if len(out) != procs*builds {
				t.Errorf("output file has %d entries, want %d: %v", len(out), procs*builds, keys(out))
			}
			if d := hcp.Done(); len(d) != procs*builds {
				t.Errorf("HCP has %d completed builds, want %d: %v", len(d), procs*builds, keys(d))
			}
			for p := range procs {
				checkParallelRun(t, r, hcp, results[p], out, names[p])
			}
		})
	}
}
