package testrepo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// generatorVersion is part of every generated repository's cache name; bump
// it when what Generated writes changes.
const generatorVersion = "v1"

// Shape is the shape of a repository Generated makes for benchmarks: a
// .gitignore and Dirs × Subdirs directories of Files Go files each, added
// by the first of Commits commits, every later commit changing one file;
// an annotated tag on every TagEvery-th commit until there are Tags of
// them (v1.1.0, v1.2.0, ...), in packed-refs. The same shape is the same
// repository, to the commit IDs, on every machine.
type Shape struct {
	// Name says what the repository is, for a benchmark's name; it is no
	// part of the content.
	Name                 string
	Dirs, Subdirs, Files int
	Commits              int
	Tags, TagEvery       int
	// Clones adds Variants' clones beside the repository.
	Clones bool
}

// The shapes the benchmarks measure.
var (
	// Large is gitinfo's benchmark repository, with its clones: 41,000
	// files, 20,000 commits, 3,000 annotated tags, one on every sixth commit
	// up to commit 18,000, so that describe walks 2,000 commits.
	Large = Shape{Name: "41k-files-3k-tags", Dirs: 40, Subdirs: 25, Files: 41, Commits: 20000, Tags: 3000, TagEvery: 6, Clones: true}
	// Tagless69k is gitinfo's long history with no tag at all, in which
	// `git describe --tags --always` walks every commit to find none:
	// 69,000 commits, 2,500 files in 50 directories.
	Tagless69k = Shape{Name: "tagless-69k-commits", Dirs: 5, Subdirs: 10, Files: 50, Commits: 69000}
	// Tagless60k is the end-to-end benchmark's history with no tag: 60,000
	// commits, 2,000 files.
	Tagless60k = Shape{Name: "tagless-60k-commits", Dirs: 20, Subdirs: 10, Files: 10, Commits: 60000}
)

// Variants are the repositories of a shape with Clones, by the names of
// their directories: "refreshed" is the one Generated returns; the others
// are beside it. The refreshed ones have settled stat data (git
// update-index --refresh, as in a work tree some seconds old that git has
// looked at); the fresh clones have every index entry racily clean, as in a
// CI checkout, so that status hashes the files.
var Variants = []string{"refreshed", "refreshed-commit-graph", "fresh-clone", "fresh-clone-commit-graph"}

// remoteURL is every generated repository's origin: an https URL with
// credentials, which must never reach a label.
const remoteURL = "https://ci-bot:glpat-secret@gitlab.example.com/big/repo.git"

// dirName is the name of the shape's cache under os.TempDir().
func (s Shape) dirName() string {
	name := fmt.Sprintf("enrich-bench-%s-%dx%dx%df-%dc-%dt-every%d",
		generatorVersion, s.Dirs, s.Subdirs, s.Files, s.Commits, s.Tags, s.TagEvery)
	if s.Clones {
		name += "-clones"
	}
	return name
}

// generation is one shape's repository, made once per process.
type generation struct {
	once sync.Once
	dir  string
	err  error
}

var generations sync.Map // Shape.dirName() -> *generation

// Generated returns the work tree of the repository of shape s, made on
// first use with git fast-import and cached under os.TempDir(), by shape,
// for later runs (with a .ready marker; a process that loses a race to make
// it uses the winner's). Its origin is an https URL with credentials and
// its stat data is settled; with s.Clones its directory's siblings are
// Variants' clones.
func Generated(tb testing.TB, s Shape) string {
	tb.Helper()
	NeedGit(tb)
	v, _ := generations.LoadOrStore(s.dirName(), &generation{})
	g := v.(*generation)
	g.once.Do(func() { g.dir, g.err = generate(tb, s) })
	if g.err != nil {
		tb.Fatal(g.err)
	}
	return filepath.Join(g.dir, Variants[0])
}

// generate makes the cache of shape s unless it is ready, in a temporary
// directory renamed into place when complete.
func generate(tb testing.TB, s Shape) (string, error) {
	dir := filepath.Join(os.TempDir(), s.dirName())
	ready := filepath.Join(dir, ".ready")
	if _, err := os.Stat(ready); err == nil {
		return dir, nil
	}
	removeAbandoned(filepath.Join(os.TempDir(), s.dirName()+".tmp-*"))
	tmp, err := os.MkdirTemp(os.TempDir(), s.dirName()+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // empty after the rename
	start := time.Now()
	if err := s.write(tb, tmp); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".ready"), nil, 0o600); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(ready); statErr != nil {
			return "", fmt.Errorf("%w (remove %s, left by an older run)", err, dir)
		}
		// another process made it first
	}
	tb.Logf("generated the %s repository in %s in %s", s.Name, dir, time.Since(start).Round(time.Second))
	return dir, nil
}

