package gitinfo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// benchVersion keys the cached benchmark repository; bump it when the
// generator changes.
const (
	benchVersion = "v1"
	benchDirs    = 40
	benchSubdirs = 25
	benchFiles   = 41 // 40*25*41 = 41,000 files
)

var (
	benchOnce sync.Once
	benchRepo string
	benchErr  error
)

// largeRepo returns a repository with 41,000 committed files, generated on
// first use with git fast-import and cached under os.TempDir().
func largeRepo(b *testing.B) string {
	b.Helper()
	needGit(b)
	benchOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "gitinfo-bench-"+benchVersion)
		if _, err := os.Stat(filepath.Join(dir, ".ready")); err == nil {
			benchRepo = dir
			return
		}
		_ = os.RemoveAll(dir)
		benchErr = generateLargeRepo(b, dir)
		if benchErr == nil {
			benchErr = os.WriteFile(filepath.Join(dir, ".ready"), nil, 0o600)
		}
		benchRepo = dir
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	// .ready lives in the work tree: keep it ignored so the repo is clean
	return benchRepo
}

func generateLargeRepo(b *testing.B, dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	r := &gitRepo{t: b, dir: dir}
	r.git("init", "-q", "-b", "main")
	r.git("remote", "add", "origin", "https://ci-bot:glpat-secret@gitlab.example.com/big/repo.git")
	var sb strings.Builder
	sb.WriteString("commit refs/heads/main\nauthor Ada Author <ada@example.com> 1700000000 +0000\ncommitter Cy Committer <cy@example.com> 1700000000 +0000\ndata 5\nbulk\n")
	ignore := "/.ready\n*.o\nbuild/\n"
	fmt.Fprintf(&sb, "M 100644 inline .gitignore\ndata %d\n%s\n", len(ignore), ignore)
	for d := 0; d < benchDirs; d++ {
		for s := 0; s < benchSubdirs; s++ {
			for f := 0; f < benchFiles; f++ {
				content := fmt.Sprintf("package p%d_%d\n\n// file %d of a generated benchmark tree.\nvar X%d = %d\n", d, s, f, f, d*s*f)
				fmt.Fprintf(&sb, "M 100644 inline module%02d/pkg%02d/file%03d.go\ndata %d\n%s\n", d, s, f, len(content), content)
			}
		}
	}
	sb.WriteString("reset refs/tags/v1.0.0\nfrom refs/heads/main\n\n")
	cmd := r.cmd("fast-import", "--quiet")
	cmd.Stdin = strings.NewReader(sb.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("fast-import: %w: %s", err, out)
	}
	for i := 0; i < 3; i++ {
		cmd := r.cmd("commit", "-q", "--allow-empty", "-m", "after "+strconv.Itoa(i))
		if i == 0 {
			cmd = r.cmd("reset", "-q", "--hard", "main")
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %w: %s", cmd.Args, err, out)
		}
	}
	r.git("tag", "-a", "-m", "release", "v1.1.0")
	r.git("commit", "-q", "--allow-empty", "-m", "head")
	// settle racily-clean entries like a checkout that is some seconds old
	time.Sleep(1100 * time.Millisecond)
	r.git("update-index", "--refresh")
	return nil
}

// timeIt returns the median duration of n runs of fn.
func timeIt(b *testing.B, n int, fn func() error) time.Duration {
	b.Helper()
	ds := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[n/2]
}

func gitCLI(dir string, args ...string) (string, error) {
	cmd := exec.Command(gitBin, append([]string{"--no-optional-locks", "-C", dir}, args...)...) //nolint:gosec // benchmark comparator
	out, err := cmd.Output()
	return string(out), err
}

// gitCLIFacts gathers the same facts as Collect with the git CLI.
func gitCLIFacts(dir string) error {
	for _, args := range [][]string{
		{"log", "-1", "--format=%H%n%h%n%ct%n%an"},
		{"symbolic-ref", "-q", "--short", "HEAD"},
		{"tag", "--points-at", "HEAD", "--sort=-v:refname"},
		{"describe", "--tags", "--always"},
		{"status", "--porcelain"},
		{"config", "--get", "remote.origin.url"},
	} {
		if _, err := gitCLI(dir, args...); err != nil {
			return fmt.Errorf("git %v: %w", args, err)
		}
	}
	return nil
}

func goGitStatus(dir string) error {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	_, err = wt.Status()
	return err
}

// goGitFacts gathers the facts the way go-git based tools do.
func goGitFacts(dir string) error {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return err
	}
	head, err := repo.Head()
	if err != nil {
		return err
	}
	if _, err := repo.CommitObject(head.Hash()); err != nil {
		return err
	}
	tags, err := repo.Tags()
	if err != nil {
		return err
	}
	if err := tags.ForEach(func(r *plumbing.Reference) error {
		if t, err := repo.TagObject(r.Hash()); err == nil {
			_, _ = t.Commit()
		}
		return nil
	}); err != nil {
		return err
	}
	if _, err := repo.Remotes(); err != nil {
		return err
	}
	return goGitStatus(dir)
}

// peakRSS runs fn after resetting the process's peak RSS and returns the
// new peak in MB (Linux only; 0 elsewhere).
func peakRSS(fn func()) float64 {
	if runtime.GOOS != "linux" {
		fn()
		return 0
	}
	runtime.GC()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o600); err != nil {
		fn()
		return 0
	}
	fn()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func collectAll(dir string) (*Facts, error) {
	return Collect(context.Background(), dir, Options{LookupEnv: noEnv})
}

// BenchmarkCollect measures the full fact set against the git CLI and
// go-git doing the same work in the same run.
func BenchmarkCollect(b *testing.B) {
	dir := largeRepo(b)
	f, err := collectAll(dir)
	if err != nil || f.Dirty == nil || *f.Dirty || f.Describe == "" {
		b.Fatalf("unexpected facts %+v: %v", f, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := collectAll(dir); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	ours := time.Duration(int64(b.Elapsed()) / int64(b.N))
	cli := timeIt(b, 5, func() error { return gitCLIFacts(dir) })
	gg := timeIt(b, 3, func() error { return goGitFacts(dir) })
	peak := peakRSS(func() { _, _ = collectAll(dir) })
	ggPeak := peakRSS(func() { _ = goGitFacts(dir) })
	b.ReportMetric(float64(cli.Microseconds())/1000, "gitcli-ms/op")
	b.ReportMetric(float64(gg.Microseconds())/1000, "gogit-ms/op")
	b.ReportMetric(float64(ours)/float64(cli), "x-of-gitcli")
	b.ReportMetric(float64(gg)/float64(ours), "x-faster-than-gogit")
	b.ReportMetric(peak, "peak-MB")
	b.ReportMetric(ggPeak, "gogit-peak-MB")
}
