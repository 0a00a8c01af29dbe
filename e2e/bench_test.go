package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// BenchmarkPackerBuildEnrichVsManifest measures what enrich costs a real
// `packer build`: the same null-builder build with enrich (git_path the
// generated repository, output a file) and with Packer's own manifest
// post-processor (output a file), run in pairs whose order alternates. It
// reports the medians of each (enrich-ms, manifest-ms), the median of the
// pairs' differences (delta-ms), the median time of the one `git status`
// enrich runs there (git-status-ms) and of `git describe --tags --always`
// (git-describe-ms), each timed beside every pair, the median of the pairs'
// differences in CPU time (delta-cpu-ms: user and system time of Packer and
// every process it waited for, the plugin and its git included; what the
// machine's load changes least) with the CPU time of that `git status`
// (git-status-cpu-ms), and the median 1-minute load average of
// /proc/loadavg before each pair (load). The goals
// (issue 14): delta-ms at most 50 on the tagless history, and at most
// git-status-ms + 20 on the large repository.
//
// It runs only with PACKER_ACC=1, as the suite (make bench-build).
func BenchmarkPackerBuildEnrichVsManifest(b *testing.B) {
	requireAcc(b)
	pluginPath := benchPluginPath(b)
	for _, s := range []testrepo.Shape{testrepo.Tagless60k, testrepo.Large} {
		b.Run(s.Name, func(b *testing.B) {
			repo := testrepo.Generated(b, s)
			dir := b.TempDir()
			builds := map[string]string{
				"enrich":   benchTemplate(`  post-processor "enrich" {` + fmt.Sprintf("\n    git_path = %q\n    output   = %q\n  }", repo, filepath.Join(dir, "enriched.json"))),
				"manifest": benchTemplate(`  post-processor "manifest" {` + fmt.Sprintf("\n    output = %q\n  }", filepath.Join(dir, "manifest.json"))),
			}
			for name, tmpl := range builds {
				testrepo.WriteFile(b, filepath.Join(dir, name+".pkr.hcl"), tmpl)
			}
			var cpu = map[string][]float64{}
			run := func(name string) float64 {
				b.Helper()
				wall, used, err := timePackerBuild(b, dir, pluginPath, name+".pkr.hcl")
				if err != nil {
					b.Fatal(err)
				}
				cpu[name] = append(cpu[name], ms(used))
				return ms(wall)
			}
			// Warm up: the plugin binary, Packer and the repository's packs
			// in the page cache; enrich's labels checked once.
			run("manifest")
			run("enrich")
			if out := readRaw(b, filepath.Join(dir, "enriched.json")); !strings.Contains(out, `"git_commit":`) || !strings.Contains(out, `"git_dirty":"false"`) {
				b.Fatalf("enrich did not describe a clean repository:\n%s", out)
			}
			r := testrepo.Open(b, repo)
			status := []string{"--no-optional-locks", "status", "--porcelain=v2", "-z", "--no-renames", "--no-show-stash", "--untracked-files=normal", "--", ":/"}
			describe := []string{"--no-optional-locks", "describe", "--tags", "--always", "HEAD"}
			clear(cpu) // not the warm-up's
			b.Logf("load before: %s", loadavg(b))
			var enrich, manifest, delta, st, stCPU, desc, load []float64
			for i := 0; b.Loop(); i++ {
				load = append(load, load1(b))
				var e, m float64
				if i%2 == 0 {
					e, m = run("enrich"), run("manifest")
				} else {
					m, e = run("manifest"), run("enrich")
				}
				enrich, manifest, delta = append(enrich, e), append(manifest, m), append(delta, e-m)
				wall, used := timeGit(b, r, status...)
				st, stCPU = append(st, wall), append(stCPU, used)
				wall, _ = timeGit(b, r, describe...)
				desc = append(desc, wall)
			}
			b.Logf("load after: %s", loadavg(b))
			b.Logf("enrich %v ms, manifest %v ms, delta %v ms, git status %v ms", enrich, manifest, delta, st)
			b.ReportMetric(medianOf(enrich), "enrich-ms")
			b.ReportMetric(medianOf(manifest), "manifest-ms")
			b.ReportMetric(medianOf(delta), "delta-ms")
			b.ReportMetric(medianOf(st), "git-status-ms")
			b.ReportMetric(medianOf(desc), "git-describe-ms")
			b.ReportMetric(medianOf(load), "load")
			var cpuDelta []float64
			for i := range cpu["enrich"] {
				cpuDelta = append(cpuDelta, cpu["enrich"][i]-cpu["manifest"][i])
			}
			b.ReportMetric(medianOf(cpuDelta), "delta-cpu-ms")
			b.ReportMetric(medianOf(stCPU), "git-status-cpu-ms")
			goal := goalMs(s, medianOf(st))
			b.Logf("goal: enrich adds at most %.0f ms; it added %.0f ms (median of %d pairs, load %.1f on %d cores): %s",
				goal, medianOf(delta), len(delta), medianOf(load), runtime.NumCPU(), map[bool]string{true: "met", false: "not met"}[medianOf(delta) <= goal])
		})
	}
}

