package gitinfo

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// noEnv is an empty environment: no CI leaks in from the machine.
func noEnv(string) (string, bool) { return "", false }

// expected are the facts as told by the git CLI.
type expected struct {
	root, commit, short, author, branch, describe, remote string
	commitTime                                            time.Time
	tags                                                  []string
	dirtyAll, dirtyTracked                                *bool
}

func boolp(b bool) *bool { return &b }

func (r *gitRepo) try(dir string, args ...string) (string, bool) {
	out, err := r.tryGitIn(dir, args...)
	return out, err == nil
}

// gitSays asks the git CLI for every fact of the repository at dir.
func gitSays(r *gitRepo, dir string) expected {
	r.t.Helper()
	var e expected
	if top, ok := r.try(dir, "rev-parse", "--show-toplevel"); ok && top != "" {
		e.root = top
	} else if gd, ok := r.try(dir, "rev-parse", "--absolute-git-dir"); ok {
		e.root = gd
	}
	e.commit, _ = r.try(dir, "rev-parse", "-q", "--verify", "HEAD^{commit}")
	if e.commit != "" {
		e.short, _ = r.try(dir, "rev-parse", "--short", "HEAD")
		e.author, _ = r.try(dir, "log", "-1", "--format=%an", "HEAD")
		if ct, ok := r.try(dir, "log", "-1", "--format=%ct", "HEAD"); ok {
			if n, err := strconv.ParseInt(ct, 10, 64); err == nil {
				e.commitTime = time.Unix(n, 0).UTC()
			}
		}
		if tags, ok := r.try(dir, "tag", "--points-at", "HEAD", "--sort=-v:refname"); ok && tags != "" {
			e.tags = strings.Split(tags, "\n")
		}
		e.describe, _ = r.try(dir, "describe", "--tags", "--always")
	}
	if b, ok := r.try(dir, "symbolic-ref", "--short", "-q", "HEAD"); ok {
		e.branch = b
	} else if e.commit != "" {
		if bs, ok := r.try(dir, "for-each-ref", "--points-at", "HEAD", "--format=%(refname:short)", "refs/heads/"); ok && bs != "" && !strings.Contains(bs, "\n") {
			e.branch = bs
		}
	}
	if u, ok := r.try(dir, "remote", "get-url", "origin"); ok {
		e.remote = StripCredentials(u)
	} else if rs, ok := r.try(dir, "remote"); ok && rs != "" && !strings.Contains(rs, "\n") {
		u, _ := r.try(dir, "remote", "get-url", rs)
		e.remote = StripCredentials(u)
	}
	if bare, _ := r.try(dir, "rev-parse", "--is-bare-repository"); bare != "true" {
		if out, ok := r.try(dir, "status", "--porcelain"); ok {
			e.dirtyAll = boolp(out != "")
		}
		if out, ok := r.try(dir, "status", "--porcelain", "--untracked-files=no"); ok {
			e.dirtyTracked = boolp(out != "")
		}
	}
	return e
}

func fmtBool(b *bool) string {
	if b == nil {
		return "unknown"
	}
	return strconv.FormatBool(*b)
}

type scenario struct {
	name  string
	setup func(r *gitRepo) string // returns the directory to collect in
	// wantUnknown lists facts git cannot answer either, which Collect must
	// report in Unknown.
	wantUnknown []string
	// adjust corrects what the git CLI reports where it is wrong or
	// gives up (documented per scenario).
	adjust func(r *gitRepo, dir string, e *expected)
}

