package testrepo

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// machineVars are the prefixes and names of the variables through which the
// machine running the tests would reach the code under test: git's own
// (GIT_*, a user's configuration through XDG_CONFIG_HOME) and every CI
// system's that gitinfo.DetectCI reads (CI=true in CI, GITHUB_* on a
// GitHub runner, and so on).
var machineVars = []string{
	"GIT_", "XDG_CONFIG_HOME", "CI", "GITHUB_", "GITLAB_", "CI_", "CIRCLE", "TF_BUILD", "BUILD_", "SYSTEM_",
	"BITBUCKET_", "BUILDKITE", "TRAVIS", "TEAMCITY_", "JENKINS_", "CHANGE_", "BRANCH_NAME", "TAG_NAME",
}

// Main runs a package's tests, as its TestMain, with none of the machine's
// git or CI variables and a private, empty HOME with no system git
// configuration, so that neither the user's git settings nor the CI the
// tests run in change what the code under test sees. Tests set what they
// rely on themselves.
func Main(m *testing.M) {
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
	os.Exit(code)
}
