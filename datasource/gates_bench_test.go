package datasource

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// BenchmarkExecuteGates measures what the release gates add to the data
// source: Execute without a require block, with the gates that read only
// the facts enrich collects anyway (clean, tag, branches), with pushed (one
// git call more), and with all four. Every gate holds: the tag is the one
// a GitLab tag pipeline builds, which is HEAD. The variants run in turn in
// every iteration, so that a machine's changing load weighs on all alike;
// each reports its median in ms (none-ms, gates-ms, pushed-ms, all-ms).
//
// The repository is ENRICH_BENCH_REPO when set (a clean work tree on main,
// such as gitinfo's generated benchmark repository of 41,000 files and
// 20,000 commits), else 2,000 committed files in 40 directories.
func BenchmarkExecuteGates(b *testing.B) {
	dir := os.Getenv("ENRICH_BENCH_REPO")
	r := testrepo.Open(b, dir)
	if dir == "" {
		r = benchFiles(b)
	}
	env := map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "1", "CI_COMMIT_SHA": r.Git("rev-parse", "HEAD"), "CI_COMMIT_TAG": "v9.9.9"}
	variants := []struct {
		name    string
		require map[string]interface{}
	}{
		{"none", nil},
		{"gates", map[string]interface{}{"clean": true, "tag": "v*", "branches": []string{"main"}}},
		{"pushed", map[string]interface{}{"pushed": true}},
		{"all", map[string]interface{}{"clean": true, "pushed": true, "tag": "v*", "branches": []string{"main"}}},
	}
	sources := make([]*Datasource, len(variants))
	for i, v := range variants {
		cfg := map[string]interface{}{"git_path": r.Dir}
		if v.require != nil {
			cfg["require"] = v.require
		}
		sources[i] = &Datasource{lookupEnv: testrepo.Env(env)}
		if err := sources[i].Configure(cfg); err != nil {
			b.Fatal(err)
		}
	}
	times := make([][]time.Duration, len(variants))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, d := range sources {
			start := time.Now()
			if _, err := d.Execute(); err != nil {
				b.Fatalf("%s: %v", variants[i].name, err)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	for i, v := range variants {
		slices.Sort(times[i])
		b.ReportMetric(float64(times[i][len(times[i])/2].Microseconds())/1000, v.name+"-ms")
	}
}
