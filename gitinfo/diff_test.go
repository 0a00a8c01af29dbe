package gitinfo

import (
	"context"
	"errors"
	"fmt"
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

// noEnv is an empty environment: no CI leaks in from the machine.
func noEnv(string) (string, bool) { return "", false }

// expected are the facts as told by the git CLI.
type expected struct {
	root, commit, short, author, branch, describe, remote string
	commitTime                                            time.Time
	tags                                                  []string
	dirtyAll, dirtyTracked                                *bool
	shallow                                               bool
}

func boolp(b bool) *bool { return &b }

func (r *gitRepo) try(dir string, args ...string) (string, bool) {
	out, err := r.TryGitIn(dir, args...)
	return out, err == nil
}

// gitSays asks the git CLI for every fact of the repository at dir.
func gitSays(r *gitRepo, dir string) expected {
	r.T.Helper()
	var e expected
	if top, ok := r.try(dir, "rev-parse", "--show-toplevel"); ok && top != "" {
		e.root = top
	} else if gd, ok := r.try(dir, "rev-parse", "--absolute-git-dir"); ok {
		e.root = gd
	}
	shallow, _ := r.try(dir, "rev-parse", "--is-shallow-repository")
	e.shallow = shallow == "true"
	e.commit, _ = r.try(dir, "rev-parse", "-q", "--verify", "HEAD^{commit}")
	if e.commit != "" {
		e.short, _ = r.try(dir, "rev-parse", "--short", "HEAD")
		e.author, _ = r.try(dir, "log", "-1", "--no-show-signature", "--format=%an", "HEAD")
		if ct, ok := r.try(dir, "log", "-1", "--no-show-signature", "--format=%ct", "HEAD"); ok {
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
		if out, ok := r.try(dir, "status", "--porcelain", "--untracked-files=normal"); ok {
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
	// refused: git does not trust the repository (another user owns it):
	// Collect fails with ErrUntrusted, naming safe.directory, and the
	// marker file that its configured commands would create never appears.
	refused bool
	// notRepo: git says this is not a repository.
	notRepo bool
	// goGitUnknown lists facts the go-git path leaves unknown here
	// although it answers them elsewhere.
	goGitUnknown []string
}

func scenarios() []scenario {
	return []scenario{
		{name: "clean", setup: func(r *gitRepo) string { r.basic(); return r.Dir }},
		{name: "modified", setup: func(r *gitRepo) string { r.basic(); r.Write("src/main.go", "package main // edited\n"); return r.Dir }},
		{name: "size-preserving edit with restored mtime", setup: func(r *gitRepo) string {
			r.Write("data.txt", "aaaa\n")
			old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
			p := filepath.Join(r.Dir, "data.txt")
			must(r.T, os.Chtimes(p, old, old))
			r.CommitAll("data")
			// git compares whole seconds of ctime: let the clock move on
			time.Sleep(1100 * time.Millisecond)
			must(r.T, os.WriteFile(p, []byte("bbbb\n"), 0o600))
			must(r.T, os.Chtimes(p, old, old))
			return r.Dir
		}},
		{name: "touched but unchanged", setup: func(r *gitRepo) string {
			r.basic()
			now := time.Now().Add(time.Hour)
			must(r.T, os.Chtimes(filepath.Join(r.Dir, "README.md"), now, now))
			return r.Dir
		}},
		{name: "staged", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("README.md", "staged\n")
			r.Git("add", "README.md")
			return r.Dir
		}},
		{name: "staged new file", setup: func(r *gitRepo) string { r.basic(); r.Write("new.txt", "n\n"); r.Git("add", "new.txt"); return r.Dir }},
		{name: "deleted", setup: func(r *gitRepo) string {
			r.basic()
			must(r.T, os.Remove(filepath.Join(r.Dir, "docs/guide.txt")))
			return r.Dir
		}},
		{name: "deleted staged", setup: func(r *gitRepo) string { r.basic(); r.Git("rm", "-q", "docs/guide.txt"); return r.Dir }},
		{name: "renamed", setup: func(r *gitRepo) string { r.basic(); r.Git("mv", "docs/guide.txt", "docs/manual.txt"); return r.Dir }},
		{name: "untracked file", setup: func(r *gitRepo) string { r.basic(); r.Write("notes.txt", "x\n"); return r.Dir }},
		{name: "untracked in new directory", setup: func(r *gitRepo) string { r.basic(); r.Write("new/deep/x.txt", "x\n"); return r.Dir }},
		{name: "untracked empty directory", setup: func(r *gitRepo) string {
			r.basic()
			must(r.T, os.MkdirAll(filepath.Join(r.Dir, "empty/inner"), 0o750))
			return r.Dir
		}},
		{name: "ignored file", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("debug.log", "x\n")
			r.Write("src/deep.log", "x\n")
			return r.Dir
		}},
		{name: "ignored directory", setup: func(r *gitRepo) string { r.basic(); r.Write("build/out/app", "bin\n"); return r.Dir }},
		{name: "nested gitignore", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("src/.gitignore", "gen/\n*.tmp\n!keep.tmp\n")
			r.CommitAll("nested ignore")
			r.Write("src/gen/x.go", "x\n")
			r.Write("src/pkg/a.tmp", "x\n")
			return r.Dir
		}},
		{name: "nested gitignore negation", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("src/.gitignore", "*.tmp\n!keep.tmp\n")
			r.CommitAll("nested ignore")
			r.Write("src/pkg/keep.tmp", "x\n")
			return r.Dir
		}},
		{name: "info exclude", setup: func(r *gitRepo) string {
			r.basic()
			r.Write(".git/info/exclude", "secret*\n")
			r.Write("secret.env", "x\n")
			return r.Dir
		}},
		{name: "core.excludesFile", setup: func(r *gitRepo) string {
			r.basic()
			ex := filepath.Join(r.T.TempDir(), "global-ignore")
			testrepo.WriteFile(r.T, ex, "*.swp\n**/cache/**\n")
			r.Git("config", "core.excludesFile", ex)
			r.Write("src/.main.go.swp", "x\n")
			r.Write("a/cache/b/c", "x\n")
			return r.Dir
		}},
		{name: "ignored dir with tracked file", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("vendor/kept.txt", "k\n")
			r.Git("add", "vendor/kept.txt")
			r.Git("commit", "-q", "-m", "vendor")
			r.Write(".gitignore", "*.log\n/build/\nvendor/\n")
			r.CommitAll("ignore vendor")
			r.Write("vendor/other.txt", "o\n")
			return r.Dir
		}},
		{name: "mode change", setup: func(r *gitRepo) string {
			r.basic()
			must(r.T, os.Chmod(filepath.Join(r.Dir, "README.md"), 0o755))
			return r.Dir
		}},
		{name: "mode change with core.fileMode false", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("config", "core.fileMode", "false")
			must(r.T, os.Chmod(filepath.Join(r.Dir, "run.sh"), 0o644))
			return r.Dir
		}},
		{name: "typechange to symlink", setup: func(r *gitRepo) string {
			r.basic()
			p := filepath.Join(r.Dir, "docs/guide.txt")
			must(r.T, os.Remove(p))
			must(r.T, os.Symlink("../README.md", p))
			return r.Dir
		}},
		{name: "symlink retargeted", setup: func(r *gitRepo) string {
			r.basic()
			p := filepath.Join(r.Dir, "link")
			must(r.T, os.Remove(p))
			must(r.T, os.Symlink("run.sh", p))
			return r.Dir
		}},
		{name: "assume unchanged", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("update-index", "--assume-unchanged", "README.md")
			r.Write("README.md", "changed but assumed unchanged\n")
			return r.Dir
		}},
		{name: "intent to add", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("ita.txt", "x\n")
			r.Git("add", "-N", "ita.txt")
			return r.Dir
		}},
		{name: "merge conflict", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("checkout", "-q", "-b", "other")
			r.Write("README.md", "other\n")
			r.CommitAll("other")
			r.Git("checkout", "-q", "main")
			r.Write("README.md", "main\n")
			r.CommitAll("main")
			_, _ = r.try(r.Dir, "merge", "-q", "other")
			return r.Dir
		}},
		{name: "empty repository", setup: func(r *gitRepo) string { return r.Dir }, wantUnknown: []string{FactCommit, FactDescribe}},
		{name: "empty repository with untracked file", setup: func(r *gitRepo) string { r.Write("a.txt", "a\n"); return r.Dir }, wantUnknown: []string{FactCommit}},
		{name: "empty repository with staged file", setup: func(r *gitRepo) string { r.Write("a.txt", "a\n"); r.Git("add", "a.txt"); return r.Dir }, wantUnknown: []string{FactCommit}},
		{name: "bare repository", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("tag", "v1.0.0")
			bare := filepath.Join(r.T.TempDir(), "bare.git")
			r.Git("clone", "-q", "--bare", r.Dir, bare)
			return bare
		}, wantUnknown: []string{FactDirty}},
		{name: "tags lightweight and annotated", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("tag", "v1.9.0")
			r.Git("tag", "-a", "-m", "ten", "v1.10.0")
			r.Git("tag", "v1.2.0")
			r.Git("tag", "-a", "-m", "rc", "v2.0.0-rc1")
			return r.Dir
		}},
		{name: "describe after tag", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("tag", "-a", "-m", "one", "v0.1.0")
			for i := 0; i < 3; i++ {
				r.Write("n.txt", strconv.Itoa(i))
				r.CommitAll("c" + strconv.Itoa(i))
			}
			return r.Dir
		}},
		{name: "describe across merge", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("tag", "base")
			r.Git("checkout", "-q", "-b", "feature")
			r.Write("f.txt", "f\n")
			r.CommitAll("f1")
			r.Git("tag", "-a", "-m", "feat", "feat-1")
			r.Write("f.txt", "f2\n")
			r.CommitAll("f2")
			r.Git("checkout", "-q", "main")
			r.Write("m.txt", "m\n")
			r.CommitAll("m1")
			r.Git("tag", "light")
			r.Write("m.txt", "m2\n")
			r.CommitAll("m2")
			r.Git("merge", "-q", "--no-edit", "feature")
			return r.Dir
		}},
		{name: "packed refs and objects", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("tag", "-a", "-m", "p", "v3.0.0")
			r.Write("x.txt", "x\n")
			r.CommitAll("x")
			r.Git("tag", "v3.0.1")
			r.Git("gc", "-q")
			return r.Dir
		}},
		{name: "detached head single branch", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("x.txt", "x\n")
			r.CommitAll("x")
			r.Git("branch", "release", "HEAD~1")
			r.Git("checkout", "-q", "--detach", "HEAD~1")
			return r.Dir
		}},
		{name: "detached head two branches", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("branch", "a")
			r.Git("checkout", "-q", "--detach")
			return r.Dir
		}},
		{name: "shallow depth 1", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("tag", "-a", "-m", "old", "v0.0.1")
			for i := 0; i < 3; i++ {
				r.Write("n.txt", strconv.Itoa(i))
				r.CommitAll("c" + strconv.Itoa(i))
			}
			clone := filepath.Join(r.T.TempDir(), "clone")
			r.Git("clone", "-q", "--depth", "1", "file://"+r.Dir, clone)
			return clone
		}},
		{name: "shallow depth 200", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("tag", "-a", "-m", "old", "v0.0.1")
			r.fastCommits(250, 240, "")
			clone := filepath.Join(r.T.TempDir(), "clone")
			r.Git("clone", "-q", "--no-single-branch", "--depth", "200", "file://"+r.Dir, clone)
			return clone
		}},
		{name: "linked worktree", setup: func(r *gitRepo) string {
			r.basic()
			wt := filepath.Join(r.T.TempDir(), "wt")
			r.Git("worktree", "add", "-q", "-b", "wtbranch", wt)
			testrepo.WriteFile(r.T, filepath.Join(wt, "src/main.go"), "package main // wt\n")
			return filepath.Join(wt, "src")
		}},
		{name: "template inside submodule", setup: func(r *gitRepo) string {
			sub := newRepo(r.T)
			sub.basic()
			sub.Git("tag", "sub-v1")
			r.basic()
			r.Git("submodule", "add", "-q", sub.Dir, "mods/sub")
			r.Git("commit", "-q", "-m", "add sub")
			return filepath.Join(r.Dir, "mods/sub/src/pkg")
		}},
		{name: "submodule with modified content", setup: func(r *gitRepo) string {
			sub := newRepo(r.T)
			sub.basic()
			r.basic()
			r.Git("submodule", "add", "-q", sub.Dir, "mods/sub")
			r.Git("commit", "-q", "-m", "add sub")
			r.Write("mods/sub/README.md", "changed in submodule\n")
			return r.Dir
		}},
		{name: "submodule with untracked content", setup: func(r *gitRepo) string {
			sub := newRepo(r.T)
			sub.basic()
			r.basic()
			r.Git("submodule", "add", "-q", sub.Dir, "mods/sub")
			r.Git("commit", "-q", "-m", "add sub")
			r.Write("mods/sub/untracked.txt", "x\n")
			return r.Dir
		}},
		{name: "submodule head moved", setup: func(r *gitRepo) string {
			sub := newRepo(r.T)
			sub.basic()
			r.basic()
			r.Git("submodule", "add", "-q", sub.Dir, "mods/sub")
			r.Git("commit", "-q", "-m", "add sub")
			r.GitIn(filepath.Join(r.Dir, "mods/sub"), "commit", "-q", "--allow-empty", "-m", "moved")
			return r.Dir
		}},
		{name: "nested repository untracked", setup: func(r *gitRepo) string {
			r.basic()
			r.GitIn(r.Dir, "init", "-q", filepath.Join(r.Dir, "nested"))
			return r.Dir
		}},
		// go-git v5 refuses the worktreeConfig extension sparse checkout sets
		{name: "sparse checkout cone", goGitUnknown: goGitAnswers, setup: func(r *gitRepo) string {
			r.basic()
			r.Git("sparse-checkout", "init", "--cone")
			r.Git("sparse-checkout", "set", "src")
			r.Write("src/pkg/util.go", "package pkg // sparse edit\n")
			return r.Dir
		}},
		{name: "sparse checkout cone clean", goGitUnknown: goGitAnswers, setup: func(r *gitRepo) string {
			r.basic()
			r.Git("sparse-checkout", "init", "--cone")
			r.Git("sparse-checkout", "set", "docs")
			return r.Dir
		}},
		{name: "index v4", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("update-index", "--index-version", "4")
			r.Write("src/pkg/util.go", "package pkg // v4\n")
			return r.Dir
		}},
		{name: "index v4 clean", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("update-index", "--index-version", "4")
			return r.Dir
		}},
		{name: "split index", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("update-index", "--split-index")
			r.Write("README.md", "split\n")
			return r.Dir
		}},
		{name: "autocrlf and attributes", setup: func(r *gitRepo) string {
			r.basic()
			r.Write(".gitattributes", "*.txt text eol=crlf\n")
			r.CommitAll("attrs")
			must(r.T, os.Remove(filepath.Join(r.Dir, "docs/guide.txt")))
			r.Git("checkout", "--", "docs/guide.txt")
			return r.Dir
		}},
		{name: "missing parent object", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("tag", "v1")
			r.Write("a.txt", "a\n")
			r.CommitAll("a")
			r.Write("b.txt", "b\n")
			r.CommitAll("b")
			parent := r.Git("rev-parse", "HEAD~1")
			must(r.T, os.Remove(filepath.Join(r.Dir, ".git/objects", parent[:2], parent[2:])))
			return r.Dir
		}, adjust: func(r *gitRepo, dir string, e *expected) {
			// git log gives up on the missing parent although HEAD itself is
			// readable (Collect reads HEAD alone); git describe --always
			// prints the hash although tag v1 is an ancestor: git's answer.
			raw := r.GitIn(dir, "cat-file", "-p", "HEAD")
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
		}},
		{name: "unreadable directory", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("locked/secret.txt", "s\n")
			must(r.T, os.Chmod(filepath.Join(r.Dir, "locked"), 0o000))
			r.T.Cleanup(func() { _ = os.Chmod(filepath.Join(r.Dir, "locked"), 0o700) }) //nolint:gosec // restore for cleanup
			return r.Dir
		}},
		{name: "owned by another user", refused: true, setup: func(r *gitRepo) string {
			r.basic()
			r.Git("remote", "add", "origin", "https://user:s3cret@example.com/org/repo.git?private_token=abc&ref=main")
			r.plantCommands()
			r.Write("README.md", "dirty, so that status would run the filter\n")
			r.chownTree(r.Dir, 65534)
			return r.Dir
		}},
		{name: "owned by another user with split index", refused: true, setup: func(r *gitRepo) string {
			r.basic()
			r.Git("update-index", "--split-index")
			r.plantCommands()
			r.Write("README.md", "dirty\n")
			r.chownTree(r.Dir, 65534)
			return r.Dir
		}},
		{name: "planted .git in a shared parent directory", refused: true, setup: func(r *gitRepo) string {
			// CVE-2022-24765: another user made the shared directory a
			// repository; the template's directory is not one.
			r.basic()
			r.plantCommands()
			r.chownTree(r.Dir, 65534)
			mine := filepath.Join(r.Dir, "home", "me", "project")
			must(r.T, os.MkdirAll(mine, 0o750))
			testrepo.WriteFile(r.T, filepath.Join(mine, "template.pkr.hcl"), "source \"null\" \"x\" {}\n")
			return mine
		}},
		// go-git's gitignore matcher gets each of the next three wrong
		// (filepath.Match syntax: "[!a-c]" is not a negation and
		// [[:class:]] is unknown; "dir/**" also excludes dir itself).
		{name: "gitignore negated bracket", setup: func(r *gitRepo) string {
			r.basic()
			r.Write(".gitignore", "*.log\n/build/\n[!a-c]*.gen\n")
			r.CommitAll("bracket ignore")
			r.Write("d1.gen", "ignored: d is not in a-c\n")
			return r.Dir
		}},
		{name: "gitignore character class", setup: func(r *gitRepo) string {
			r.basic()
			r.Write(".gitignore", "*.log\n/build/\n[[:digit:]]*.out\n")
			r.CommitAll("class ignore")
			r.Write("7.out", "ignored\n")
			return r.Dir
		}},
		{name: "gitignore trailing /** with negation", setup: func(r *gitRepo) string {
			r.basic()
			r.Write(".gitignore", "*.log\n/build/\ncache/**\n!cache/keep\n")
			r.CommitAll("cache ignore")
			r.Write("cache/other", "ignored\n")
			r.Write("cache/keep", "re-included\n")
			return r.Dir
		}},
		// go-git v5's plumbing.Hash is 20 bytes: it cannot open it.
		{name: "sha256 object format", goGitUnknown: goGitAnswers, setup: func(r *gitRepo) string {
			s := newRepo(r.T, "--object-format=sha256").basic()
			s.Git("tag", "-a", "-m", "one", "v1.0.0")
			s.Write("x.txt", "x\n")
			s.CommitAll("x")
			s.Git("gc", "-q")
			s.Write("y.txt", "y\n")
			s.CommitAll("y")
			s.Write("README.md", "dirty\n")
			return s.Dir
		}},
		{name: "3,000 annotated tags in packed-refs, HEAD one past the last", setup: func(r *gitRepo) string {
			r.basic()
			r.fastCommits(3000, 0, "annotated")
			r.Git("pack-refs", "--all")
			r.Git("commit", "-q", "--allow-empty", "-m", "one past the last tag")
			return r.Dir
		}},
		// no tag: describe is the short commit, found without walking the
		// history
		{name: "tagless long history", setup: func(r *gitRepo) string {
			r.basic()
			r.fastCommits(3000, 0, "")
			return r.Dir
		}},
		{name: "tagless with core.abbrev 12", goGitUnknown: []string{FactShort}, setup: func(r *gitRepo) string {
			r.basic()
			r.fastCommits(20, 0, "")
			r.Git("config", "core.abbrev", "12")
			return r.Dir
		}},
		{name: "tag only on an unrelated history", setup: func(r *gitRepo) string {
			r.basic()
			r.fastCommits(50, 0, "")
			r.Git("checkout", "-q", "--orphan", "other")
			r.Write("o.txt", "o\n")
			r.CommitAll("other root")
			r.Git("tag", "v9.0.0")
			r.Git("checkout", "-q", "-f", "main")
			return r.Dir
		}},
		{name: "commit-graph", setup: func(r *gitRepo) string {
			r.basic()
			r.fastCommits(300, 120, "")
			r.Git("commit-graph", "write", "--reachable")
			r.Git("commit", "-q", "--allow-empty", "-m", "after the graph")
			return r.Dir
		}},
		{name: "fresh clone with text=auto and racily-clean entries", setup: func(r *gitRepo) string {
			r.basic()
			r.Write(".gitattributes", "* text=auto\n")
			r.Write("crlf.txt", "windows\r\nline\r\n")
			r.CommitAll("attributes")
			clone := filepath.Join(r.T.TempDir(), "clone")
			r.Git("clone", "-q", "file://"+r.Dir, clone)
			return clone
		}},
		{name: "core.excludesFile through includeIf", setup: func(r *gitRepo) string {
			r.basic()
			inc := filepath.Join(r.T.TempDir(), "included")
			ex := filepath.Join(r.T.TempDir(), "ignore")
			testrepo.WriteFile(r.T, ex, "*.swp\n")
			testrepo.WriteFile(r.T, inc, "[core]\n\texcludesFile = "+ex+"\n")
			r.Git("config", "includeIf.gitdir:"+r.Dir+"/.path", inc)
			r.Write("src/.main.go.swp", "x\n")
			return r.Dir
		}},
		{name: "own repository with a clean filter, touched", setup: func(r *gitRepo) string {
			// as git-lfs sets one up: the work tree holds what the filter
			// turns into the blob, so only running it says clean
			r.basic()
			r.Git("config", "filter.up.clean", "tr a-z A-Z")
			r.Git("config", "filter.up.smudge", "cat")
			r.Write(".gitattributes", "*.dat filter=up\n")
			r.Write("big.dat", "lower case content\n")
			r.CommitAll("filtered")
			future := time.Now().Add(time.Hour)
			must(r.T, os.Chtimes(filepath.Join(r.Dir, "big.dat"), future, future))
			return r.Dir
		}},
		{name: "own repository with a clean filter, changed", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("config", "filter.up.clean", "tr a-z A-Z")
			r.Git("config", "filter.up.smudge", "cat")
			r.Write(".gitattributes", "*.dat filter=up\n")
			r.Write("big.dat", "lower case content\n")
			r.CommitAll("filtered")
			r.Write("big.dat", "other content\n")
			return r.Dir
		}},
		{name: "status.showUntrackedFiles no", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("config", "status.showUntrackedFiles", "no")
			r.Write("untracked.txt", "x\n")
			return r.Dir
		}},
		{name: ".git file pointing to a missing gitdir", notRepo: true, setup: func(r *gitRepo) string {
			r.basic()
			r.Write("vendored/.git", "gitdir: ../.git/modules/gone\n")
			return filepath.Join(r.Dir, "vendored")
		}},
		{name: "rebase stopped on a conflict", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("checkout", "-q", "-b", "feature")
			r.Write("README.md", "feature\n")
			r.CommitAll("feature")
			r.Git("checkout", "-q", "main")
			r.Write("README.md", "main\n")
			r.CommitAll("main")
			r.Git("checkout", "-q", "feature")
			if _, ok := r.try(r.Dir, "rebase", "main"); ok {
				r.T.Fatal("rebase did not stop")
			}
			return r.Dir
		}, adjust: func(_ *gitRepo, _ string, e *expected) {
			// HEAD is detached at main, the branch rebased onto; the branch
			// is the one being rebased
			e.branch = "feature"
		}},
		{name: "signed HEAD with log.showSignature", setup: func(r *gitRepo) string {
			r.basic()
			key := filepath.Join(r.T.TempDir(), "key")
			if out, err := exec.Command(sshKeygen, "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); sshKeygen == "" || err != nil {
				r.T.Skipf("ssh-keygen: %v %s", err, out)
			}
			r.Git("-c", "gpg.format=ssh", "-c", "user.signingkey="+key, "commit", "-q", "-S", "--allow-empty", "-m", "signed")
			r.Git("config", "log.showSignature", "true")
			return r.Dir
		}},
		{name: "status.showStash with a stash", setup: func(r *gitRepo) string {
			r.basic()
			r.Write("README.md", "stashed\n")
			r.Git("stash", "-q")
			r.Git("config", "status.showStash", "true")
			return r.Dir
		}},
		{name: "only non-origin remote", setup: func(r *gitRepo) string {
			r.basic()
			r.Git("remote", "add", "upstream", "git@github.com:org/repo.git")
			return r.Dir
		}},
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// chownTree gives dir to uid (skipping the test unless it runs as root).
func (r *gitRepo) chownTree(dir string, uid int) {
	r.T.Helper()
	if os.Geteuid() != 0 {
		r.T.Skip("needs root to chown")
	}
	must(r.T, filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	}))
}

