package gitinfo

import (
	"os"
	"strings"
)

// Provider names reported in CI.Provider.
const (
	ProviderGitHubActions      = "github-actions"
	ProviderGitLabCI           = "gitlab-ci"
	ProviderJenkins            = "jenkins"
	ProviderCircleCI           = "circleci"
	ProviderAzurePipelines     = "azure-pipelines"
	ProviderBitbucketPipelines = "bitbucket-pipelines"
	ProviderBuildkite          = "buildkite"
	ProviderTravisCI           = "travis-ci"
	ProviderTeamCity           = "teamcity"
)

type envFunc func(string) string

type ciDetector struct {
	provider string
	detect   func(env envFunc) bool
	read     func(env envFunc, ci *CI)
}

// ciDetectors is ordered: specific providers first, Jenkins (which is
// recognised by variables other tools also set) last.
var ciDetectors = []ciDetector{
	{ProviderGitHubActions, func(e envFunc) bool { return e("GITHUB_ACTIONS") == "true" }, readGitHub},
	{ProviderGitLabCI, func(e envFunc) bool { return e("GITLAB_CI") != "" }, readGitLab},
	{ProviderCircleCI, func(e envFunc) bool { return e("CIRCLECI") == "true" }, readCircle},
	{ProviderAzurePipelines, func(e envFunc) bool { return strings.EqualFold(e("TF_BUILD"), "true") }, readAzure},
	{ProviderBitbucketPipelines, func(e envFunc) bool { return e("BITBUCKET_BUILD_NUMBER") != "" }, readBitbucket},
	{ProviderBuildkite, func(e envFunc) bool { return e("BUILDKITE") == "true" }, readBuildkite},
	{ProviderTravisCI, func(e envFunc) bool { return e("TRAVIS") == "true" }, readTravis},
	{ProviderTeamCity, func(e envFunc) bool { return e("TEAMCITY_VERSION") != "" }, readTeamCity},
	{ProviderJenkins, func(e envFunc) bool { return e("JENKINS_URL") != "" || e("JENKINS_HOME") != "" }, readJenkins},
}

// DetectCI returns the CI run described by the environment, or nil. It is a
// pure function of lookup (nil means os.LookupEnv) and reads only the
// variables it documents; it never copies the environment.
func DetectCI(lookup func(string) (string, bool)) *CI {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	env := func(k string) string {
		v, _ := lookup(k)
		return strings.TrimSpace(v)
	}
	for _, d := range ciDetectors {
		if !d.detect(env) {
			continue
		}
		ci := &CI{Provider: d.provider}
		d.read(env, ci)
		ci.RunURL = StripCredentials(ci.RunURL)
		if ci.Tag != "" && ci.Branch == ci.Tag {
			// Several providers put the tag name in their branch variable
			// for tag builds.
			ci.Branch = ""
		}
		if ci.Branch == "HEAD" {
			ci.Branch = ""
		}
		return ci
	}
	return nil
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// refName splits a full ref into a branch or a tag name. Anything else (for
// example refs/pull/1/merge) yields neither.
func refName(ref string) (branch, tag string) {
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		return strings.TrimPrefix(ref, "refs/heads/"), ""
	case strings.HasPrefix(ref, "refs/tags/"):
		return "", strings.TrimPrefix(ref, "refs/tags/")
	case strings.HasPrefix(ref, "refs/"):
		return "", ""
	}
	return ref, ""
}

