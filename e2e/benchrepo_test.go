package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// benchRepoVersion keys the cache of the generated repositories with their
// shape; bump it when the generator changes.
const benchRepoVersion = "v1"

// benchShape is the shape of a generated benchmark repository: files in
// dirs × subdirs directories (files per directory), a first commit that
// adds them all, then commits that change one file each, and an annotated
// tag on every tagEvery-th commit until there are tags.
type benchShape struct {
	name                 string
	dirs, subdirs, files int
	commits              int
	tags, tagEvery       int
}

// The two shapes BenchmarkPackerBuildEnrichVsManifest measures.
var (
	// tagless is a long history with no tag at all, where
	// `git describe --tags --always` has no tag to find: 2,000 files,
	// 60,000 commits.
	tagless = benchShape{name: "tagless-60k-commits", dirs: 20, subdirs: 10, files: 10, commits: 60000}
	// large is gitinfo's benchmark repository (gitinfo/bench_test.go, its
	// "refreshed" shape): 41,000 files, 20,000 commits, 3,000 annotated
	// tags, one on every sixth commit up to commit 18,000, so describe
	// walks 2,000 commits.
	large = benchShape{name: "41k-files-3k-tags", dirs: 40, subdirs: 25, files: 41, commits: 20000, tags: 3000, tagEvery: 6}
)

func (s benchShape) key() string {
	return fmt.Sprintf("enrich-e2e-bench-%s-%dx%dx%df-%dc-%dt-every%d",
		benchRepoVersion, s.dirs, s.subdirs, s.files, s.commits, s.tags, s.tagEvery)
}

var benchRepos sync.Map // shape key -> *benchRepoOnce

type benchRepoOnce struct {
	once sync.Once
	dir  string
	err  error
}

// benchRepo returns the work tree of a repository of shape s, generated on
// first use with git fast-import and cached under os.TempDir(), keyed by
// the shape, for later runs. Its stat data is settled (git update-index
// --refresh, as in a work tree git has looked at) and its origin is an
// https URL with credentials, as gitinfo's benchmark repository's.
func benchRepo(b *testing.B, s benchShape) string {
	b.Helper()
	testrepo.NeedGit(b)
	v, _ := benchRepos.LoadOrStore(s.key(), &benchRepoOnce{})
	o := v.(*benchRepoOnce)
	o.once.Do(func() {
		o.dir = filepath.Join(os.TempDir(), s.key())
		if _, err := os.Stat(filepath.Join(o.dir, ".ready")); err == nil {
			return
		}
		_ = os.RemoveAll(o.dir)
		start := time.Now()
		o.err = generateBenchRepo(b, o.dir, s)
		if o.err == nil {
			o.err = os.WriteFile(filepath.Join(o.dir, ".ready"), nil, 0o600)
		}
		b.Logf("generated the %s repository in %s", s.name, time.Since(start).Round(time.Second))
	})
	if o.err != nil {
		b.Fatal(o.err)
	}
	return filepath.Join(o.dir, "repo")
}

func generateBenchRepo(b *testing.B, dir string, s benchShape) error {
	work := filepath.Join(dir, "repo")
	if err := os.MkdirAll(work, 0o750); err != nil {
		return err
	}
	r := testrepo.Open(b, work)
	r.Git("init", "-q", "-b", "main")
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeBenchHistory(pw, s)) }()
	cmd := r.Cmd("fast-import", "--quiet")
	cmd.Stdin = pr
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("fast-import: %w: %s", err, out)
	}
	r.Git("pack-refs", "--all")
	r.Git("reset", "-q", "--hard", "main")
	r.Git("remote", "add", "origin", "https://ci-bot:glpat-secret@gitlab.example.com/big/repo.git")
	// settle the stat data, as a work tree some seconds old that git has
	// looked at
	time.Sleep(1100 * time.Millisecond)
	r.Git("update-index", "-q", "--refresh")
	return nil
}

// writeBenchHistory writes the fast-import stream of a history of shape s.
func writeBenchHistory(w io.Writer, s benchShape) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	total := s.dirs * s.subdirs * s.files
	path := func(n int) string {
		n %= total
		return fmt.Sprintf("module%02d/pkg%02d/file%03d.go", n/(s.subdirs*s.files), n/s.files%s.subdirs, n%s.files)
	}
	data := func(d string) { fmt.Fprintf(bw, "data %d\n%s\n", len(d), d) }
	tags := 0
	for i := 1; i <= s.commits; i++ {
		ts := 1600000000 + i*600
		fmt.Fprintf(bw, "commit refs/heads/main\nmark :%d\n", i)
		fmt.Fprintf(bw, "author Ada Author <ada@example.com> %d +0000\ncommitter Cy Committer <cy@example.com> %d +0000\n", ts, ts)
		data("change " + strconv.Itoa(i))
		if i == 1 {
			bw.WriteString("M 100644 inline .gitignore\n")
			data("*.o\nbuild/\n")
			for n := range total {
				bw.WriteString("M 100644 inline " + path(n) + "\n")
				data(fmt.Sprintf("package p\n\n// file %d of a generated benchmark tree.\nvar X = %d\n", n, n))
			}
		} else {
			bw.WriteString("M 100644 inline " + path(i*7919) + "\n")
			data(fmt.Sprintf("package p\n\n// changed by commit %d.\nvar X = %d\n", i, i))
		}
		if s.tagEvery > 0 && i%s.tagEvery == 0 && tags < s.tags {
			tags++
			fmt.Fprintf(bw, "tag v1.%d.0\nfrom :%d\ntagger Ada Author <ada@example.com> %d +0000\n", tags, i, ts)
			data("release " + strconv.Itoa(tags))
		}
	}
	return bw.Flush()
}