// plantCommands configures an fsmonitor hook and a clean filter that would
// create r.marker, and proves that git runs them when it trusts the
// repository.
func (r *gitRepo) plantCommands() {
	r.T.Helper()
	r.marker = filepath.Join(r.T.TempDir(), "marker")
	r.Git("config", "core.fsmonitor", "touch "+r.marker+"; false")
	r.Git("config", "filter.planted.clean", "touch "+r.marker+"; cat")
	r.Write(".git/info/attributes", "* filter=planted\n")
	r.Write("README.md", "changed so that the filter runs\n")
	r.Git("status", "--porcelain")
	if _, err := os.Stat(r.marker); err != nil {
		r.T.Fatalf("the planted commands did not run in a trusted repository: %v", err)
	}
	r.Git("checkout", "--", "README.md")
	must(r.T, os.Remove(r.marker))
}

// fastCommits appends n commits with git fast-import (much faster than
// n git commit calls), with a lightweight tag at the commit tagAt and, when
// annotated is set, an annotated tag v1.<i>.0 at every commit.
func (r *gitRepo) fastCommits(n, tagAt int, annotated string) {
	r.T.Helper()
	var b strings.Builder
	parent := r.Git("rev-parse", "HEAD")
	for i := 1; i <= n; i++ {
		ts := testrepo.Epoch.Unix() + 100000 + int64(i)*60
		fmt.Fprintf(&b, "commit refs/heads/main\nmark :%d\n", i)
		fmt.Fprintf(&b, "author Ada Author <ada@example.com> %d +0000\ncommitter Cy Committer <cy@example.com> %d +0000\n", ts, ts)
		msg := "c" + strconv.Itoa(i)
		fmt.Fprintf(&b, "data %d\n%s\n", len(msg), msg)
		if i == 1 {
			b.WriteString("from " + parent + "\n")
		}
		content := strconv.Itoa(i) + "\n"
		fmt.Fprintf(&b, "M 100644 inline counter.txt\ndata %d\n%s\n", len(content), content)
		if i == tagAt {
			fmt.Fprintf(&b, "reset refs/tags/fast-%d\nfrom :%d\n\n", i, i)
		}
		if annotated != "" {
			fmt.Fprintf(&b, "tag v1.%d.0\nfrom :%d\ntagger Ada Author <ada@example.com> %d +0000\ndata %d\n%s\n", i, i, ts, len(annotated), annotated)
		}
	}
	cmd := r.Cmd("fast-import", "--quiet")
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		r.T.Fatalf("fast-import: %v: %s", err, out)
	}
	r.Git("reset", "-q", "--hard", "main")
}

