package e2e

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// Issue 15: a git that never answers. Every case runs with
// git_timeout = "3s" and must end within that deadline plus hangSlack,
// counted from the moment the hung git (or hook) started; nothing it
// started may be left running.
const (
	hangTimeout = 3 * time.Second
	// hangSlack is the "few seconds" a run may take after the deadline:
	// Packer ending the plugins and itself, on a loaded machine.
	hangSlack = 6 * time.Second
	// hangGrace is how long a hung process may take to go once Packer has
	// ended.
	hangGrace = 2 * time.Second
	// hangSleep is how long a hung git or hook sleeps: far beyond every
	// bound, so that one left running is seen, and short enough that a case
	// whose git is never stopped still ends within 30 seconds.
	hangSleep = 25
)

// hungScript is a shell script that hangs as a wedged git or watchman
// does: it starts a child that sleeps, records both process ids in pids,
// and sleeps itself (as the same process).
func hungScript(pids string) string {
	return fmt.Sprintf(`#!/bin/sh
sleep %d &
echo $! >> %[2]q
echo $$ >> %[2]q
exec sleep %[1]d
`, hangSleep, pids)
}

// hangKind is a way for git not to answer.
type hangKind struct {
	name string
	// prepare makes git hang in the repository r once everything the
	// test needs of git has been asked, and returns Packer's extra
	// environment. The hung processes write their ids to pids.
	prepare func(t *testing.T, r *testrepo.Repo, pids string) map[string]string
}

var hangKinds = []hangKind{
	{name: "fake git", prepare: func(t *testing.T, _ *testrepo.Repo, pids string) map[string]string {
		// a git binary that never answers, first on PATH
		bin := filepath.Join(t.TempDir(), "bin")
		testrepo.WriteFile(t, filepath.Join(bin, "git"), hungScript(pids))
		if err := os.Chmod(filepath.Join(bin, "git"), 0o755); err != nil { //nolint:gosec // an executable the test runs
			t.Fatal(err)
		}
		return map[string]string{"PATH": bin + ":" + suite.gitPath + ":/usr/bin:/bin"}
	}},
	{name: "fsmonitor hook", prepare: func(t *testing.T, r *testrepo.Repo, pids string) map[string]string {
		// the real git, in the user's own (trusted) repository, whose
		// core.fsmonitor hook hangs: git status waits for it
		hook := filepath.Join(t.TempDir(), "fsmonitor-hook")
		testrepo.WriteFile(t, hook, hungScript(pids))
		if err := os.Chmod(hook, 0o755); err != nil { //nolint:gosec // an executable the test runs
			t.Fatal(err)
		}
		r.Git("config", "core.fsmonitor", hook)
		return nil
	}},
}

// A data source template whose file builder writes the commit it read,
// with options in the data block.
func hangDatasourceTemplate(options string) string {
	return requireEnrich + `
data "enrich" "git" {
  git_path    = path.root
  git_timeout = "3s"
` + options + `
}

source "file" "stamp" {
  target  = "out/stamp.txt"
  content = "commit=${data.enrich.git.commit}\n"
}

build {
  sources = ["source.file.stamp"]
}
`
}

// A post-processor template: a file builder, then enrich with options.
func hangPostProcessorTemplate(options string) string {
	return hcl(`source "file" "stamp" {
  target  = "out/stamp.txt"
  content = "built\n"
}`, "acc", "", `  post-processor "enrich" {
    git_path    = path.root
    git_timeout = "3s"
    output      = "out/enriched.json"
`+options+`
  }`)
}

// hangCase is one Packer run against a hung git.
type hangCase struct {
	name     string
	template string
	args     []string
	hcp      bool
	// signal, when set, is sent to the Packer process alone (not its
	// group, as a CI runner's cancel does) once git hangs.
	signal syscall.Signal
	// check checks the run's outcome without a signal, and with SIGINT,
	// which Packer's wrapper process ignores when it is sent to it alone
	// (only a terminal's Ctrl-C, sent to the whole group, reaches the
	// real Packer): the run is the same as without it.
	check func(t *testing.T, dir string, r result, hcp *hcpServer)
	// terminated checks the outcome with SIGTERM, which Packer's wrapper
	// forwards: Packer cancels the build.
	terminated func(t *testing.T, dir string, r result, after time.Duration)
}

// hangMessage is what enrich says when git does not answer.
const hangMessage = "git did not answer within 3s (git_timeout)"