func scenarios() []scenario {
	return []scenario{
		{name: "clean", setup: func(r *gitRepo) string { r.basic(); return r.dir }},
		{name: "modified", setup: func(r *gitRepo) string { r.basic(); r.write("src/main.go", "package main // edited\n"); return r.dir }},
		{name: "size-preserving edit with restored mtime", setup: func(r *gitRepo) string {
			r.write("data.txt", "aaaa\n")
			old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
			p := filepath.Join(r.dir, "data.txt")
			must(r.t, os.Chtimes(p, old, old))
			r.commitAll("data")
			// git compares whole seconds of ctime: let the clock move on
			time.Sleep(1100 * time.Millisecond)
			must(r.t, os.WriteFile(p, []byte("bbbb\n"), 0o600))
			must(r.t, os.Chtimes(p, old, old))
			return r.dir
		}},
		{name: "touched but unchanged", setup: func(r *gitRepo) string {
			r.basic()
			now := time.Now().Add(time.Hour)
			must(r.t, os.Chtimes(filepath.Join(r.dir, "README.md"), now, now))
			return r.dir
		}},
		{name: "staged", setup: func(r *gitRepo) string {
			r.basic()
			r.write("README.md", "staged\n")
			r.git("add", "README.md")
			return r.dir
		}},
		{name: "staged new file", setup: func(r *gitRepo) string { r.basic(); r.write("new.txt", "n\n"); r.git("add", "new.txt"); return r.dir }},
		{name: "deleted", setup: func(r *gitRepo) string {
			r.basic()
			must(r.t, os.Remove(filepath.Join(r.dir, "docs/guide.txt")))
			return r.dir
		}},
		{name: "deleted staged", setup: func(r *gitRepo) string { r.basic(); r.git("rm", "-q", "docs/guide.txt"); return r.dir }},
		{name: "renamed", setup: func(r *gitRepo) string { r.basic(); r.git("mv", "docs/guide.txt", "docs/manual.txt"); return r.dir }},
		{name: "untracked file", setup: func(r *gitRepo) string { r.basic(); r.write("notes.txt", "x\n"); return r.dir }},
		{name: "untracked in new directory", setup: func(r *gitRepo) string { r.basic(); r.write("new/deep/x.txt", "x\n"); return r.dir }},
		{name: "untracked empty directory", setup: func(r *gitRepo) string {
			r.basic()
			must(r.t, os.MkdirAll(filepath.Join(r.dir, "empty/inner"), 0o750))
			return r.dir
		}},
		{name: "ignored file", setup: func(r *gitRepo) string {
			r.basic()
			r.write("debug.log", "x\n")
			r.write("src/deep.log", "x\n")
			return r.dir
		}},
		{name: "ignored directory", setup: func(r *gitRepo) string { r.basic(); r.write("build/out/app", "bin\n"); return r.dir }},
		{name: "nested gitignore", setup: func(r *gitRepo) string {
			r.basic()
			r.write("src/.gitignore", "gen/\n*.tmp\n!keep.tmp\n")
			r.commitAll("nested ignore")
			r.write("src/gen/x.go", "x\n")
			r.write("src/pkg/a.tmp", "x\n")
			return r.dir
		}},
		{name: "nested gitignore negation", setup: func(r *gitRepo) string {
			r.basic()
			r.write("src/.gitignore", "*.tmp\n!keep.tmp\n")
			r.commitAll("nested ignore")
			r.write("src/pkg/keep.tmp", "x\n")
			return r.dir
		}},
		{name: "info exclude", setup: func(r *gitRepo) string {
			r.basic()
			r.write(".git/info/exclude", "secret*\n")
			r.write("secret.env", "x\n")
			return r.dir
		}},
		{name: "core.excludesFile", setup: func(r *gitRepo) string {
			r.basic()
			ex := filepath.Join(r.t.TempDir(), "global-ignore")
			writeFile(r.t, ex, "*.swp\n**/cache/**\n")
			r.git("config", "core.excludesFile", ex)
			r.write("src/.main.go.swp", "x\n")
			r.write("a/cache/b/c", "x\n")
			return r.dir
		}},
		{name: "ignored dir with tracked file", setup: func(r *gitRepo) string {
			r.basic()
			r.write("vendor/kept.txt", "k\n")
			r.git("add", "vendor/kept.txt")
			r.git("commit", "-q", "-m", "vendor")
			r.write(".gitignore", "*.log\n/build/\nvendor/\n")
			r.commitAll("ignore vendor")
			r.write("vendor/other.txt", "o\n")
			return r.dir
		}},
		{name: "mode change", setup: func(r *gitRepo) string {
			r.basic()
			must(r.t, os.Chmod(filepath.Join(r.dir, "README.md"), 0o755))
			return r.dir
		}},
		{name: "mode change with core.fileMode false", setup: func(r *gitRepo) string {
			r.basic()
			r.git("config", "core.fileMode", "false")
			must(r.t, os.Chmod(filepath.Join(r.dir, "run.sh"), 0o644))
			return r.dir
		}},
		{name: "typechange to symlink", setup: func(r *gitRepo) string {
			r.basic()
			p := filepath.Join(r.dir, "docs/guide.txt")
			must(r.t, os.Remove(p))
			must(r.t, os.Symlink("../README.md", p))
			return r.dir
		}},
		{name: "symlink retargeted", setup: func(r *gitRepo) string {
			r.basic()
			p := filepath.Join(r.dir, "link")
			must(r.t, os.Remove(p))
			must(r.t, os.Symlink("run.sh", p))
			return r.dir
		}},
		{name: "assume unchanged", setup: func(r *gitRepo) string {
			r.basic()
			r.git("update-index", "--assume-unchanged", "README.md")
			r.write("README.md", "changed but assumed unchanged\n")
			return r.dir
		}},
		{name: "intent to add", setup: func(r *gitRepo) string {
			r.basic()
			r.write("ita.txt", "x\n")
			r.git("add", "-N", "ita.txt")
			return r.dir
		}},
		{name: "merge conflict", setup: func(r *gitRepo) string {
			r.basic()
			r.git("checkout", "-q", "-b", "other")
			r.write("README.md", "other\n")
			r.commitAll("other")
			r.git("checkout", "-q", "main")
			r.write("README.md", "main\n")
			r.commitAll("main")
			_, _ = r.try(r.dir, "merge", "-q", "other")
			return r.dir
		}},
		{name: "empty repository", setup: func(r *gitRepo) string { return r.dir }, wantUnknown: []string{FactCommit, FactDescribe}},
		{name: "empty repository with untracked file", setup: func(r *gitRepo) string { r.write("a.txt", "a\n"); return r.dir }, wantUnknown: []string{FactCommit}},
		{name: "empty repository with staged file", setup: func(r *gitRepo) string { r.write("a.txt", "a\n"); r.git("add", "a.txt"); return r.dir }, wantUnknown: []string{FactCommit}},
		{name: "bare repository", setup: func(r *gitRepo) string {
			r.basic()
			r.git("tag", "v1.0.0")
			bare := filepath.Join(r.t.TempDir(), "bare.git")
			r.git("clone", "-q", "--bare", r.dir, bare)
			return bare
		}, wantUnknown: []string{FactDirty}},
		{name: "tags lightweight and annotated", setup: func(r *gitRepo) string {
			r.basic()
			r.git("tag", "v1.9.0")
			r.git("tag", "-a", "-m", "ten", "v1.10.0")
			r.git("tag", "v1.2.0")
			r.git("tag", "-a", "-m", "rc", "v2.0.0-rc1")
			return r.dir
		}},
		{name: "describe after tag", setup: func(r *gitRepo) string {
			r.basic()
			r.git("tag", "-a", "-m", "one", "v0.1.0")
			for i := 0; i < 3; i++ {
				r.write("n.txt", strconv.Itoa(i))
				r.commitAll("c" + strconv.Itoa(i))
			}
			return r.dir
		}},
		{name: "describe across merge", setup: func(r *gitRepo) string {
			r.basic()
			r.git("tag", "base")
			r.git("checkout", "-q", "-b", "feature")
			r.write("f.txt", "f\n")
			r.commitAll("f1")
			r.git("tag", "-a", "-m", "feat", "feat-1")
			r.write("f.txt", "f2\n")
			r.commitAll("f2")
			r.git("checkout", "-q", "main")
			r.write("m.txt", "m\n")
			r.commitAll("m1")
			r.git("tag", "light")
			r.write("m.txt", "m2\n")
			r.commitAll("m2")
			r.git("merge", "-q", "--no-edit", "feature")
			return r.dir
		}},
		{name: "packed refs and objects", setup: func(r *gitRepo) string {
			r.basic()
			r.git("tag", "-a", "-m", "p", "v3.0.0")
			r.write("x.txt", "x\n")
			r.commitAll("x")
			r.git("tag", "v3.0.1")
			r.git("gc", "-q")
			return r.dir
		}},
		{name: "detached head single branch", setup: func(r *gitRepo) string {
			r.basic()
			r.write("x.txt", "x\n")
			r.commitAll("x")
			r.git("branch", "release", "HEAD~1")
			r.git("checkout", "-q", "--detach", "HEAD~1")
			return r.dir
		}},
		{name: "detached head two branches", setup: func(r *gitRepo) string {
			r.basic()
			r.git("branch", "a")
			r.git("checkout", "-q", "--detach")
			return r.dir
		}},
		{name: "shallow depth 1", setup: func(r *gitRepo) string {
			r.basic()
			r.git("tag", "-a", "-m", "old", "v0.0.1")
			for i := 0; i < 3; i++ {
				r.write("n.txt", strconv.Itoa(i))
				r.commitAll("c" + strconv.Itoa(i))
			}
			clone := filepath.Join(r.t.TempDir(), "clone")
			r.git("clone", "-q", "--depth", "1", "file://"+r.dir, clone)
			return clone
		}},
		{name: "shallow depth 200", setup: func(r *gitRepo) string {
			r.basic()
			r.git("tag", "-a", "-m", "old", "v0.0.1")
			r.fastCommits(250, 240)
			clone := filepath.Join(r.t.TempDir(), "clone")
			r.git("clone", "-q", "--no-single-branch", "--depth", "200", "file://"+r.dir, clone)
			return clone
		}},
		{name: "linked worktree", setup: func(r *gitRepo) string {
			r.basic()
			wt := filepath.Join(r.t.TempDir(), "wt")
			r.git("worktree", "add", "-q", "-b", "wtbranch", wt)
			writeFile(r.t, filepath.Join(wt, "src/main.go"), "package main // wt\n")
			return filepath.Join(wt, "src")
		}},
		{name: "template inside submodule", setup: func(r *gitRepo) string {
			sub := newRepo(r.t)
			sub.basic()
			sub.git("tag", "sub-v1")
			r.basic()
			r.git("submodule", "add", "-q", sub.dir, "mods/sub")
			r.git("commit", "-q", "-m", "add sub")
			return filepath.Join(r.dir, "mods/sub/src/pkg")
		}},
		{name: "submodule with modified content", setup: func(r *gitRepo) string {
			sub := newRepo(r.t)
			sub.basic()
			r.basic()
			r.git("submodule", "add", "-q", sub.dir, "mods/sub")
			r.git("commit", "-q", "-m", "add sub")
			r.write("mods/sub/README.md", "changed in submodule\n")
			return r.dir
		}},
		{name: "submodule with untracked content", setup: func(r *gitRepo) string {
			sub := newRepo(r.t)
			sub.basic()
			r.basic()
			r.git("submodule", "add", "-q", sub.dir, "mods/sub")
			r.git("commit", "-q", "-m", "add sub")
			r.write("mods/sub/untracked.txt", "x\n")
			return r.dir
		}},
		{name: "submodule head moved", setup: func(r *gitRepo) string {
			sub := newRepo(r.t)
			sub.basic()
			r.basic()
			r.git("submodule", "add", "-q", sub.dir, "mods/sub")
			r.git("commit", "-q", "-m", "add sub")
			r.gitIn(filepath.Join(r.dir, "mods/sub"), "commit", "-q", "--allow-empty", "-m", "moved")
			return r.dir
		}},
		{name: "nested repository untracked", setup: func(r *gitRepo) string {
			r.basic()
			r.gitIn(r.dir, "init", "-q", filepath.Join(r.dir, "nested"))
			return r.dir
		}},
		{name: "sparse checkout cone", setup: func(r *gitRepo) string {
			r.basic()
			r.git("sparse-checkout", "init", "--cone")
			r.git("sparse-checkout", "set", "src")
			r.write("src/pkg/util.go", "package pkg // sparse edit\n")
			return r.dir
		}},
		{name: "sparse checkout cone clean", setup: func(r *gitRepo) string {
			r.basic()
			r.git("sparse-checkout", "init", "--cone")
			r.git("sparse-checkout", "set", "docs")
			return r.dir
		}},
		{name: "index v4", setup: func(r *gitRepo) string {
			r.basic()
			r.git("update-index", "--index-version", "4")
			r.write("src/pkg/util.go", "package pkg // v4\n")
			return r.dir
		}},
		{name: "index v4 clean", setup: func(r *gitRepo) string {
			r.basic()
			r.git("update-index", "--index-version", "4")
			return r.dir
		}},
		{name: "split index", setup: func(r *gitRepo) string {
			r.basic()
			r.git("update-index", "--split-index")
			r.write("README.md", "split\n")
			return r.dir
		}},
		{name: "autocrlf and attributes", setup: func(r *gitRepo) string {
			r.basic()
			r.write(".gitattributes", "*.txt text eol=crlf\n")
			r.commitAll("attrs")
			must(r.t, os.Remove(filepath.Join(r.dir, "docs/guide.txt")))
			r.git("checkout", "--", "docs/guide.txt")
			return r.dir
		}},
		{name: "missing parent object", setup: func(r *gitRepo) string {
			r.basic()
			r.git("tag", "v1")
			r.write("a.txt", "a\n")
			r.commitAll("a")
			r.write("b.txt", "b\n")
			r.commitAll("b")
			parent := r.git("rev-parse", "HEAD~1")
			must(r.t, os.Remove(filepath.Join(r.dir, ".git/objects", parent[:2], parent[2:])))
			return r.dir
		}, wantUnknown: []string{FactDescribe}, adjust: func(r *gitRepo, dir string, e *expected) {
			// git log gives up on the missing parent although HEAD itself is
			// readable; git describe --always silently prints the hash
			// although tag v1 is an ancestor: we report describe unknown.
			raw := r.gitIn(dir, "cat-file", "-p", "HEAD")
			for _, line := range strings.Split(raw, "\n") {
				if rest, ok := strings.CutPrefix(line, "author "); ok {
					e.author = strings.TrimSpace(rest[:strings.IndexByte(rest, '<')])
				}
				if rest, ok := strings.CutPrefix(line, "committer "); ok {
					f := strings.Fields(rest[strings.IndexByte(rest, '>')+1:])
					n, _ := strconv.ParseInt(f[0], 10, 64)
					e.commitTime = time.Unix(n, 0).UTC()
				}
			}
			e.describe = ""
		}},
		{name: "unreadable directory", setup: func(r *gitRepo) string {
			r.basic()
			r.write("locked/secret.txt", "s\n")
			must(r.t, os.Chmod(filepath.Join(r.dir, "locked"), 0o000))
			r.t.Cleanup(func() { _ = os.Chmod(filepath.Join(r.dir, "locked"), 0o700) }) //nolint:gosec // restore for cleanup
			return r.dir
		}},
		{name: "owned by another user", setup: func(r *gitRepo) string {
			r.basic()
			r.git("remote", "add", "origin", "https://user:s3cret@example.com/org/repo.git?private_token=abc&ref=main")
			if os.Geteuid() != 0 {
				r.t.Skip("needs root to chown")
			}
			chownTree(r.t, r.dir, 65534)
			return r.dir
		}},
		{name: "owned by another user with split index", setup: func(r *gitRepo) string {
			r.basic()
			r.git("update-index", "--split-index")
			r.write("README.md", "dirty\n")
			if os.Geteuid() != 0 {
				r.t.Skip("needs root to chown")
			}
			chownTree(r.t, r.dir, 65534)
			return r.dir
		}},
		// go-git's gitignore matcher gets each of the next three wrong
		// (filepath.Match syntax: "[!a-c]" is not a negation and
		// [[:class:]] is unknown; "dir/**" also excludes dir itself).
		{name: "gitignore negated bracket", setup: func(r *gitRepo) string {
			r.basic()
			r.write(".gitignore", "*.log\n/build/\n[!a-c]*.gen\n")
			r.commitAll("bracket ignore")
			r.write("d1.gen", "ignored: d is not in a-c\n")
			return r.dir
		}},
		{name: "gitignore character class", setup: func(r *gitRepo) string {
			r.basic()
			r.write(".gitignore", "*.log\n/build/\n[[:digit:]]*.out\n")
			r.commitAll("class ignore")
			r.write("7.out", "ignored\n")
			return r.dir
		}},
		{name: "gitignore trailing /** with negation", setup: func(r *gitRepo) string {
			r.basic()
			r.write(".gitignore", "*.log\n/build/\ncache/**\n!cache/keep\n")
			r.commitAll("cache ignore")
			r.write("cache/other", "ignored\n")
			r.write("cache/keep", "re-included\n")
			return r.dir
		}},
		// go-git v5's plumbing.Hash is 20 bytes: it cannot decode these
		// commits, refs, pack indexes or index entries.
		{name: "sha256 object format", setup: func(r *gitRepo) string {
			s := newRepo(r.t, "--object-format=sha256").basic()
			s.git("tag", "-a", "-m", "one", "v1.0.0")
			s.write("x.txt", "x\n")
			s.commitAll("x")
			s.git("gc", "-q")
			s.write("y.txt", "y\n")
			s.commitAll("y")
			s.write("README.md", "dirty\n")
			return s.dir
		}},
		{name: "only non-origin remote", setup: func(r *gitRepo) string {
			r.basic()
			r.git("remote", "add", "upstream", "git@github.com:org/repo.git")
			return r.dir
		}},
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func chownTree(t testing.TB, dir string, uid int) {
	t.Helper()
	must(t, filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	}))
}

