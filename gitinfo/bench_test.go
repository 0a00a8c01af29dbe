package gitinfo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// benchGit is the git Collect finds, for sequentialCLI.
var benchGit, _ = exec.LookPath("git")

// benchRepos returns the directory holding testrepo.Large's repositories,
// one per testrepo.Variants: with and without a commit-graph, refreshed
// (the index has settled stat data) and as a fresh clone (every entry
// racily clean, as in a CI checkout, so status hashes the files).
func benchRepos(b *testing.B) string {
	return filepath.Dir(testrepo.Generated(b, testrepo.Large))
}

// sequentialCLI runs the git commands Collect runs, one after another
// (describe only when there is a tag, as Collect stops it otherwise).
func sequentialCLI(ctx context.Context, dir string) error {
	r := &runner{bin: benchGit, dir: dir, env: gitEnv()}
	at, err := discoverCLI(ctx, r)
	if err != nil {
		return err
	}
	for _, args := range [][]string{
		{"log", "-1", "--no-walk", "--format=%H%x00%h%x00%ct%x00%an%x00%T", "HEAD", "--"},
		{"for-each-ref", "--points-at=HEAD", "--sort=-v:refname", "--format=%(refname)", "refs/heads/", "refs/tags/"},
		{"symbolic-ref", "-q", "HEAD"},
		{"remote", "-v"},
	} {
		if _, err := r.run(ctx, args...); err != nil {
			return err
		}
	}
	if tags, err := r.run(ctx, "for-each-ref", "--count=1", "--format=x", "refs/tags/"); err != nil {
		return err
	} else if len(tags) > 0 {
		if _, err := r.run(ctx, "describe", "--tags", "--always", "HEAD"); err != nil {
			return err
		}
	}
	_, err = gitStatus(ctx, r, at, DirtyAll, nil)
	return err
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkCollect measures Collect (ns/op) on each variant, and in the
// same iterations the same git commands run one after another
// (gitcli-ms/op); x-of-gitcli is the ratio of the medians (target <= 1.0).
func BenchmarkCollect(b *testing.B) {
	dir := benchRepos(b)
	ctx := context.Background()
	for _, v := range testrepo.Variants {
		b.Run(v, func(b *testing.B) {
			repo := filepath.Join(dir, v)
			f, err := Collect(ctx, repo, Options{})
			if err != nil || f.Dirty == nil || *f.Dirty || !strings.HasPrefix(f.Describe, "v1.3000.0-2000-g") || len(f.Unknown) > 0 {
				b.Fatalf("unexpected facts %+v: %v", f, err)
			}
			// the go-git path abbreviates a 145,000-object repository as git
			if g, err := collectGoGit(repo, DirtyAll, Options{}); err != nil || g.ShortCommit != f.ShortCommit || !slices.Equal(g.Tags, f.Tags) {
				b.Fatalf("go-git: short commit %q, tags %q (%v); git says %q, %q", g.ShortCommit, g.Tags, err, f.ShortCommit, f.Tags)
			}
			measureCollect(b, repo, Options{})
		})
	}
}

// BenchmarkCollectPushed measures Collect with Options.Pushed on the clones
// (HEAD at origin/main), against the same without it, in the same
// iterations (pushed-ms/op, without-ms/op, x-of-without).
func BenchmarkCollectPushed(b *testing.B) {
	dir := benchRepos(b)
	ctx := context.Background()
	for _, v := range []string{"fresh-clone", "fresh-clone-commit-graph"} {
		b.Run(v, func(b *testing.B) {
			repo := filepath.Join(dir, v)
			if f, err := Collect(ctx, repo, Options{Pushed: true}); err != nil || f.Pushed == nil || !*f.Pushed || f.PushedRef != "refs/remotes/origin/main" {
				b.Fatalf("unexpected facts %+v: %v", f, err)
			}
			var with, without []time.Duration
			for i := 0; b.Loop(); i++ {
				order := []bool{true, false}
				if i%2 == 1 { // alternate which goes first
					order = []bool{false, true}
				}
				for _, pushed := range order {
					start := time.Now()
					if _, err := Collect(ctx, repo, Options{Pushed: pushed}); err != nil {
						b.Fatal(err)
					}
					if pushed {
						with = append(with, time.Since(start))
					} else {
						without = append(without, time.Since(start))
					}
				}
			}
			b.ReportMetric(float64(median(with).Microseconds())/1000, "pushed-ms/op")
			b.ReportMetric(float64(median(without).Microseconds())/1000, "without-ms/op")
			b.ReportMetric(float64(median(with))/float64(median(without)), "x-of-without")
		})
	}
}

// measureCollect times Collect on repo (ns/op, collect-ms/op) and, in the
// same iterations, the same git commands one after another (gitcli-ms/op,
// alternating which goes first); x-of-gitcli is the ratio of the medians.
func measureCollect(b *testing.B, repo string, opts Options) {
	ctx := context.Background()
	var ours, cli []time.Duration
	sequential := func() {
		b.StopTimer()
		start := time.Now()
		if err := sequentialCLI(ctx, repo); err != nil {
			b.Fatal(err)
		}
		cli = append(cli, time.Since(start))
		b.StartTimer()
	}
	for i := 0; b.Loop(); i++ {
		if i%2 == 1 {
			sequential()
		}
		start := time.Now()
		if _, err := Collect(ctx, repo, opts); err != nil {
			b.Fatal(err)
		}
		ours = append(ours, time.Since(start))
		if i%2 == 0 {
			sequential()
		}
	}
	b.ReportMetric(float64(median(ours).Microseconds())/1000, "collect-ms/op")
	b.ReportMetric(float64(median(cli).Microseconds())/1000, "gitcli-ms/op")
	b.ReportMetric(float64(median(ours))/float64(median(cli)), "x-of-gitcli")
}

// BenchmarkCollectPeakRSS runs Collect in a child process (this test binary
// again) and reports its peak RSS (its own VmHWM, target <= 30 MiB; the git
// processes it starts are separate processes). The child's rusage is no
// measure: Linux carries the forking parent's peak into it.
func BenchmarkCollectPeakRSS(b *testing.B) {
	dir := benchRepos(b)
	for _, v := range testrepo.Variants {
		b.Run(v, func(b *testing.B) {
			var own []float64
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^$") //nolint:gosec // this test binary
				cmd.Env = append(os.Environ(), "GITINFO_RSS_CHILD="+filepath.Join(dir, v))
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("child: %v: %s", err, out)
				}
				kb, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
				if err != nil {
					b.Fatalf("child printed %q", out)
				}
				own = append(own, kb/1024)
			}
			slices.Sort(own)
			b.ReportMetric(own[len(own)/2], "peak-RSS-MiB")
		})
	}
}

// rssChild runs Collect on dir and prints the process's peak RSS in KiB.
func rssChild(dir string) {
	if _, err := Collect(context.Background(), dir, Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Println(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			os.Exit(0)
		}
	}
	os.Exit(2)
}