// goalMs is what enrich may add to a build on a repository of shape s
// (issue 14): 50 ms where there is no tag, one `git status` (statusMs) and
// 20 ms elsewhere.
func goalMs(s testrepo.Shape, statusMs float64) float64 {
	if s.Tags == 0 {
		return 50
	}
	return statusMs + 20
}

// benchTemplate is an HCL2 template of one null build with the
// post-processor pp; both builds require the enrich plugin, so that
// Packer's start is the same.
func benchTemplate(pp string) string {
	return requireEnrich + `
source "null" "bench" {
  communicator = "none"
}

build {
  sources = ["source.null.bench"]

` + pp + `
}
`
}

// benchPluginPath is a PACKER_PLUGIN_PATH with only enrich installed, so
// that Packer starts no other plugin in either build.
func benchPluginPath(b *testing.B) string {
	b.Helper()
	plugins := b.TempDir()
	home := b.TempDir()
	cmd := exec.Command(suite.packer, "plugins", "install", "--path", suite.plugin, enrichSource) //nolint:gosec // the suite's Packer and plugin binaries
	cmd.Env = append(baseEnv(home, b.TempDir()), "PACKER_PLUGIN_PATH="+plugins)
	cmd.Dir = home
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("packer plugins install: %v\n%s", err, out)
	}
	return plugins
}

// timePackerBuild runs `packer build` of template in dir, as a user would
// (no PACKER_LOG), in the suite's environment with pluginPath, and returns
// how long it took and the CPU time (user and system) Packer and the
// processes it waited for (the plugin, and the git the plugin ran) used.
func timePackerBuild(b *testing.B, dir, pluginPath, template string) (wall, cpu time.Duration, err error) {
	home, tmp := b.TempDir(), b.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), packerTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, suite.packer, "build", "-color=false", template) //nolint:gosec // the suite's Packer binary
	cmd.Dir = dir
	// the later PACKER_PLUGIN_PATH wins
	cmd.Env = append(baseEnv(home, tmp), "PACKER_PLUGIN_PATH="+pluginPath)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return wall, 0, fmt.Errorf("packer build %s: %w\n%s", template, err, out.String())
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// timeGit runs git with args in the repository, as enrich would (no trust
// widened), and returns how long it took and the CPU time it used, in
// milliseconds.
func timeGit(b *testing.B, r *testrepo.Repo, args ...string) (wall, cpu float64) {
	b.Helper()
	cmd := r.Command(r.Dir, args...)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return ms(time.Since(start)), ms(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

// loadavg is /proc/loadavg.
func loadavg(b *testing.B) string {
	b.Helper()
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		b.Fatalf("the benchmark reports the machine's load from /proc/loadavg: %v", err)
	}
	return strings.TrimSpace(string(data))
}

// load1 is the 1-minute load average.
func load1(b *testing.B) float64 {
	b.Helper()
	f, err := strconv.ParseFloat(strings.Fields(loadavg(b))[0], 64)
	if err != nil {
		b.Fatal(err)
	}
	return f
}