// fastCommits appends n commits with git fast-import (much faster than
// n git commit calls), tagging the commit at tagAt.
func (r *gitRepo) fastCommits(n, tagAt int) {
	r.t.Helper()
	var b strings.Builder
	parent := r.git("rev-parse", "HEAD")
	for i := 1; i <= n; i++ {
		ts := 1700000000 + 100000 + i*60
		b.WriteString("commit refs/heads/main\n")
		b.WriteString("mark :" + strconv.Itoa(i) + "\n")
		b.WriteString("author Ada Author <ada@example.com> " + strconv.Itoa(ts) + " +0000\n")
		b.WriteString("committer Cy Committer <cy@example.com> " + strconv.Itoa(ts) + " +0000\n")
		msg := "c" + strconv.Itoa(i)
		b.WriteString("data " + strconv.Itoa(len(msg)) + "\n" + msg + "\n")
		if i == 1 {
			b.WriteString("from " + parent + "\n")
		}
		content := strconv.Itoa(i) + "\n"
		b.WriteString("M 100644 inline counter.txt\ndata " + strconv.Itoa(len(content)) + "\n" + content + "\n")
		if i == tagAt {
			b.WriteString("reset refs/tags/fast-" + strconv.Itoa(i) + "\nfrom :" + strconv.Itoa(i) + "\n")
		}
	}
	cmd := r.cmd("fast-import", "--quiet")
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("fast-import: %v: %s", err, out)
	}
	r.git("reset", "-q", "--hard", "main")
}

