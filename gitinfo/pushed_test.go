package gitinfo

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// TestPushed: with Options.Pushed, whether a remote-tracking ref contains
// HEAD, which one, which remotes there are and whether the clone is
// shallow; unknown with the reason where the answer cannot be told. Each
// case gives the answer of the git CLI and of go-git: "true <ref>",
// "false", or "unknown <part of the reason>".
func TestPushed(t *testing.T) {
	upstream := func(t *testing.T, commits int) *testrepo.Repo {
		up := newRepo(t).basic()
		for range commits - 1 {
			up.Write("n.txt", up.Git("rev-parse", "HEAD"))
			up.CommitAll("next")
		}
		return up.Repo
	}
	const goGitCannot = "unknown the git binary is not on PATH, and go-git tells only whether a remote-tracking ref points at HEAD"
	tests := []struct {
		name       string
		setup      func(t *testing.T) *testrepo.Repo
		cli, goGit string
		remotes    []string
		shallow    bool
	}{
		{"HEAD at origin/main", func(t *testing.T) *testrepo.Repo { return upstream(t, 1).Clone() },
			"true refs/remotes/origin/main", "true refs/remotes/origin/main", []string{"origin"}, false},
		{"a local commit", func(t *testing.T) *testrepo.Repo {
			c := upstream(t, 1).Clone()
			c.Write("local.txt", "l\n")
			c.CommitAll("local only")
			return c
		}, "false", goGitCannot, []string{"origin"}, false},
		{"the local commit pushed to a bare remote", func(t *testing.T) *testrepo.Repo {
			c := upstream(t, 1).Clone("--bare").Clone()
			c.Write("local.txt", "l\n")
			c.CommitAll("pushed")
			c.Git("push", "-q", "origin", "main")
			return c
		}, "true refs/remotes/origin/main", "true refs/remotes/origin/main", []string{"origin"}, false},
		{"HEAD behind origin/main", func(t *testing.T) *testrepo.Repo {
			c := upstream(t, 3).Clone()
			c.Git("checkout", "-q", "--detach", "HEAD~2")
			return c
		}, "true refs/remotes/origin/main", goGitCannot, []string{"origin"}, false},
		{"on a fetched branch of a second remote", func(t *testing.T) *testrepo.Repo {
			c := upstream(t, 1).Clone()
			fork := upstream(t, 2)
			c.Git("remote", "add", "fork", "file://"+fork.Dir)
			c.Git("fetch", "-q", "fork")
			c.Git("checkout", "-q", "--detach", "fork/main")
			return c
		}, "true refs/remotes/fork/main", "true refs/remotes/fork/main", []string{"fork", "origin"}, false},
		{"no remote", func(t *testing.T) *testrepo.Repo { return upstream(t, 1) }, "false", goGitCannot, nil, false},
		{"a remote never fetched", func(t *testing.T) *testrepo.Repo {
			r := upstream(t, 1)
			r.Git("remote", "add", "origin", "https://git.example.com/org/repo.git")
			return r
		}, "false", goGitCannot, []string{"origin"}, false},
		{"shallow clone at origin/main", func(t *testing.T) *testrepo.Repo { return upstream(t, 3).Clone("--depth=1") },
			"true refs/remotes/origin/main", "true refs/remotes/origin/main", []string{"origin"}, true},
		{"shallow clone with a local commit", func(t *testing.T) *testrepo.Repo {
			c := upstream(t, 3).Clone("--depth=1")
			c.Write("local.txt", "l\n")
			c.CommitAll("local only")
			return c
		}, "unknown shallow clone: no remote-tracking ref contains HEAD", goGitCannot, []string{"origin"}, true},
		{"empty repository", func(t *testing.T) *testrepo.Repo { return newRepo(t).Repo },
			"unknown HEAD has no readable commit", goGitCannot, nil, false},
	}
	for _, eng := range []engine{engineCLI, engineGoGit} {
		t.Run(string(eng), func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := tt.setup(t)
					want := tt.cli
					if eng == engineGoGit {
						t.Setenv("PATH", t.TempDir())
						want = tt.goGit
					}
					f, err := Collect(context.Background(), r.Dir, Options{Pushed: true})
					if err != nil {
						t.Fatal(err)
					}
					got := "unknown " + f.Unknown[FactPushed]
					if f.Pushed != nil {
						got = strings.TrimSpace(fmtBool(f.Pushed) + " " + f.PushedRef)
					}
					if !strings.HasPrefix(got, want) || (f.Pushed != nil) == strings.HasPrefix(want, "unknown") {
						t.Errorf("pushed: %q, want %q", got, want)
					}
					if !slices.Equal(f.Remotes, tt.remotes) || f.Shallow != tt.shallow {
						t.Errorf("Remotes %q, Shallow %v; want %q, %v", f.Remotes, f.Shallow, tt.remotes, tt.shallow)
					}
				})
			}
		})
	}
}

// TestPushedNotAsked: without Options.Pushed, Pushed stays nil with no
// reason, and no git command asks.
func TestPushedNotAsked(t *testing.T) {
	r := newRepo(t).basic().Clone()
	f, err := Collect(context.Background(), r.Dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Pushed != nil || f.PushedRef != "" || f.Unknown[FactPushed] != "" {
		t.Errorf("Pushed %s %q (%q) although not asked", fmtBool(f.Pushed), f.PushedRef, f.Unknown[FactPushed])
	}
}