// engine names which engine Collect uses in a differential run.
type engine string

const (
	engineCLI   engine = "git CLI"
	engineGoGit engine = "go-git (git not on PATH)"
)

// goGitAnswers are the facts the go-git path answers as git does; it
// leaves the others unknown.
var goGitAnswers = []string{FactCommit, FactShort, FactCommitTime, FactAuthor, FactBranch, FactTags, FactRemote}

// tally counts, per fact, the scenarios in which an engine gave git's
// answer and those in which it left the fact unknown.
type tally struct {
	mu       sync.Mutex
	answered map[string]int
	unknown  map[string]int
}

func (c *tally) add(fact string, answered bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if answered {
		c.answered[fact]++
	} else {
		c.unknown[fact]++
	}
}

// sshKeygen signs a commit; found when the test binary starts, as the go-git
// run hides PATH.
var sshKeygen, _ = exec.LookPath("ssh-keygen")

func TestDifferential(t *testing.T) { differential(t, engineCLI) }

// TestDifferentialGoGit runs the suite with git hidden from PATH (the
// fixtures' git keeps its own PATH).
func TestDifferentialGoGit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	differential(t, engineGoGit)
}

func differential(t *testing.T, eng engine) {
	testrepo.NeedGit(t)
	all := scenarios()
	if len(all) < 25 {
		t.Fatalf("only %d scenarios", len(all))
	}
	c := &tally{answered: map[string]int{}, unknown: map[string]int{}}
	t.Cleanup(func() {
		var b strings.Builder
		fmt.Fprintf(&b, "%s, per fact: collections answered as git does / left unknown with a reason\n", eng)
		for _, k := range []string{FactCommit, FactShort, FactCommitTime, FactAuthor, FactBranch, FactTags, FactDescribe, FactDirty, FactRemote} {
			fmt.Fprintf(&b, "  %-12s %3d / %3d\n", k, c.answered[k], c.unknown[k])
		}
		t.Log(b.String())
	})
	for _, sc := range all {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			dir := sc.setup(r)
			if sc.refused || sc.notRepo {
				checkRefused(t, r, dir, sc.refused)
				return
			}
			want := gitSays(r, dir)
			if sc.adjust != nil {
				sc.adjust(r, dir, &want)
			}
			for _, mode := range []DirtyMode{DirtyAll, DirtyTracked} {
				got, err := Collect(context.Background(), dir, Options{Dirty: mode})
				if err != nil {
					t.Fatalf("Collect(%s): %v", mode, err)
				}
				must := map[string]bool{}
				if eng == engineCLI {
					for _, k := range []string{FactCommit, FactShort, FactCommitTime, FactAuthor, FactBranch, FactTags, FactDescribe, FactDirty, FactRemote} {
						must[k] = true
					}
				} else {
					for _, k := range goGitAnswers {
						must[k] = !slices.Contains(sc.goGitUnknown, k)
					}
				}
				compareFacts(t, mode, got, want, must, c)
				for _, k := range sc.wantUnknown {
					if got.Unknown[k] == "" {
						t.Errorf("%s: want Unknown[%q] set, got %v", mode, k, got.Unknown)
					}
				}
			}
		})
	}
}

