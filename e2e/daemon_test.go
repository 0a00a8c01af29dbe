package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// daemonHook is a core.fsmonitor hook that starts a file watcher daemon,
// as a watchman hook does on its first run: the daemon leaves git's
// session (setsid) with its standard streams on /dev/null, records its
// id in pids and outlives the build; the hook itself answers at once
// (exit 1: "no answer, scan the work tree"), so git never hangs.
func daemonHook(pids string) string {
	return fmt.Sprintf(`#!/bin/sh
setsid sh -c 'echo $$ >> %[1]q; exec sleep %[2]d' </dev/null >/dev/null 2>&1 &
exit 1
`, pids, hangSleep)
}

// holdingHook is a core.fsmonitor hook that starts a daemon as daemonHook
// does but leaves it the hook's output, which git reads to its end: git
// never gets its answer. The daemon is out of git's process group, so
// enrich cannot stop it; git_timeout still ends the wait.
func holdingHook(pids string) string {
	return fmt.Sprintf(`#!/bin/sh
setsid sh -c 'echo $$ >> %[1]q; exec sleep %[2]d' </dev/null 2>/dev/null &
exit 1
`, pids, hangSleep)
}

// Issue 15: a daemon that a core.fsmonitor hook starts (and that is the
// user's, so enrich leaves it running) holds nothing of Packer's: Packer's
// output ends when Packer does, so `packer build | tee build.log` or a CI
// runner reading Packer's output is not held up until the daemon exits.
// When git answers, the labels are git's; when the daemon keeps the hook's
// output open, so that git never answers, git_timeout ends the wait, with
// its message, although the daemon itself is out of enrich's reach.
func TestAccFsmonitorDaemon(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	build := []string{"build", "-color=false", "build.pkr.hcl"}
	for _, tc := range []struct {
		name, template string
		args           []string
		hook           func(pids string) string
		// hung: git never answers, so the run takes git_timeout and the
		// labels are not git's
		hung bool
	}{
		{"post-processor", hangPostProcessorTemplate(""), build, daemonHook, false},
		{"datasource", hangDatasourceTemplate(""), []string{"validate", "-evaluate-datasources", "build.pkr.hcl"}, daemonHook, false},
		{"post-processor, daemon holds git's pipe", hangPostProcessorTemplate(""), build, holdingHook, true},
		{"datasource, daemon holds git's pipe", hangDatasourceTemplate(""), build, holdingHook, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := standardRepo(t, "", map[string]string{"build.pkr.hcl": tc.template})
			pids := filepath.Join(t.TempDir(), "pids")
			hook := filepath.Join(t.TempDir(), "fsmonitor-hook")
			testrepo.WriteFile(t, hook, tc.hook(pids))
			if err := os.Chmod(hook, 0o755); err != nil { //nolint:gosec // an executable the test runs
				t.Fatal(err)
			}
			r.Git("config", "core.fsmonitor", hook)
			t.Cleanup(func() { killLeft(t, pids) })
			var hcp *hcpServer
			if strings.Contains(tc.template, "hcp_packer_registry") {
				hcp = newHCPServer(t)
			}
			p, err := startPacker(t, r.Dir, hcp, nil, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.wait()
			if err != nil {
				t.Fatal(err)
			}
			// wait returns once Packer has exited and its output has
			// reached its end, which a process holding Packer's output
			// delays until it exits
			took := res.End.Sub(res.Start)
			t.Logf("measured: packer ran %s, its output ended with it", took.Round(10*time.Millisecond))
			if took > hangTimeout+hangSlack {
				t.Errorf("Packer's output ended %s after the start: a process held it open", took)
			}
			mustSucceed(t, res)
			switch {
			case len(recordedPids(pids)) == 0:
				t.Error("the hook never started its daemon; the test proves nothing")
			case took <= hangTimeout+hangSlack && len(stillRunning(pids, 0)) == 0:
				t.Error("the daemon did not outlive the run; the test proves nothing")
			}
			switch {
			case tc.hung && hcp != nil: // the post-processor says it in Packer's output
				if !strings.Contains(res.Stdout, "no git labels: "+hangMessage) {
					t.Errorf("Packer's output does not say %q:\n%s", hangMessage, res)
				}
			case tc.hung:
				logSays(t, res, "no git labels: "+hangMessage)
			case tc.args[0] == "build" && !strings.Contains(res.Stdout, "git labels of the repository"):
				t.Errorf("enrich did not describe the repository:\n%s", res)
			}
		})
	}
}
