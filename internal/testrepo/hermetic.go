package testrepo

import "testing"

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
func Main(m *testing.M) { Suite(m, nil) }
