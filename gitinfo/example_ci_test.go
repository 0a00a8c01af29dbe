package gitinfo_test

import (
	"fmt"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// A GitHub Actions run for pull request 42, as its runner's environment
// describes it. DetectCI reads only the variables it documents, from the
// lookup it is given (nil means the process environment).
func ExampleDetectCI() {
	env := map[string]string{
		"GITHUB_ACTIONS":     "true",
		"GITHUB_EVENT_NAME":  "pull_request",
		"GITHUB_SERVER_URL":  "https://github.com",
		"GITHUB_REPOSITORY":  "octo-org/images",
		"GITHUB_RUN_ID":      "9876543210",
		"GITHUB_RUN_ATTEMPT": "1",
		"GITHUB_REF":         "refs/pull/42/merge",
		"GITHUB_REF_NAME":    "42/merge",
		"GITHUB_REF_TYPE":    "branch",
		"GITHUB_HEAD_REF":    "arm64-image",
		"GITHUB_BASE_REF":    "main",
		"GITHUB_SHA":         "0123456789abcdef0123456789abcdef01234567",
		"GITHUB_WORKFLOW":    "Build images",
		"GITHUB_JOB":         "packer",
		"GITHUB_ACTOR":       "octocat",
	}
	ci := gitinfo.DetectCI(func(key string) (string, bool) {
		v, ok := env[key]
		return v, ok
	})
	fmt.Println("provider:", ci.Provider)
	fmt.Println("trigger:", ci.Trigger)
	fmt.Println("pull request:", ci.PullRequest)
	fmt.Println("run:", ci.RunURL)
	// Output:
	// provider: github-actions
	// trigger: pull_request
	// pull request: 42
	// run: https://github.com/octo-org/images/actions/runs/9876543210
}
