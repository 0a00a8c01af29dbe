package gitinfo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// The tagless benchmark repository: a long history with no tag at all, in
// which `git describe --tags --always` walks every commit to find none.
// taglessVersion keys the cache; bump it when the generator changes.
const (
	taglessVersion = "v1"
	taglessCommits = 69000
	taglessFiles   = 2500 // 50 directories of 50
)

// taglessRepo returns the tagless repository, generated on first use with
// git fast-import and cached under os.TempDir().
func taglessRepo(b *testing.B) string {
	return filepath.Join(taglessCache.get(b, "gitinfo-bench-tagless-"+taglessVersion, generateTagless), "repo")
}

func generateTagless(b *testing.B, dir string) error {
	dir = filepath.Join(dir, "repo")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	r := testrepo.Open(b, dir)
	r.Git("init", "-q", "-b", "main")
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeTaglessHistory(pw)) }()
	cmd := r.Cmd("fast-import", "--quiet")
	cmd.Stdin = pr
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("fast-import: %w: %s", err, out)
	}
	r.Git("reset", "-q", "--hard", "main")
	r.Git("remote", "add", "origin", "https://ci-bot:glpat-secret@gitlab.example.com/big/tagless.git")
	// settle the stat data, as a work tree git has looked at
	time.Sleep(1100 * time.Millisecond)
	r.Git("update-index", "-q", "--refresh")
	return nil
}

// writeTaglessHistory writes the fast-import stream of the tagless
// history: every file in the first commit, then one file changed per
// commit.
func writeTaglessHistory(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	path := func(n int) string {
		n %= taglessFiles
		return fmt.Sprintf("dir%02d/file%02d.txt", n/50, n%50)
	}
	data := func(s string) { fmt.Fprintf(bw, "data %d\n%s\n", len(s), s) }
	for i := 1; i <= taglessCommits; i++ {
		ts := 1500000000 + i*600
		fmt.Fprintf(bw, "commit refs/heads/main\nmark :%d\n", i)
		fmt.Fprintf(bw, "author Ada Author <ada@example.com> %d +0000\ncommitter Cy Committer <cy@example.com> %d +0000\n", ts, ts)
		data("change " + strconv.Itoa(i))
		if i == 1 {
			for n := range taglessFiles {
				bw.WriteString("M 100644 inline " + path(n) + "\n")
				data("file " + strconv.Itoa(n) + "\n")
			}
			continue
		}
		bw.WriteString("M 100644 inline " + path(i*7919) + "\n")
		data("changed by commit " + strconv.Itoa(i) + "\n")
	}
	return bw.Flush()
}

// BenchmarkCollectTagless measures Collect on the tagless long history as
// BenchmarkCollect does, and `git describe --tags --always` alone
// (describe-ms/op): the walk Collect no longer waits for.
func BenchmarkCollectTagless(b *testing.B) {
	repo := taglessRepo(b)
	ctx := context.Background()
	f, err := Collect(ctx, repo, Options{})
	if err != nil || f.Dirty == nil || *f.Dirty || f.Describe != f.ShortCommit || len(f.Unknown) > 0 {
		b.Fatalf("unexpected facts %+v: %v", f, err)
	}
	b.Run("collect", func(b *testing.B) { measureCollect(b, repo, Options{}) })
	b.Run("describe-alone", func(b *testing.B) {
		r := &runner{bin: benchGit, dir: repo, env: gitEnv()}
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			out, err := r.run(ctx, "describe", "--tags", "--always", "HEAD")
			if err != nil || string(out) != f.ShortCommit+"\n" {
				b.Fatalf("git describe: %q, %v; want %s", out, err, f.ShortCommit)
			}
			ds = append(ds, time.Since(start))
		}
		b.ReportMetric(float64(median(ds).Microseconds())/1000, "describe-ms/op")
	})
}