// checkRefused: Collect fails as git does, and no planted command ran.
func checkRefused(t *testing.T, r *gitRepo, dir string, untrusted bool) {
	t.Helper()
	for _, mode := range []DirtyMode{DirtyAll, DirtyTracked} {
		f, err := Collect(context.Background(), dir, Options{Dirty: mode})
		switch {
		case err == nil:
			t.Fatalf("%s: Collect = %+v, want an error", mode, f)
		case !errors.Is(err, ErrNotRepository):
			t.Fatalf("%s: error %v does not wrap ErrNotRepository", mode, err)
		case untrusted && (!errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "git config --global --add safe.directory /")):
			t.Fatalf("%s: error %q should wrap ErrUntrusted and name safe.directory", mode, err)
		}
		if _, err := gitSaysErr(r, dir); err == nil {
			t.Fatalf("git answers in %s, yet Collect refused", dir)
		}
	}
	if r.marker != "" {
		if _, err := os.Stat(r.marker); err == nil {
			t.Fatal("a command planted in the repository's configuration ran")
		}
	}
}

// gitSaysErr is git's own discovery error for dir, without any widened
// trust.
func gitSaysErr(r *gitRepo, dir string) (string, error) {
	out, err := r.Command(dir, "rev-parse", "--git-dir").CombinedOutput()
	return string(out), err
}