func hangCases() []hangCase {
	validate := []string{"validate", "-evaluate-datasources", "build.pkr.hcl"}
	build := []string{"build", "-color=false", "build.pkr.hcl"}
	var cases []hangCase
	for _, sig := range []syscall.Signal{0, syscall.SIGINT, syscall.SIGTERM} {
		suffix := ""
		if sig != 0 {
			suffix = " " + unix(sig)
		}
		cases = append(cases,
			hangCase{name: "datasource validate" + suffix, template: hangDatasourceTemplate(""), args: validate, signal: sig,
				check: func(t *testing.T, dir string, r result, _ *hcpServer) {
					mustSucceed(t, r)
					logSays(t, r, "no git labels: "+hangMessage)
					noFile(t, dir, "out")
				},
				// the data source cannot see the cancel (Execute has no
				// context): it answers at the deadline, and validate,
				// which builds nothing, says the template is valid
				terminated: func(t *testing.T, dir string, r result, _ time.Duration) {
					logSays(t, r, "no git labels: "+hangMessage)
					noFile(t, dir, "out")
				}},
			hangCase{name: "datasource build" + suffix, template: hangDatasourceTemplate(""), args: build, signal: sig,
				check: func(t *testing.T, dir string, r result, _ *hcpServer) {
					mustSucceed(t, r)
					logSays(t, r, "no git labels: "+hangMessage)
					if b := string(readFile(t, filepath.Join(dir, "out", "stamp.txt"))); b != "commit=\n" {
						t.Errorf("out/stamp.txt = %q, want an empty commit", b)
					}
				},
				// the data source answers at the deadline; then Packer
				// cancels the build before the builder runs
				terminated: func(t *testing.T, dir string, r result, _ time.Duration) {
					mustFail(t, r, "Cleanly cancelled builds after being interrupted.")
					logSays(t, r, "no git labels: "+hangMessage)
					noFile(t, dir, "out")
				}},
			hangCase{name: "post-processor" + suffix, template: hangPostProcessorTemplate(""), args: build, hcp: true, signal: sig,
				check: func(t *testing.T, dir string, r result, hcp *hcpServer) {
					mustSucceed(t, r)
					if !strings.Contains(r.Stdout, "no git labels: "+hangMessage) {
						t.Errorf("Packer's output does not say %q:\n%s", hangMessage, r)
					}
					if b := string(readFile(t, filepath.Join(dir, "out", "stamp.txt"))); b != "built\n" {
						t.Errorf("the builder's out/stamp.txt = %q", b)
					}
					e, ok := readOutput(t, filepath.Join(dir, "out", "enriched.json"))["file.stamp"]
					if !ok || e.Labels["build_name"] != "stamp" {
						t.Fatalf("the output file has no entry for file.stamp with its labels: %+v", e)
					}
					noGitLabels(t, "output file", e.Labels)
					u := hcp.DoneOne()
					delete(u.Labels, "git_sha") // Packer core's own, read with go-git
					if u.Labels["build_name"] != "stamp" {
						t.Errorf("HCP labels lack enrich's build_name: %v", u.Labels)
					}
					noGitLabels(t, "HCP build", u.Labels)
				},
				// the cancel reaches the post-processor's context, which
				// stops git at once, long before the deadline
				terminated: func(t *testing.T, _ string, r result, after time.Duration) {
					mustFail(t, r, "Post-processor failed: context canceled")
					if after > hangTimeout/2 {
						t.Errorf("packer ended %s after SIGTERM, want it to stop git at once (the deadline is %s)", after, hangTimeout)
					}
				}},
		)
	}
	refused := func(t *testing.T, dir string, r result, _ *hcpServer) {
		// path.root is "." when Packer runs in the template's directory
		mustFail(t, r, "git_required: the git facts of . cannot be read: "+hangMessage)
		noFile(t, dir, "out/stamp.txt")
	}
	return append(cases,
		hangCase{name: "datasource git_required", template: hangDatasourceTemplate("  git_required = true"), args: build, check: refused},
		hangCase{name: "datasource git_required validate", template: hangDatasourceTemplate("  git_required = true"), args: validate, check: refused},
		hangCase{name: "post-processor git_required", template: hangPostProcessorTemplate("    git_required = true"), args: build, hcp: true,
			check: func(t *testing.T, dir string, r result, hcp *hcpServer) {
				refused(t, dir, r, hcp)
				if n := len(hcp.Updates(statusRunning)); n != 0 {
					t.Errorf("HCP Packer saw %d builds start", n)
				}
			}},
	)
}

