package testrepo

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Suite is Main for a package whose tests share fixtures that must be made
// with the machine's environment, such as binaries go build makes with the
// machine's GOCACHE, GOPATH and GOFLAGS: setup runs first, then the
// machine's git and CI variables are cleared and HOME is made private, as
// under Main, for the tests; teardown, when setup returns one, runs after
// them. setup keeps its own errors for the tests to report.
func Suite(m *testing.M, setup func() (teardown func())) {
	var teardown func()
	if setup != nil {
		teardown = setup()
	}
	home, err := os.MkdirTemp("", "enrich-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		for _, p := range machineVars {
			if strings.HasPrefix(k, p) {
				_ = os.Unsetenv(k)
			}
		}
	}
	_ = os.Setenv("HOME", home)
	_ = os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	code := m.Run()
	_ = os.RemoveAll(home)
	if teardown != nil {
		teardown()
	}
	os.Exit(code)
}