// pullNumber extracts N from refs/pull/N/..., pull/N, or a URL ending in /N.
func pullNumber(s string) string {
	s = strings.TrimSuffix(s, "/")
	for _, p := range []string{"refs/pull/", "pull/", "refs/merge-requests/", "merge-requests/"} {
		if i := strings.Index(s, p); i >= 0 {
			rest := s[i+len(p):]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				rest = rest[:j]
			}
			if isDigits(rest) {
				return rest
			}
		}
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 && isDigits(s[i+1:]) {
		return s[i+1:]
	}
	return ""
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func notFalse(s string) string {
	if s == "false" || s == "0" {
		return ""
	}
	return s
}

func readGitHub(e envFunc, ci *CI) {
	ci.RunID = e("GITHUB_RUN_ID")
	if server, repo := first(e("GITHUB_SERVER_URL"), "https://github.com"), e("GITHUB_REPOSITORY"); repo != "" && ci.RunID != "" {
		ci.RunURL = strings.TrimSuffix(server, "/") + "/" + repo + "/actions/runs/" + ci.RunID
		if a := e("GITHUB_RUN_ATTEMPT"); a != "" && a != "1" {
			ci.RunURL += "/attempts/" + a
		}
	}
	ci.Commit = e("GITHUB_SHA")
	ref := e("GITHUB_REF")
	if strings.HasPrefix(ref, "refs/pull/") {
		ci.PullRequest = pullNumber(ref)
	}
	switch {
	case e("GITHUB_HEAD_REF") != "":
		ci.Branch = e("GITHUB_HEAD_REF")
	case e("GITHUB_REF_TYPE") == "branch":
		ci.Branch = e("GITHUB_REF_NAME")
	case e("GITHUB_REF_TYPE") == "tag":
		ci.Tag = e("GITHUB_REF_NAME")
	case e("GITHUB_REF_TYPE") == "":
		ci.Branch, ci.Tag = refName(ref)
	}
	if ci.Tag == "" && e("GITHUB_REF_TYPE") == "" && strings.HasPrefix(ref, "refs/tags/") {
		ci.Tag = strings.TrimPrefix(ref, "refs/tags/")
	}
}

func readGitLab(e envFunc, ci *CI) {
	ci.RunID = e("CI_PIPELINE_ID")
	ci.RunURL = first(e("CI_PIPELINE_URL"), e("CI_JOB_URL"))
	ci.Commit = e("CI_COMMIT_SHA")
	ci.Tag = e("CI_COMMIT_TAG")
	ci.Branch = first(e("CI_COMMIT_BRANCH"), e("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"), e("CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME"))
	ci.PullRequest = first(e("CI_MERGE_REQUEST_IID"), e("CI_EXTERNAL_PULL_REQUEST_IID"))
}

func readJenkins(e envFunc, ci *CI) {
	ci.RunID = first(e("BUILD_NUMBER"), e("BUILD_ID"))
	ci.RunURL = e("BUILD_URL")
	ci.Commit = e("GIT_COMMIT")
	ci.Tag = e("TAG_NAME")
	ci.PullRequest = e("CHANGE_ID")
	switch {
	case ci.PullRequest != "" && e("CHANGE_BRANCH") != "":
		ci.Branch = e("CHANGE_BRANCH")
	case e("BRANCH_NAME") != "" && ci.PullRequest == "":
		ci.Branch = e("BRANCH_NAME")
	default:
		remote := strings.TrimPrefix(strings.TrimPrefix(e("GIT_BRANCH"), "refs/remotes/"), "remotes/")
		var tag string
		ci.Branch, tag = refName(first(e("GIT_LOCAL_BRANCH"), strings.TrimPrefix(remote, "origin/")))
		ci.Tag = first(ci.Tag, tag)
	}
}

func readCircle(e envFunc, ci *CI) {
	// The job's number, which its URL (CIRCLE_BUILD_URL) shows; the
	// workflow id only when there is none.
	ci.RunID = first(e("CIRCLE_BUILD_NUM"), e("CIRCLE_WORKFLOW_ID"))
	ci.RunURL = e("CIRCLE_BUILD_URL")
	ci.Commit = e("CIRCLE_SHA1")
	ci.Branch = e("CIRCLE_BRANCH")
	ci.Tag = e("CIRCLE_TAG")
	ci.PullRequest = first(e("CIRCLE_PR_NUMBER"), pullNumber(e("CIRCLE_PULL_REQUEST")))
}

func readAzure(e envFunc, ci *CI) {
	ci.RunID = e("BUILD_BUILDID")
	if coll, proj := e("SYSTEM_COLLECTIONURI"), e("SYSTEM_TEAMPROJECT"); coll != "" && proj != "" && ci.RunID != "" {
		ci.RunURL = strings.TrimSuffix(coll, "/") + "/" + proj + "/_build/results?buildId=" + ci.RunID
	}
	ci.Commit = e("BUILD_SOURCEVERSION")
	ci.PullRequest = first(e("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER"), e("SYSTEM_PULLREQUEST_PULLREQUESTID"))
	if ci.PullRequest != "" {
		ci.Branch, _ = refName(e("SYSTEM_PULLREQUEST_SOURCEBRANCH"))
		return
	}
	// BUILD_SOURCEBRANCHNAME is only the last path segment; use the full ref.
	ci.Branch, ci.Tag = refName(e("BUILD_SOURCEBRANCH"))
}

func readBitbucket(e envFunc, ci *CI) {
	ci.RunID = e("BITBUCKET_BUILD_NUMBER")
	if origin := e("BITBUCKET_GIT_HTTP_ORIGIN"); origin != "" && ci.RunID != "" {
		ci.RunURL = strings.TrimSuffix(origin, "/") + "/addon/pipelines/home#!/results/" + ci.RunID
	}
	ci.Commit = e("BITBUCKET_COMMIT")
	ci.Branch = e("BITBUCKET_BRANCH")
	ci.Tag = e("BITBUCKET_TAG")
	ci.PullRequest = e("BITBUCKET_PR_ID")
}

func readBuildkite(e envFunc, ci *CI) {
	ci.RunID = e("BUILDKITE_BUILD_ID")
	ci.RunURL = e("BUILDKITE_BUILD_URL")
	if c := e("BUILDKITE_COMMIT"); c != "HEAD" {
		ci.Commit = c
	}
	ci.Branch = e("BUILDKITE_BRANCH")
	ci.Tag = e("BUILDKITE_TAG")
	ci.PullRequest = notFalse(e("BUILDKITE_PULL_REQUEST"))
}

func readTravis(e envFunc, ci *CI) {
	ci.RunID = e("TRAVIS_BUILD_ID")
	ci.RunURL = e("TRAVIS_BUILD_WEB_URL")
	ci.Commit = e("TRAVIS_COMMIT")
	ci.Tag = e("TRAVIS_TAG")
	ci.PullRequest = notFalse(e("TRAVIS_PULL_REQUEST"))
	if ci.PullRequest != "" {
		ci.Branch = first(e("TRAVIS_PULL_REQUEST_BRANCH"), e("TRAVIS_BRANCH"))
		ci.Commit = first(e("TRAVIS_PULL_REQUEST_SHA"), ci.Commit)
		return
	}
	ci.Branch = e("TRAVIS_BRANCH")
}

// readTeamCity reads the variables TeamCity exports (BUILD_NUMBER,
// BUILD_VCS_NUMBER) and the branch that build configurations conventionally
// export as env.TEAMCITY_BUILD_BRANCH=%teamcity.build.branch% (or
// env.BRANCH_NAME), plus an optional env.TEAMCITY_BUILD_URL.
func readTeamCity(e envFunc, ci *CI) {
	ci.RunID = first(e("TEAMCITY_BUILD_ID"), e("BUILD_NUMBER"))
	ci.RunURL = e("TEAMCITY_BUILD_URL")
	ci.Commit = first(e("BUILD_VCS_NUMBER"), e("TEAMCITY_BUILD_VCS_NUMBER"))
	b := first(e("TEAMCITY_BUILD_BRANCH"), e("BRANCH_NAME"))
	if n := pullNumber(b); n != "" && (strings.Contains(b, "pull/") || strings.Contains(b, "merge-requests/")) {
		ci.PullRequest = n
		ci.Branch, _ = refName(e("TEAMCITY_PULLREQUEST_SOURCE_BRANCH"))
		return
	}
	if b == "<default>" {
		b = ""
	}
	ci.Branch, ci.Tag = refName(b)
}