// Issue 15: a git that never answers (a fake git on PATH, or the real git
// whose core.fsmonitor hook hangs) ends every Packer run within
// git_timeout plus a few seconds, with the message saying why, also when
// the Packer process alone gets SIGINT or SIGTERM; the post-processor
// goes on without the git labels and the build succeeds; git_required
// refuses before any builder runs; and nothing git started is left
// running.
func TestAccHungGit(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	for _, kind := range hangKinds {
		for _, tc := range hangCases() {
			t.Run(kind.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				r := standardRepo(t, "", map[string]string{"build.pkr.hcl": tc.template})
				pids := filepath.Join(t.TempDir(), "pids")
				env := kind.prepare(t, r, pids)
				t.Cleanup(func() { killLeft(t, pids) })
				var hcp *hcpServer
				if tc.hcp {
					hcp = newHCPServer(t)
				}
				res, hungAt := runHung(t, r.Dir, hcp, env, pids, tc.signal, tc.args...)
				after := res.End.Sub(hungAt)
				t.Logf("measured: packer ran %s, ended %s after git hung (exit code %d)",
					res.End.Sub(res.Start).Round(10*time.Millisecond), after.Round(10*time.Millisecond), res.Code)
				if after > hangTimeout+hangSlack {
					t.Errorf("packer ended %s after git hung, want at most git_timeout (%s) + %s", after, hangTimeout, hangSlack)
				}
				left := stillRunning(pids, hangGrace)
				if len(left) > 0 {
					t.Errorf("%d processes of the hung git are still running %s after packer ended: %s", len(left), hangGrace, strings.Join(left, "; "))
				}
				if tc.signal == syscall.SIGTERM {
					if !strings.Contains(res.Stdout, "Cancelling build after receiving terminated") {
						t.Errorf("Packer never got SIGTERM; the case proves nothing:\n%s", res)
					}
					tc.terminated(t, r.Dir, res, after)
					return
				}
				tc.check(t, r.Dir, res, hcp)
			})
		}
	}
}

// runHung runs Packer until it ends, sending it sig (unless 0) as soon as
// a hung process recorded itself in pids; hungAt is when that was seen.
func runHung(t *testing.T, dir string, hcp *hcpServer, env map[string]string, pids string, sig syscall.Signal, args ...string) (result, time.Time) {
	t.Helper()
	p, err := startPacker(t, dir, hcp, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan time.Time, 1)
	stop := make(chan struct{})
	go func() {
		for {
			if b, err := os.ReadFile(pids); err == nil && len(b) > 0 { //nolint:gosec // the test's own file
				at := time.Now()
				if sig != 0 {
					_ = p.cmd.Process.Signal(sig)
				}
				seen <- at
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	res, err := p.wait()
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case at := <-seen:
		return res, at
	case <-time.After(100 * time.Millisecond):
		t.Fatalf("git never hung: no process recorded itself; the test proves nothing\n%s", res)
	}
	panic("unreachable")
}

// recordedPids reads the process ids the hung processes wrote to pids.
func recordedPids(pids string) []int {
	b, _ := os.ReadFile(pids) //nolint:gosec // the test's own file
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// stillRunning waits up to grace for the processes recorded in pids to
// end and describes those still running.
func stillRunning(pids string, grace time.Duration) []string {
	deadline := time.Now().Add(grace)
	for {
		var left []string
		for _, pid := range recordedPids(pids) {
			if running(pid) {
				cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
				left = append(left, fmt.Sprintf("%d (%s)", pid, strings.ReplaceAll(strings.TrimRight(string(cmd), "\x00"), "\x00", " ")))
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// running says whether the process pid exists and is not a zombie (one
// that has ended, whose parent has not reaped it yet).
func running(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// killLeft kills the processes recorded in pids that are still running,
// so that a failing case leaves nothing behind.
func killLeft(t *testing.T, pids string) {
	for _, pid := range recordedPids(pids) {
		if running(pid) {
			t.Logf("killing the left-over process %d", pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// unix names a signal as kill -l does.
func unix(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// logSays fails t unless the PACKER_LOG file holds msg.
func logSays(t *testing.T, r result, msg string) {
	t.Helper()
	if !strings.Contains(r.Log, msg) {
		t.Errorf("the PACKER_LOG file does not say %q:\n%s", msg, linesWith(r.Log, []string{"enrich"}))
	}
}

// noFile fails t when dir holds name.
func noFile(t *testing.T, dir, name string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
		t.Errorf("%s exists: the builder ran", name)
	}
}

// noGitLabels fails t when labels hold a git_ label.
func noGitLabels(t *testing.T, where string, labels map[string]string) {
	t.Helper()
	for k, v := range labels {
		if strings.HasPrefix(k, "git_") {
			t.Errorf("the %s labels hold %s = %q, want no git labels", where, k, v)
		}
	}
}
