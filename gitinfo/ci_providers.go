package gitinfo

import (
	"strconv"
	"strings"
)

// The readers of each CI's variables; ci.go's table cites the documentation
// of every variable read here.

var githubEvents = map[string]string{
	"push":                        TriggerPush,
	"create":                      TriggerPush,
	"release":                     TriggerTag,
	"pull_request":                TriggerPullRequest,
	"pull_request_target":         TriggerPullRequest,
	"pull_request_review":         TriggerPullRequest,
	"pull_request_review_comment": TriggerPullRequest,
	"merge_group":                 TriggerPullRequest,
	"schedule":                    TriggerSchedule,
	"workflow_dispatch":           TriggerManual,
	"repository_dispatch":         TriggerAPI,
	"workflow_run":                TriggerPipeline,
	"workflow_call":               TriggerPipeline,
}

func readGitHub(e envFunc, ci *CI) {
	ci.RunID = e("GITHUB_RUN_ID")
	ci.RunAttempt = e("GITHUB_RUN_ATTEMPT")
	if server, repo := first(e("GITHUB_SERVER_URL"), "https://github.com"), e("GITHUB_REPOSITORY"); repo != "" && ci.RunID != "" {
		ci.RunURL = strings.TrimSuffix(server, "/") + "/" + repo + "/actions/runs/" + ci.RunID
		if a := ci.RunAttempt; a != "" && a != "1" {
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
	ci.Trigger = triggerOf(e("GITHUB_EVENT_NAME"), githubEvents)
	ci.Workflow = e("GITHUB_WORKFLOW")
	ci.Job = e("GITHUB_JOB")
	ci.Actor = first(e("GITHUB_TRIGGERING_ACTOR"), e("GITHUB_ACTOR"))
}

var gitlabSources = map[string]string{
	"push":                        TriggerPush,
	"merge_request_event":         TriggerPullRequest,
	"external_pull_request_event": TriggerPullRequest,
	"schedule":                    TriggerSchedule,
	"web":                         TriggerManual,
	"webide":                      TriggerManual,
	"chat":                        TriggerManual,
	"api":                         TriggerAPI,
	"trigger":                     TriggerAPI,
	"pipeline":                    TriggerPipeline,
	"parent_pipeline":             TriggerPipeline,
}

func readGitLab(e envFunc, ci *CI) {
	ci.RunID = e("CI_PIPELINE_ID")
	ci.RunURL = first(e("CI_PIPELINE_URL"), e("CI_JOB_URL"))
	ci.Commit = e("CI_COMMIT_SHA")
	ci.Tag = e("CI_COMMIT_TAG")
	ci.Branch = first(e("CI_COMMIT_BRANCH"), e("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"), e("CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME"))
	ci.PullRequest = first(e("CI_MERGE_REQUEST_IID"), e("CI_EXTERNAL_PULL_REQUEST_IID"))
	ci.Trigger = triggerOf(e("CI_PIPELINE_SOURCE"), gitlabSources)
	ci.Workflow = e("CI_PIPELINE_NAME")
	ci.Job = e("CI_JOB_NAME")
	ci.Actor = e("GITLAB_USER_LOGIN")
}

// jenkinsCauses are EnvInject's BUILD_CAUSE names; jenkinsAutomatedUsers
// the BUILD_USER_ID values Build User Vars sets when no person started the
// build.
var (
	jenkinsCauses = map[string]string{
		"MANUALTRIGGER":       TriggerManual,
		"SCMTRIGGER":          TriggerPush,
		"BRANCHINDEXINGCAUSE": TriggerPush,
		"BRANCHEVENTCAUSE":    TriggerPush,
		"TIMERTRIGGER":        TriggerSchedule,
		"UPSTREAMTRIGGER":     TriggerPipeline,
		"REMOTECAUSE":         TriggerAPI,
	}
	jenkinsAutomatedUsers = map[string]string{
		"timer":          TriggerSchedule,
		"scmChange":      TriggerPush,
		"branchIndexing": TriggerPush,
		"remoteRequest":  TriggerAPI,
		"genericWebhook": TriggerOther,
	}
)

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
	ci.Workflow = e("JOB_NAME")
	cause, _, _ := strings.Cut(e("BUILD_CAUSE"), ",")
	user := e("BUILD_USER_ID")
	automated, isAutomated := jenkinsAutomatedUsers[user]
	if user != "" && !isAutomated {
		ci.Actor = user
	}
	switch {
	case cause != "":
		ci.Trigger = triggerOf(strings.TrimSpace(cause), jenkinsCauses)
	case isAutomated:
		ci.Trigger = automated
	case user != "":
		ci.Trigger = TriggerManual
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
	ci.Job = e("CIRCLE_JOB")
	ci.Actor = e("CIRCLE_USERNAME")
}

var azureReasons = map[string]string{
	"IndividualCI":      TriggerPush,
	"BatchedCI":         TriggerPush,
	"PullRequest":       TriggerPullRequest,
	"Schedule":          TriggerSchedule,
	"Manual":            TriggerManual,
	"ValidateShelveset": TriggerManual,
	"BuildCompletion":   TriggerPipeline,
	"ResourceTrigger":   TriggerPipeline,
}

func readAzure(e envFunc, ci *CI) {
	ci.RunID = e("BUILD_BUILDID")
	if coll, proj := e("SYSTEM_COLLECTIONURI"), e("SYSTEM_TEAMPROJECT"); coll != "" && proj != "" && ci.RunID != "" {
		ci.RunURL = strings.TrimSuffix(coll, "/") + "/" + proj + "/_build/results?buildId=" + ci.RunID
	}
	ci.Commit = e("BUILD_SOURCEVERSION")
	ci.Trigger = triggerOf(e("BUILD_REASON"), azureReasons)
	ci.Workflow = e("BUILD_DEFINITIONNAME")
	ci.Job = first(e("SYSTEM_JOBDISPLAYNAME"), e("SYSTEM_JOBNAME"))
	ci.RunAttempt = e("SYSTEM_JOBATTEMPT")
	ci.Actor = e("BUILD_REQUESTEDFOR")
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
	ci.Actor = e("BITBUCKET_STEP_TRIGGERER_UUID")
}

var buildkiteSources = map[string]string{
	"webhook":     TriggerPush,
	"ui":          TriggerManual,
	"api":         TriggerAPI,
	"trigger_job": TriggerPipeline,
	"schedule":    TriggerSchedule,
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
	ci.Trigger = triggerOf(e("BUILDKITE_SOURCE"), buildkiteSources)
	ci.Workflow = first(e("BUILDKITE_PIPELINE_NAME"), e("BUILDKITE_PIPELINE_SLUG"))
	ci.Job = first(e("BUILDKITE_LABEL"), e("BUILDKITE_STEP_KEY"))
	// BUILDKITE_RETRY_COUNT counts retries: 0 on the first attempt.
	if n, err := strconv.Atoi(e("BUILDKITE_RETRY_COUNT")); err == nil && n >= 0 {
		ci.RunAttempt = strconv.Itoa(n + 1)
	}
	ci.Actor = e("BUILDKITE_BUILD_CREATOR")
}

var travisEvents = map[string]string{
	"push":         TriggerPush,
	"pull_request": TriggerPullRequest,
	"cron":         TriggerSchedule,
	"api":          TriggerAPI,
}

func readTravis(e envFunc, ci *CI) {
	ci.RunID = e("TRAVIS_BUILD_ID")
	ci.RunURL = e("TRAVIS_BUILD_WEB_URL")
	ci.Commit = e("TRAVIS_COMMIT")
	ci.Tag = e("TRAVIS_TAG")
	ci.Trigger = triggerOf(e("TRAVIS_EVENT_TYPE"), travisEvents)
	ci.Job = e("TRAVIS_JOB_NAME")
	ci.PullRequest = notFalse(e("TRAVIS_PULL_REQUEST"))
	if ci.PullRequest != "" {
		ci.Branch = first(e("TRAVIS_PULL_REQUEST_BRANCH"), e("TRAVIS_BRANCH"))
		ci.Commit = first(e("TRAVIS_PULL_REQUEST_SHA"), ci.Commit)
		return
	}
	ci.Branch = e("TRAVIS_BRANCH")
}

// readTeamCity reads the variables TeamCity exports (BUILD_NUMBER,
// BUILD_VCS_NUMBER, TEAMCITY_BUILDCONF_NAME) and the branch that build
// configurations conventionally export as
// env.TEAMCITY_BUILD_BRANCH=%teamcity.build.branch% (or env.BRANCH_NAME),
// plus an optional env.TEAMCITY_BUILD_URL.
func readTeamCity(e envFunc, ci *CI) {
	ci.RunID = first(e("TEAMCITY_BUILD_ID"), e("BUILD_NUMBER"))
	ci.RunURL = e("TEAMCITY_BUILD_URL")
	ci.Commit = first(e("BUILD_VCS_NUMBER"), e("TEAMCITY_BUILD_VCS_NUMBER"))
	ci.Workflow = e("TEAMCITY_BUILDCONF_NAME")
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
