package gitinfo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// The benchmark repository: 41,000 files, 20,000 commits, 3,000 annotated
// tags in packed-refs (one on every sixth commit up to commit 18,000, so
// describe walks 2,000 commits). benchVersion keys the cache; bump it when
// the generator changes.
const (
	benchVersion = "v2"
	benchDirs    = 40
	benchSubdirs = 25
	benchFiles   = 41 // 40*25*41 = 41,000 files
	benchCommits = 20000
	benchTags    = 3000
)

// benchVariants are the shapes measured: with and without a commit-graph,
// refreshed (the index has settled stat data) and as a fresh clone (every
// entry racily clean, as in a CI checkout, so status hashes the files).
var benchVariants = []string{"refreshed", "refreshed-commit-graph", "fresh-clone", "fresh-clone-commit-graph"}

// benchGit is the git Collect finds, for sequentialCLI.
var benchGit string

// cache is one generated benchmark directory under os.TempDir().
type cache struct {
	once sync.Once
	dir  string
	err  error
}

var (
	benchCache   cache // the benchmark repository's four shapes
	taglessCache cache // the tagless long history
)

// benchRepos returns the directory holding one repository per variant,
// generated on first use with git fast-import and cached under
// os.TempDir() for later runs.
func benchRepos(b *testing.B) string {
	return benchCache.get(b, "gitinfo-bench-"+benchVersion, generateBenchRepos)
}

// get returns the directory name under os.TempDir(), generating it with
// generate unless an earlier run left it ready.
func (c *cache) get(b *testing.B, name string, generate func(*testing.B, string) error) string {
	b.Helper()
	testrepo.NeedGit(b)
	c.once.Do(func() {
		benchGit, _ = exec.LookPath("git")
		c.dir = filepath.Join(os.TempDir(), name)
		if _, err := os.Stat(filepath.Join(c.dir, ".ready")); err == nil {
			return
		}
		_ = os.RemoveAll(c.dir)
		start := time.Now()
		c.err = generate(b, c.dir)
		if c.err == nil {
			c.err = os.WriteFile(filepath.Join(c.dir, ".ready"), nil, 0o600)
		}
		b.Logf("generated %s in %s", c.dir, time.Since(start).Round(time.Second))
	})
	if c.err != nil {
		b.Fatal(c.err)
	}
	return c.dir
}

func generateBenchRepos(b *testing.B, dir string) error {
	base := filepath.Join(dir, "refreshed")
	if err := os.MkdirAll(base, 0o750); err != nil {
		return err
	}
	r := testrepo.Open(b, base)
	r.Git("init", "-q", "-b", "main")
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeBenchHistory(pw)) }()
	cmd := r.Cmd("fast-import", "--quiet")
	cmd.Stdin = pr
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("fast-import: %w: %s", err, out)
	}
	r.Git("pack-refs", "--all")
	r.Git("reset", "-q", "--hard", "main")
	clone := func(from, name string, graph bool) string {
		c := filepath.Join(dir, name)
		r.GitIn(dir, "clone", "-q", from, c)
		if graph {
			r.GitIn(c, "commit-graph", "write", "--reachable")
		}
		return c
	}
	g := clone(base, "refreshed-commit-graph", true)
	clone(base, "fresh-clone", false)
	clone(g, "fresh-clone-commit-graph", true)
	// settle the stat data of the refreshed ones, as a work tree some
	// seconds old that git has looked at
	time.Sleep(1100 * time.Millisecond)
	for _, v := range benchVariants {
		c := filepath.Join(dir, v)
		verb := "set-url"
		if v == "refreshed" {
			verb = "add" // the clones' origin is where they came from
		}
		r.GitIn(c, "remote", verb, "origin", "https://ci-bot:glpat-secret@gitlab.example.com/big/repo.git")
		if strings.HasPrefix(v, "refreshed") {
			r.GitIn(c, "update-index", "-q", "--refresh")
		}
	}
	return nil
}

// writeBenchHistory writes the fast-import stream of the benchmark
// history.
func writeBenchHistory(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	path := func(n int) string {
		n %= benchDirs * benchSubdirs * benchFiles
		return fmt.Sprintf("module%02d/pkg%02d/file%03d.go", n/(benchSubdirs*benchFiles), n/benchFiles%benchSubdirs, n%benchFiles)
	}
	data := func(s string) { fmt.Fprintf(bw, "data %d\n%s\n", len(s), s) }
	tags := 0
	for i := 1; i <= benchCommits; i++ {
		ts := 1600000000 + i*600
		fmt.Fprintf(bw, "commit refs/heads/main\nmark :%d\n", i)
		fmt.Fprintf(bw, "author Ada Author <ada@example.com> %d +0000\ncommitter Cy Committer <cy@example.com> %d +0000\n", ts, ts)
		data("change " + strconv.Itoa(i))
		if i == 1 {
			bw.WriteString("M 100644 inline .gitignore\n")
			data("*.o\nbuild/\n")
			for n := range benchDirs * benchSubdirs * benchFiles {
				bw.WriteString("M 100644 inline " + path(n) + "\n")
				data(fmt.Sprintf("package p\n\n// file %d of a generated benchmark tree.\nvar X = %d\n", n, n))
			}
		} else {
			bw.WriteString("M 100644 inline " + path(i*7919) + "\n")
			data(fmt.Sprintf("package p\n\n// changed by commit %d.\nvar X = %d\n", i, i))
		}
		if i%6 == 0 && tags < benchTags {
			tags++
			fmt.Fprintf(bw, "tag v1.%d.0\nfrom :%d\ntagger Ada Author <ada@example.com> %d +0000\n", tags, i, ts)
			data("release " + strconv.Itoa(tags))
		}
	}
	return bw.Flush()
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
	for _, v := range benchVariants {
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
	for _, v := range benchVariants {
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
