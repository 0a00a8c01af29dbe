// Package gatetest is the specification of the release gates (the require
// block) as one table that the tests of both components run: for each gate
// and outcome (holds, refused, cannot be decided), the repository, the CI
// and the exact message the user sees.
package gatetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// Outcome is what a gate does with a repository.
type Outcome string

// The outcomes of a gate.
const (
	Holds     Outcome = "holds"
	Refused   Outcome = "refused"
	Undecided Outcome = "cannot be decided"
)

// Case is one gate in one situation.
type Case struct {
	Name    string
	Outcome Outcome
	// Options are the component's options besides git_path: the require
	// block, and dirty_check or git_timeout where the case needs them.
	Options map[string]interface{}
	// Setup makes the situation: the repository (nil for a directory that
	// is none), and the CI's environment.
	Setup func(t *testing.T) (*testrepo.Repo, map[string]string)
	// Want is the message, "" when the gates hold. {root}, {short},
	// {commit}, {parent} and {dir} stand for the repository's root, HEAD's
	// short and full names, HEAD~1's full name and git_path; "…" stands
	// for any text (what git says).
	Want string
	// Break, for a case that holds, changes the repository so that the
	// gate no longer holds, as a change during the build would.
	Break func(r *testrepo.Repo)
}

// Situation is what a case's Setup made.
type Situation struct {
	Repo *testrepo.Repo // nil outside a repository
	Dir  string         // git_path
	Env  map[string]string
	vals map[string]string
}

// Make runs the case's Setup. It may change PATH for the test (t.Setenv),
// so the test must not be parallel.
func (c Case) Make(t *testing.T) Situation {
	t.Helper()
	r, env := c.Setup(t)
	s := Situation{Repo: r, Env: env, vals: map[string]string{}}
	if r == nil {
		s.Dir = filepath.Join(t.TempDir(), "notrepo")
		if err := os.Mkdir(s.Dir, 0o750); err != nil {
			t.Fatal(err)
		}
	} else {
		s.Dir = r.Dir
		s.vals["{root}"], _ = r.TryGit("rev-parse", "--show-toplevel")
		s.vals["{short}"], _ = r.TryGit("rev-parse", "--short", "HEAD")
		s.vals["{commit}"], _ = r.TryGit("rev-parse", "HEAD")
		s.vals["{parent}"], _ = r.TryGit("rev-parse", "HEAD~1")
	}
	s.vals["{dir}"] = s.Dir
	return s
}

// Config returns the component's options for the situation.
func (c Case) Config(s Situation) map[string]interface{} {
	cfg := map[string]interface{}{"git_path": s.Dir}
	for k, v := range c.Options {
		cfg[k] = v
	}
	return cfg
}

// Expected is the case's message in the situation, with "…" where any
// text may be.
func (c Case) Expected(s Situation) string {
	w := c.Want
	for k, v := range s.vals {
		w = strings.ReplaceAll(w, k, v)
	}
	return w
}

// Match reports whether msg is the case's message in the situation.
func (c Case) Match(s Situation, msg string) bool {
	parts := strings.Split(c.Expected(s), "…")
	if !strings.HasPrefix(msg, parts[0]) {
		return false
	}
	rest := msg[len(parts[0]):]
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		j := strings.Index(rest, p)
		if last {
			j = strings.LastIndex(rest, p)
		}
		if j < 0 {
			return false
		}
		rest = rest[j+len(p):]
	}
	return rest == ""
}

// HideGit makes PATH, for the rest of the test, a directory without git;
// the fixtures keep working.
func HideGit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
}

// SlowGit makes PATH, for the rest of the test, a directory whose git
// answers nothing for a minute.
func SlowGit(t *testing.T) {
	dir := t.TempDir()
	testrepo.WriteFile(t, filepath.Join(dir, "git"), "#!/bin/sh\nexec sleep 60\n")
	if err := os.Chmod(filepath.Join(dir, "git"), 0o755); err != nil { //nolint:gosec // a fake git the test runs
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+"/usr/bin:/bin")
}

// CountGit puts, for the rest of the test, a git on PATH that logs every
// call and runs the real git; the returned function counts the calls so
// far.
func CountGit(t *testing.T) func() int {
	t.Helper()
	real, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	testrepo.WriteFile(t, filepath.Join(dir, "git"), fmt.Sprintf("#!/bin/sh\necho \"$*\" >> '%s'\nexec '%s' \"$@\"\n", log, real))
	if err := os.Chmod(filepath.Join(dir, "git"), 0o755); err != nil { //nolint:gosec // a git wrapper the test runs
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return func() int {
		b, err := os.ReadFile(log) //nolint:gosec // the test's own file
		if err != nil {
			return 0
		}
		return strings.Count(string(b), "\n")
	}
}