func TestDifferential(t *testing.T) {
	needGit(t)
	all := scenarios()
	if len(all) < 25 {
		t.Fatalf("only %d scenarios", len(all))
	}
	for _, sc := range all {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			dir := sc.setup(r)
			want := gitSays(r, dir)
			if sc.adjust != nil {
				sc.adjust(r, dir, &want)
			}
			for _, mode := range []DirtyMode{DirtyAll, DirtyTracked} {
				got, err := Collect(context.Background(), dir, Options{Dirty: mode, LookupEnv: noEnv})
				if err != nil {
					t.Fatalf("Collect(%s): %v", mode, err)
				}
				compareFacts(t, mode, got, want)
				for _, k := range sc.wantUnknown {
					if got.Unknown[k] == "" {
						t.Errorf("%s: want Unknown[%q] set, got %v", mode, k, got.Unknown)
					}
				}
			}
		})
	}
}

func compareFacts(t *testing.T, mode DirtyMode, got *Facts, want expected) {
	t.Helper()
	check := func(name, g, w string) {
		t.Helper()
		if g != w {
			t.Errorf("%s: %s = %q, git says %q (unknown: %v)", mode, name, g, w, got.Unknown)
		}
	}
	check("Root", got.Root, want.root)
	check("Commit", got.Commit, want.commit)
	check("ShortCommit", got.ShortCommit, want.short)
	check("Author", got.Author, want.author)
	check("Branch", got.Branch, want.branch)
	check("Describe", got.Describe, want.describe)
	check("Remote", got.Remote, want.remote)
	if !got.CommitTime.Equal(want.commitTime) {
		t.Errorf("%s: CommitTime = %v, git says %v", mode, got.CommitTime, want.commitTime)
	}
	if !slices.Equal(got.Tags, want.tags) {
		t.Errorf("%s: Tags = %q, git says %q", mode, got.Tags, want.tags)
	}
	wd := want.dirtyAll
	if mode == DirtyTracked {
		wd = want.dirtyTracked
	}
	if fmtBool(got.Dirty) != fmtBool(wd) {
		t.Errorf("%s: Dirty = %s, git says %s (unknown: %v)", mode, fmtBool(got.Dirty), fmtBool(wd), got.Unknown)
	}
	if got.Branch == "HEAD" {
		t.Errorf("Branch must never be HEAD")
	}
}