func compareFacts(t *testing.T, mode DirtyMode, got *Facts, want expected, must map[string]bool, c *tally) {
	t.Helper()
	check := func(fact, g, w string) {
		t.Helper()
		switch {
		case g == "" && got.Unknown[fact] != "" && (!must[fact] || w == ""):
			c.add(fact, false)
		case g == w:
			c.add(fact, true)
		case g == "" && !must[fact]:
			t.Errorf("%s: %s left out without a reason in Unknown, git says %q", mode, fact, w)
		default:
			t.Errorf("%s: %s = %q, git says %q (unknown: %q)", mode, fact, g, w, got.Unknown[fact])
		}
	}
	if got.Root != want.root {
		t.Errorf("%s: Root = %q, git says %q", mode, got.Root, want.root)
	}
	if got.Shallow != want.shallow {
		t.Errorf("%s: Shallow = %v, git says %v", mode, got.Shallow, want.shallow)
	}
	check(FactCommit, got.Commit, want.commit)
	check(FactShort, got.ShortCommit, want.short)
	check(FactAuthor, got.Author, want.author)
	check(FactBranch, got.Branch, want.branch)
	check(FactDescribe, got.Describe, want.describe)
	check(FactRemote, got.Remote, want.remote)
	fmtTime := func(tm time.Time) string {
		if tm.IsZero() {
			return ""
		}
		return tm.String()
	}
	check(FactCommitTime, fmtTime(got.CommitTime), fmtTime(want.commitTime))
	check(FactTags, strings.Join(got.Tags, " "), strings.Join(want.tags, " "))
	wd := want.dirtyAll
	if mode == DirtyTracked {
		wd = want.dirtyTracked
	}
	gd, w := "", fmtBool(wd)
	if got.Dirty != nil {
		gd = fmtBool(got.Dirty)
	}
	if wd == nil {
		w = ""
	}
	check(FactDirty, gd, w)
	if got.Branch == "HEAD" {
		t.Errorf("Branch must never be HEAD")
	}
}