// removeAbandoned removes the temporary directories matching pattern that
// no process has written to for an hour: those of runs interrupted while
// generating (a run takes minutes).
func removeAbandoned(pattern string) {
	dirs, _ := filepath.Glob(pattern)
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && time.Since(fi.ModTime()) > time.Hour {
			_ = os.RemoveAll(d)
		}
	}
}

// write makes the repository of shape s in dir, and its clones.
func (s Shape) write(tb testing.TB, dir string) error {
	base := filepath.Join(dir, Variants[0])
	if err := os.MkdirAll(base, 0o750); err != nil {
		return err
	}
	r := Open(tb, base)
	r.Git("init", "-q", "-b", "main")
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(s.history(pw)) }()
	cmd := r.Cmd("fast-import", "--quiet")
	cmd.Stdin = pr
	out, err := cmd.CombinedOutput()
	_ = pr.Close() // unblocks the writer if git stopped reading
	if err != nil {
		return fmt.Errorf("fast-import: %w: %s", err, out)
	}
	r.Git("pack-refs", "--all")
	r.Git("reset", "-q", "--hard", "main")
	repos := Variants[:1]
	if s.Clones {
		repos = Variants
		clone := func(from, name string, graph bool) string {
			c := filepath.Join(dir, name)
			r.GitIn(dir, "clone", "-q", from, c)
			if graph {
				r.GitIn(c, "commit-graph", "write", "--reachable")
			}
			return c
		}
		g := clone(base, Variants[1], true)
		clone(base, Variants[2], false)
		clone(g, Variants[3], true)
	}
	// settle the stat data of the refreshed ones, as a work tree some
	// seconds old that git has looked at
	time.Sleep(1100 * time.Millisecond)
	for _, v := range repos {
		c := filepath.Join(dir, v)
		verb := "set-url"
		if c == base {
			verb = "add" // the clones' origin is where they came from
		}
		r.GitIn(c, "remote", verb, "origin", remoteURL)
		if strings.HasPrefix(v, "refreshed") {
			r.GitIn(c, "update-index", "-q", "--refresh")
		}
	}
	return nil
}

// history writes the fast-import stream of shape s's history.
func (s Shape) history(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	total := s.Dirs * s.Subdirs * s.Files
	if total == 0 || s.Commits == 0 {
		return errors.New("testrepo: a generated repository needs files and commits")
	}
	path := func(n int) string {
		n %= total
		return fmt.Sprintf("module%02d/pkg%02d/file%03d.go", n/(s.Subdirs*s.Files), n/s.Files%s.Subdirs, n%s.Files)
	}
	data := func(d string) { fmt.Fprintf(bw, "data %d\n%s\n", len(d), d) }
	tags := 0
	for i := 1; i <= s.Commits; i++ {
		ts := 1600000000 + i*600
		fmt.Fprintf(bw, "commit refs/heads/main\nmark :%d\n", i)
		fmt.Fprintf(bw, "author Ada Author <ada@example.com> %d +0000\ncommitter Cy Committer <cy@example.com> %d +0000\n", ts, ts)
		data("change " + strconv.Itoa(i))
		if i == 1 {
			fmt.Fprint(bw, "M 100644 inline .gitignore\n")
			data("*.o\nbuild/\n")
			for n := range total {
				fmt.Fprintf(bw, "M 100644 inline %s\n", path(n))
				data(fmt.Sprintf("package p\n\n// file %d of a generated benchmark tree.\nvar X = %d\n", n, n))
			}
		} else {
			fmt.Fprintf(bw, "M 100644 inline %s\n", path(i*7919))
			data(fmt.Sprintf("package p\n\n// changed by commit %d.\nvar X = %d\n", i, i))
		}
		if s.TagEvery > 0 && i%s.TagEvery == 0 && tags < s.Tags {
			tags++
			fmt.Fprintf(bw, "tag v1.%d.0\nfrom :%d\ntagger Ada Author <ada@example.com> %d +0000\n", tags, i, ts)
			data("release " + strconv.Itoa(tags))
		}
	}
	return bw.Flush()
}
