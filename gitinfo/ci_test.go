package gitinfo

import (
	"context"
	"testing"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestDetectCI(t *testing.T) {
	const sha = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name string
		env  map[string]string
		want *CI
	}{
		{"no CI", map[string]string{"CI": "true", "HOME": "/root"}, nil},

		{"github branch push", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "42", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "org/repo", "GITHUB_REF": "refs/heads/feature/x", "GITHUB_REF_NAME": "feature/x", "GITHUB_REF_TYPE": "branch", "GITHUB_SHA": sha},
			&CI{Provider: "github-actions", RunID: "42", RunURL: "https://github.com/org/repo/actions/runs/42", Branch: "feature/x", Commit: sha}},
		{"github tag push", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "43", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_SERVER_URL": "https://ghe.example.com/", "GITHUB_REPOSITORY": "org/repo", "GITHUB_REF": "refs/tags/v1.2.3", "GITHUB_REF_NAME": "v1.2.3", "GITHUB_REF_TYPE": "tag", "GITHUB_SHA": sha},
			&CI{Provider: "github-actions", RunID: "43", RunURL: "https://ghe.example.com/org/repo/actions/runs/43/attempts/2", Tag: "v1.2.3", Commit: sha, Trigger: "tag", RunAttempt: "2"}},
		{"github pull request", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "44", "GITHUB_REPOSITORY": "org/repo", "GITHUB_REF": "refs/pull/17/merge", "GITHUB_REF_NAME": "17/merge", "GITHUB_REF_TYPE": "branch", "GITHUB_HEAD_REF": "fix-bug", "GITHUB_BASE_REF": "main", "GITHUB_SHA": sha},
			&CI{Provider: "github-actions", RunID: "44", RunURL: "https://github.com/org/repo/actions/runs/44", Branch: "fix-bug", Commit: sha, PullRequest: "17", Trigger: "pull_request"}},

		{"gitlab branch push", map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "900", "CI_PIPELINE_URL": "https://gitlab.com/g/p/-/pipelines/900", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_REF_NAME": "main", "CI_COMMIT_SHA": sha},
			&CI{Provider: "gitlab-ci", RunID: "900", RunURL: "https://gitlab.com/g/p/-/pipelines/900", Branch: "main", Commit: sha}},
		{"gitlab tag push", map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "901", "CI_PIPELINE_URL": "https://gitlab-ci-token:glcbt-secret@gitlab.example.com/g/p/-/pipelines/901", "CI_COMMIT_TAG": "v2.0.0", "CI_COMMIT_REF_NAME": "v2.0.0", "CI_COMMIT_SHA": sha},
			&CI{Provider: "gitlab-ci", RunID: "901", RunURL: "https://gitlab.example.com/g/p/-/pipelines/901", Tag: "v2.0.0", Commit: sha, Trigger: "tag"}},
		{"gitlab merge request", map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "902", "CI_MERGE_REQUEST_IID": "5", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "topic", "CI_COMMIT_REF_NAME": "topic", "CI_COMMIT_SHA": sha},
			&CI{Provider: "gitlab-ci", RunID: "902", Branch: "topic", Commit: sha, PullRequest: "5", Trigger: "pull_request"}},

		{"jenkins branch (GIT_BRANCH)", map[string]string{"JENKINS_URL": "https://ci.example.com/", "BUILD_NUMBER": "7", "BUILD_URL": "https://admin:pw@ci.example.com/job/x/7/", "GIT_BRANCH": "origin/develop", "GIT_COMMIT": sha},
			&CI{Provider: "jenkins", RunID: "7", RunURL: "https://ci.example.com/job/x/7/", Branch: "develop", Commit: sha}},
		{"jenkins multibranch tag", map[string]string{"JENKINS_URL": "https://ci.example.com/", "BUILD_NUMBER": "8", "BRANCH_NAME": "v1.0.0", "TAG_NAME": "v1.0.0", "GIT_COMMIT": sha},
			&CI{Provider: "jenkins", RunID: "8", Tag: "v1.0.0", Commit: sha, Trigger: "tag"}},
		{"jenkins multibranch pull request", map[string]string{"JENKINS_URL": "https://ci.example.com/", "BUILD_NUMBER": "9", "BRANCH_NAME": "PR-12", "CHANGE_ID": "12", "CHANGE_BRANCH": "feature-y", "GIT_COMMIT": sha},
			&CI{Provider: "jenkins", RunID: "9", Branch: "feature-y", Commit: sha, PullRequest: "12", Trigger: "pull_request"}},
		{"jenkins multibranch branch", map[string]string{"JENKINS_URL": "https://ci.example.com/", "BUILD_NUMBER": "10", "BRANCH_NAME": "release/1.x", "GIT_BRANCH": "release/1.x"},
			&CI{Provider: "jenkins", RunID: "10", Branch: "release/1.x"}},

		{"circleci branch", map[string]string{"CIRCLECI": "true", "CI": "true", "CIRCLE_WORKFLOW_ID": "wf-1", "CIRCLE_BUILD_NUM": "11", "CIRCLE_BUILD_URL": "https://circleci.com/gh/org/repo/11", "CIRCLE_BRANCH": "main", "CIRCLE_SHA1": sha},
			&CI{Provider: "circleci", RunID: "11", RunURL: "https://circleci.com/gh/org/repo/11", Branch: "main", Commit: sha}},
		{"circleci tag", map[string]string{"CIRCLECI": "true", "CIRCLE_WORKFLOW_ID": "wf-2", "CIRCLE_TAG": "v3", "CIRCLE_SHA1": sha},
			&CI{Provider: "circleci", RunID: "wf-2", Tag: "v3", Commit: sha, Trigger: "tag"}},
		{"circleci pull request", map[string]string{"CIRCLECI": "true", "CIRCLE_WORKFLOW_ID": "wf-3", "CIRCLE_BRANCH": "pull/33", "CIRCLE_PULL_REQUEST": "https://github.com/org/repo/pull/33", "CIRCLE_SHA1": sha},
			&CI{Provider: "circleci", RunID: "wf-3", Branch: "pull/33", Commit: sha, PullRequest: "33", Trigger: "pull_request"}},

		{"azure branch", map[string]string{"TF_BUILD": "True", "BUILD_BUILDID": "100", "SYSTEM_COLLECTIONURI": "https://dev.azure.com/org/", "SYSTEM_TEAMPROJECT": "proj", "BUILD_SOURCEBRANCH": "refs/heads/feature/deep/name", "BUILD_SOURCEBRANCHNAME": "name", "BUILD_SOURCEVERSION": sha},
			&CI{Provider: "azure-pipelines", RunID: "100", RunURL: "https://dev.azure.com/org/proj/_build/results?buildId=100", Branch: "feature/deep/name", Commit: sha}},
		{"azure tag", map[string]string{"TF_BUILD": "True", "BUILD_BUILDID": "101", "BUILD_SOURCEBRANCH": "refs/tags/v9.9.9", "BUILD_SOURCEBRANCHNAME": "v9.9.9", "BUILD_SOURCEVERSION": sha},
			&CI{Provider: "azure-pipelines", RunID: "101", Tag: "v9.9.9", Commit: sha, Trigger: "tag"}},
		{"azure pull request", map[string]string{"TF_BUILD": "True", "BUILD_BUILDID": "102", "BUILD_SOURCEBRANCH": "refs/pull/8/merge", "SYSTEM_PULLREQUEST_PULLREQUESTNUMBER": "8", "SYSTEM_PULLREQUEST_SOURCEBRANCH": "refs/heads/topic/a", "BUILD_SOURCEVERSION": sha},
			&CI{Provider: "azure-pipelines", RunID: "102", Branch: "topic/a", Commit: sha, PullRequest: "8", Trigger: "pull_request"}},

		{"bitbucket branch", map[string]string{"BITBUCKET_BUILD_NUMBER": "55", "BITBUCKET_GIT_HTTP_ORIGIN": "http://bitbucket.org/ws/repo", "BITBUCKET_BRANCH": "main", "BITBUCKET_COMMIT": sha},
			&CI{Provider: "bitbucket-pipelines", RunID: "55", RunURL: "http://bitbucket.org/ws/repo/addon/pipelines/home#!/results/55", Branch: "main", Commit: sha}},
		{"bitbucket tag", map[string]string{"BITBUCKET_BUILD_NUMBER": "56", "BITBUCKET_TAG": "rel-1", "BITBUCKET_COMMIT": sha},
			&CI{Provider: "bitbucket-pipelines", RunID: "56", Tag: "rel-1", Commit: sha, Trigger: "tag"}},
		{"bitbucket pull request", map[string]string{"BITBUCKET_BUILD_NUMBER": "57", "BITBUCKET_BRANCH": "feat", "BITBUCKET_PR_ID": "4", "BITBUCKET_COMMIT": sha},
			&CI{Provider: "bitbucket-pipelines", RunID: "57", Branch: "feat", Commit: sha, PullRequest: "4", Trigger: "pull_request"}},

		{"buildkite branch", map[string]string{"BUILDKITE": "true", "BUILDKITE_BUILD_ID": "uuid-1", "BUILDKITE_BUILD_URL": "https://buildkite.com/org/p/builds/1", "BUILDKITE_BRANCH": "main", "BUILDKITE_COMMIT": sha, "BUILDKITE_PULL_REQUEST": "false", "BUILDKITE_TAG": ""},
			&CI{Provider: "buildkite", RunID: "uuid-1", RunURL: "https://buildkite.com/org/p/builds/1", Branch: "main", Commit: sha}},
		{"buildkite tag", map[string]string{"BUILDKITE": "true", "BUILDKITE_BUILD_ID": "uuid-2", "BUILDKITE_BRANCH": "v5.0.0", "BUILDKITE_TAG": "v5.0.0", "BUILDKITE_COMMIT": "HEAD", "BUILDKITE_PULL_REQUEST": "false"},
			&CI{Provider: "buildkite", RunID: "uuid-2", Tag: "v5.0.0", Trigger: "tag"}},
		{"buildkite pull request", map[string]string{"BUILDKITE": "true", "BUILDKITE_BUILD_ID": "uuid-3", "BUILDKITE_BRANCH": "contrib", "BUILDKITE_PULL_REQUEST": "99", "BUILDKITE_COMMIT": sha},
			&CI{Provider: "buildkite", RunID: "uuid-3", Branch: "contrib", Commit: sha, PullRequest: "99", Trigger: "pull_request"}},

		{"travis branch", map[string]string{"TRAVIS": "true", "TRAVIS_BUILD_ID": "77", "TRAVIS_BUILD_WEB_URL": "https://app.travis-ci.com/org/repo/builds/77", "TRAVIS_BRANCH": "main", "TRAVIS_COMMIT": sha, "TRAVIS_PULL_REQUEST": "false", "TRAVIS_TAG": ""},
			&CI{Provider: "travis-ci", RunID: "77", RunURL: "https://app.travis-ci.com/org/repo/builds/77", Branch: "main", Commit: sha}},
		{"travis tag", map[string]string{"TRAVIS": "true", "TRAVIS_BUILD_ID": "78", "TRAVIS_BRANCH": "v1.1", "TRAVIS_TAG": "v1.1", "TRAVIS_COMMIT": sha, "TRAVIS_PULL_REQUEST": "false"},
			&CI{Provider: "travis-ci", RunID: "78", Tag: "v1.1", Commit: sha, Trigger: "tag"}},
		{"travis pull request", map[string]string{"TRAVIS": "true", "TRAVIS_BUILD_ID": "79", "TRAVIS_BRANCH": "main", "TRAVIS_PULL_REQUEST": "21", "TRAVIS_PULL_REQUEST_BRANCH": "patch-1", "TRAVIS_PULL_REQUEST_SHA": "fedcba9876543210fedcba9876543210fedcba98", "TRAVIS_COMMIT": sha},
			&CI{Provider: "travis-ci", RunID: "79", Branch: "patch-1", Commit: "fedcba9876543210fedcba9876543210fedcba98", PullRequest: "21", Trigger: "pull_request"}},

		{"teamcity branch", map[string]string{"TEAMCITY_VERSION": "2024.03", "BUILD_NUMBER": "300", "BUILD_VCS_NUMBER": sha, "TEAMCITY_BUILD_BRANCH": "refs/heads/main"},
			&CI{Provider: "teamcity", RunID: "300", Branch: "main", Commit: sha}},
		{"teamcity tag", map[string]string{"TEAMCITY_VERSION": "2024.03", "BUILD_NUMBER": "301", "BUILD_VCS_NUMBER": sha, "TEAMCITY_BUILD_BRANCH": "refs/tags/v7"},
			&CI{Provider: "teamcity", RunID: "301", Tag: "v7", Commit: sha, Trigger: "tag"}},
		{"teamcity pull request", map[string]string{"TEAMCITY_VERSION": "2024.03", "BUILD_NUMBER": "302", "BUILD_VCS_NUMBER": sha, "TEAMCITY_BUILD_BRANCH": "pull/15", "TEAMCITY_PULLREQUEST_SOURCE_BRANCH": "refs/heads/hotfix", "TEAMCITY_BUILD_URL": "https://tc.example.com/viewLog.html?buildId=302&token=abc"},
			&CI{Provider: "teamcity", RunID: "302", RunURL: "https://tc.example.com/viewLog.html?buildId=302", Branch: "hotfix", Commit: sha, PullRequest: "15", Trigger: "pull_request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DetectCI(envOf(tt.env))
			if (got == nil) != (tt.want == nil) {
				t.Fatalf("DetectCI = %+v, want %+v", got, tt.want)
			}
			if got != nil && *got != *tt.want {
				t.Errorf("DetectCI =\n  %+v\nwant\n  %+v", *got, *tt.want)
			}
			if got != nil && got.Branch == "HEAD" {
				t.Error("branch must never be HEAD")
			}
		})
	}
}

// TestCollectCIBranch checks that a detached HEAD takes its branch from
// the CI, and that a checked-out branch wins over the CI.
func TestCollectCIBranch(t *testing.T) {
	r := newRepo(t).basic()
	r.Git("branch", "one")
	r.Git("branch", "two")
	env := envOf(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REF_TYPE": "branch", "GITHUB_REF_NAME": "ci-branch", "GITHUB_REF": "refs/heads/ci-branch"})
	tests := []struct {
		name     string
		detached bool
		env      func(string) (string, bool)
		want     string
	}{
		{"attached ignores CI", false, env, "main"},
		{"detached uses CI", true, env, "ci-branch"},
		{"detached ambiguous without CI", true, noEnv, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.detached {
				r.Git("checkout", "-q", "--detach")
			} else {
				r.Git("checkout", "-q", "main")
			}
			f, err := Collect(context.Background(), r.Dir, Options{Dirty: DirtyOff, CI: DetectCI(tt.env)})
			if err != nil {
				t.Fatal(err)
			}
			if f.Branch != tt.want {
				t.Errorf("Branch = %q, want %q", f.Branch, tt.want)
			}
			if f.Dirty != nil {
				t.Errorf("DirtyOff must leave Dirty nil")
			}
		})
	}
}
