package gitinfo

import "testing"

// The why, what and who of a run (Trigger, Workflow, Job, RunAttempt,
// Actor) per CI, from each CI's documented variables (cited in ci.go).

// runFacts are the CI fields these tests are about.
type runFacts struct {
	Trigger, Workflow, Job, RunAttempt, Actor string
}

type runCase struct {
	name string
	env  map[string]string
	want runFacts
}

// with returns a copy of base with the key-value pairs kv set.
func with(base map[string]string, kv ...string) map[string]string {
	m := make(map[string]string, len(base)+len(kv)/2)
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

var triggers = map[string]bool{
	"": true, TriggerPush: true, TriggerTag: true, TriggerPullRequest: true, TriggerSchedule: true,
	TriggerManual: true, TriggerAPI: true, TriggerPipeline: true, TriggerOther: true,
}

func checkRunFacts(t *testing.T, provider string, tests []runCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ci := DetectCI(envOf(tt.env))
			if ci == nil || ci.Provider != provider {
				t.Fatalf("DetectCI = %+v, want provider %s", ci, provider)
			}
			got := runFacts{ci.Trigger, ci.Workflow, ci.Job, ci.RunAttempt, ci.Actor}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if !triggers[ci.Trigger] {
				t.Errorf("Trigger %q is not one of the Trigger constants", ci.Trigger)
			}
		})
	}
}

func TestDetectCIRunGitHubActions(t *testing.T) {
	base := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "42", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_REPOSITORY": "org/images",
		"GITHUB_WORKFLOW": "Build images", "GITHUB_JOB": "packer", "GITHUB_ACTOR": "octocat", "GITHUB_TRIGGERING_ACTOR": "octocat",
		"GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch",
	}
	tag := []string{"GITHUB_REF", "refs/tags/v1.0.0", "GITHUB_REF_NAME", "v1.0.0", "GITHUB_REF_TYPE", "tag"}
	run := func(trigger string) runFacts { return runFacts{trigger, "Build images", "packer", "1", "octocat"} }
	checkRunFacts(t, ProviderGitHubActions, []runCase{
		{"branch push", with(base, "GITHUB_EVENT_NAME", "push"), run(TriggerPush)},
		{"tag push", with(base, append(tag, "GITHUB_EVENT_NAME", "push")...), run(TriggerTag)},
		{"tag created", with(base, append(tag, "GITHUB_EVENT_NAME", "create")...), run(TriggerTag)},
		{"release published", with(base, append(tag, "GITHUB_EVENT_NAME", "release")...), run(TriggerTag)},
		{"pull request", with(base, "GITHUB_EVENT_NAME", "pull_request", "GITHUB_REF", "refs/pull/7/merge", "GITHUB_REF_NAME", "7/merge", "GITHUB_HEAD_REF", "fix"), run(TriggerPullRequest)},
		{"pull_request_target on the base branch", with(base, "GITHUB_EVENT_NAME", "pull_request_target"), run(TriggerPullRequest)},
		{"merge queue", with(base, "GITHUB_EVENT_NAME", "merge_group", "GITHUB_REF", "refs/heads/gh-readonly-queue/main/pr-7-abc"), run(TriggerPullRequest)},
		{"scheduled", with(base, "GITHUB_EVENT_NAME", "schedule"), run(TriggerSchedule)},
		{"manual", with(base, "GITHUB_EVENT_NAME", "workflow_dispatch"), run(TriggerManual)},
		{"manual run of a tag stays manual", with(base, append(tag, "GITHUB_EVENT_NAME", "workflow_dispatch")...), run(TriggerManual)},
		{"repository_dispatch", with(base, "GITHUB_EVENT_NAME", "repository_dispatch"), run(TriggerAPI)},
		{"after another workflow", with(base, "GITHUB_EVENT_NAME", "workflow_run"), run(TriggerPipeline)},
		{"issue comment", with(base, "GITHUB_EVENT_NAME", "issue_comment"), run(TriggerOther)},
		{"no event name", base, run("")},
		{"re-run by someone else", with(base, "GITHUB_EVENT_NAME", "push", "GITHUB_RUN_ATTEMPT", "3", "GITHUB_TRIGGERING_ACTOR", "hubot"),
			runFacts{TriggerPush, "Build images", "packer", "3", "hubot"}},
		{"actor without triggering actor", with(base, "GITHUB_EVENT_NAME", "push", "GITHUB_TRIGGERING_ACTOR", ""), run(TriggerPush)},
	})
}

func TestDetectCIRunGitLabCI(t *testing.T) {
	base := map[string]string{
		"GITLAB_CI": "true", "CI_PIPELINE_ID": "900", "CI_JOB_ID": "5501", "CI_JOB_NAME": "build-image",
		"CI_PIPELINE_NAME": "Images", "GITLAB_USER_LOGIN": "alice", "CI_COMMIT_BRANCH": "main",
	}
	run := func(trigger string) runFacts { return runFacts{trigger, "Images", "build-image", "", "alice"} }
	checkRunFacts(t, ProviderGitLabCI, []runCase{
		{"branch push", with(base, "CI_PIPELINE_SOURCE", "push"), run(TriggerPush)},
		{"tag push", with(base, "CI_PIPELINE_SOURCE", "push", "CI_COMMIT_BRANCH", "", "CI_COMMIT_TAG", "v2.0.0"), run(TriggerTag)},
		{"merge request", with(base, "CI_PIPELINE_SOURCE", "merge_request_event", "CI_COMMIT_BRANCH", "", "CI_MERGE_REQUEST_IID", "5"), run(TriggerPullRequest)},
		{"external pull request", with(base, "CI_PIPELINE_SOURCE", "external_pull_request_event", "CI_EXTERNAL_PULL_REQUEST_IID", "9"), run(TriggerPullRequest)},
		{"scheduled", with(base, "CI_PIPELINE_SOURCE", "schedule"), run(TriggerSchedule)},
		{"manual (Run pipeline)", with(base, "CI_PIPELINE_SOURCE", "web"), run(TriggerManual)},
		{"manual run of a tag stays manual", with(base, "CI_PIPELINE_SOURCE", "web", "CI_COMMIT_TAG", "v2.0.0"), run(TriggerManual)},
		{"pipelines API", with(base, "CI_PIPELINE_SOURCE", "api"), run(TriggerAPI)},
		{"trigger token", with(base, "CI_PIPELINE_SOURCE", "trigger"), run(TriggerAPI)},
		{"child pipeline", with(base, "CI_PIPELINE_SOURCE", "parent_pipeline"), run(TriggerPipeline)},
		{"multi-project pipeline", with(base, "CI_PIPELINE_SOURCE", "pipeline"), run(TriggerPipeline)},
		{"DAST scan", with(base, "CI_PIPELINE_SOURCE", "ondemand_dast_scan"), run(TriggerOther)},
		{"no workflow:name", with(base, "CI_PIPELINE_SOURCE", "push", "CI_PIPELINE_NAME", ""),
			runFacts{TriggerPush, "", "build-image", "", "alice"}},
	})
}

func TestDetectCIRunJenkins(t *testing.T) {
	base := map[string]string{"JENKINS_URL": "https://ci.example.com/", "BUILD_NUMBER": "7", "JOB_NAME": "images/main", "BRANCH_NAME": "main"}
	run := func(trigger, actor string) runFacts { return runFacts{trigger, "images/main", "", "", actor} }
	checkRunFacts(t, ProviderJenkins, []runCase{
		{"SCM push", with(base, "BUILD_CAUSE", "SCMTRIGGER", "BUILD_USER_ID", "scmChange"), run(TriggerPush, "")},
		{"branch indexing of a tag", with(base, "BRANCH_NAME", "v1.0.0", "TAG_NAME", "v1.0.0", "BUILD_CAUSE", "BRANCHINDEXINGCAUSE"), run(TriggerTag, "")},
		{"tag without cause variables", with(base, "BRANCH_NAME", "v1.0.0", "TAG_NAME", "v1.0.0"), run(TriggerTag, "")},
		{"pull request", with(base, "BRANCH_NAME", "PR-12", "CHANGE_ID", "12", "CHANGE_BRANCH", "fix", "BUILD_CAUSE", "BRANCHEVENTCAUSE"), run(TriggerPullRequest, "")},
		{"timer", with(base, "BUILD_CAUSE", "TIMERTRIGGER"), run(TriggerSchedule, "")},
		{"timer, Build User Vars only", with(base, "BUILD_USER_ID", "timer"), run(TriggerSchedule, "")},
		{"manual", with(base, "BUILD_CAUSE", "MANUALTRIGGER", "BUILD_USER_ID", "alice"), run(TriggerManual, "alice")},
		{"manual, Build User Vars only", with(base, "BUILD_USER_ID", "alice"), run(TriggerManual, "alice")},
		{"manual build of a tag stays manual", with(base, "TAG_NAME", "v1.0.0", "BUILD_CAUSE", "MANUALTRIGGER", "BUILD_USER_ID", "alice"), run(TriggerManual, "alice")},
		{"remote API", with(base, "BUILD_CAUSE", "REMOTECAUSE", "BUILD_USER_ID", "remoteRequest"), run(TriggerAPI, "")},
		{"upstream first of several causes", with(base, "BUILD_CAUSE", "UPSTREAMTRIGGER,SCMTRIGGER"), run(TriggerPipeline, "")},
		{"a plugin's cause", with(base, "BUILD_CAUSE", "PARAMETERIZEDTIMERTRIGGERCAUSE"), run(TriggerOther, "")},
		{"nothing told", base, run("", "")},
	})
}

func TestDetectCIRunCircleCI(t *testing.T) {
	base := map[string]string{
		"CIRCLECI": "true", "CIRCLE_BUILD_NUM": "11", "CIRCLE_WORKFLOW_ID": "6f1c3e9e-0000-4000-8000-000000000001",
		"CIRCLE_JOB": "build-image", "CIRCLE_USERNAME": "alice", "CIRCLE_BRANCH": "main",
	}
	run := func(trigger string) runFacts { return runFacts{trigger, "", "build-image", "", "alice"} }
	checkRunFacts(t, ProviderCircleCI, []runCase{
		{"branch (CircleCI does not say why)", base, run("")},
		{"tag", with(base, "CIRCLE_BRANCH", "", "CIRCLE_TAG", "v3.0.0"), run(TriggerTag)},
		{"pull request", with(base, "CIRCLE_PULL_REQUEST", "https://github.com/org/images/pull/33"), run(TriggerPullRequest)},
	})
}

func TestDetectCIRunAzurePipelines(t *testing.T) {
	base := map[string]string{
		"TF_BUILD": "True", "BUILD_BUILDID": "100", "BUILD_DEFINITIONNAME": "images-ci", "SYSTEM_JOBNAME": "build",
		"SYSTEM_JOBDISPLAYNAME": "Build image", "SYSTEM_JOBATTEMPT": "1", "BUILD_REQUESTEDFOR": "Alice Example",
		"BUILD_SOURCEBRANCH": "refs/heads/main",
	}
	run := func(trigger string) runFacts {
		return runFacts{trigger, "images-ci", "Build image", "1", "Alice Example"}
	}
	checkRunFacts(t, ProviderAzurePipelines, []runCase{
		{"CI push", with(base, "BUILD_REASON", "IndividualCI"), run(TriggerPush)},
		{"batched CI push", with(base, "BUILD_REASON", "BatchedCI"), run(TriggerPush)},
		{"tag push", with(base, "BUILD_REASON", "IndividualCI", "BUILD_SOURCEBRANCH", "refs/tags/v9.9.9"), run(TriggerTag)},
		{"pull request", with(base, "BUILD_REASON", "PullRequest", "BUILD_SOURCEBRANCH", "refs/pull/8/merge", "SYSTEM_PULLREQUEST_PULLREQUESTID", "8"), run(TriggerPullRequest)},
		{"scheduled (the system identity requests it)", with(base, "BUILD_REASON", "Schedule", "BUILD_REQUESTEDFOR", `[DefaultCollection]\Project Collection Service Accounts`),
			runFacts{TriggerSchedule, "images-ci", "Build image", "1", `[DefaultCollection]\Project Collection Service Accounts`}},
		{"manual", with(base, "BUILD_REASON", "Manual"), run(TriggerManual)},
		{"manual run of a tag stays manual", with(base, "BUILD_REASON", "Manual", "BUILD_SOURCEBRANCH", "refs/tags/v9.9.9"), run(TriggerManual)},
		{"pipeline resource", with(base, "BUILD_REASON", "ResourceTrigger"), run(TriggerPipeline)},
		{"build completion", with(base, "BUILD_REASON", "BuildCompletion"), run(TriggerPipeline)},
		{"gated check-in", with(base, "BUILD_REASON", "CheckInShelveset"), run(TriggerOther)},
		{"job retried", with(base, "BUILD_REASON", "IndividualCI", "SYSTEM_JOBATTEMPT", "3"),
			runFacts{TriggerPush, "images-ci", "Build image", "3", "Alice Example"}},
		{"job without display name", with(base, "BUILD_REASON", "Manual", "SYSTEM_JOBDISPLAYNAME", ""),
			runFacts{TriggerManual, "images-ci", "build", "1", "Alice Example"}},
	})
}

func TestDetectCIRunBitbucketPipelines(t *testing.T) {
	const uuid = "{2f7e6f9c-0000-4000-8000-00000000000a}"
	base := map[string]string{"BITBUCKET_BUILD_NUMBER": "55", "BITBUCKET_STEP_TRIGGERER_UUID": uuid, "BITBUCKET_BRANCH": "main"}
	run := func(trigger string) runFacts { return runFacts{trigger, "", "", "", uuid} }
	checkRunFacts(t, ProviderBitbucketPipelines, []runCase{
		{"branch (Bitbucket does not say why)", base, run("")},
		{"tag", with(base, "BITBUCKET_BRANCH", "", "BITBUCKET_TAG", "rel-1"), run(TriggerTag)},
		{"pull request", with(base, "BITBUCKET_PR_ID", "4", "BITBUCKET_PR_DESTINATION_BRANCH", "main"), run(TriggerPullRequest)},
	})
}

func TestDetectCIRunBuildkite(t *testing.T) {
	base := map[string]string{
		"BUILDKITE": "true", "BUILDKITE_BUILD_ID": "uuid-1", "BUILDKITE_PIPELINE_SLUG": "images", "BUILDKITE_PIPELINE_NAME": "Images",
		"BUILDKITE_LABEL": ":packer: Build image", "BUILDKITE_STEP_KEY": "build", "BUILDKITE_RETRY_COUNT": "0",
		"BUILDKITE_BUILD_CREATOR": "Alice Example", "BUILDKITE_BRANCH": "main", "BUILDKITE_PULL_REQUEST": "false",
	}
	run := func(trigger string) runFacts {
		return runFacts{trigger, "Images", ":packer: Build image", "1", "Alice Example"}
	}
	checkRunFacts(t, ProviderBuildkite, []runCase{
		{"push webhook", with(base, "BUILDKITE_SOURCE", "webhook"), run(TriggerPush)},
		{"tag webhook", with(base, "BUILDKITE_SOURCE", "webhook", "BUILDKITE_BRANCH", "v5.0.0", "BUILDKITE_TAG", "v5.0.0"), run(TriggerTag)},
		{"pull request webhook", with(base, "BUILDKITE_SOURCE", "webhook", "BUILDKITE_PULL_REQUEST", "99"), run(TriggerPullRequest)},
		{"scheduled", with(base, "BUILDKITE_SOURCE", "schedule"), run(TriggerSchedule)},
		{"manual (New Build)", with(base, "BUILDKITE_SOURCE", "ui"), run(TriggerManual)},
		{"REST API", with(base, "BUILDKITE_SOURCE", "api"), run(TriggerAPI)},
		{"trigger step of another pipeline", with(base, "BUILDKITE_SOURCE", "trigger_job"), run(TriggerPipeline)},
		{"second retry", with(base, "BUILDKITE_SOURCE", "webhook", "BUILDKITE_RETRY_COUNT", "2"),
			runFacts{TriggerPush, "Images", ":packer: Build image", "3", "Alice Example"}},
		{"slug and step key only", with(base, "BUILDKITE_SOURCE", "ui", "BUILDKITE_PIPELINE_NAME", "", "BUILDKITE_LABEL", "", "BUILDKITE_RETRY_COUNT", ""),
			runFacts{TriggerManual, "images", "build", "", "Alice Example"}},
	})
}

func TestDetectCIRunTravisCI(t *testing.T) {
	base := map[string]string{"TRAVIS": "true", "TRAVIS_BUILD_ID": "77", "TRAVIS_JOB_NAME": "packer", "TRAVIS_BRANCH": "main", "TRAVIS_PULL_REQUEST": "false", "TRAVIS_TAG": ""}
	run := func(trigger string) runFacts { return runFacts{trigger, "", "packer", "", ""} }
	checkRunFacts(t, ProviderTravisCI, []runCase{
		{"push", with(base, "TRAVIS_EVENT_TYPE", "push"), run(TriggerPush)},
		{"tag push", with(base, "TRAVIS_EVENT_TYPE", "push", "TRAVIS_BRANCH", "v1.1", "TRAVIS_TAG", "v1.1"), run(TriggerTag)},
		{"pull request", with(base, "TRAVIS_EVENT_TYPE", "pull_request", "TRAVIS_PULL_REQUEST", "21", "TRAVIS_PULL_REQUEST_BRANCH", "patch-1"), run(TriggerPullRequest)},
		{"cron", with(base, "TRAVIS_EVENT_TYPE", "cron"), run(TriggerSchedule)},
		{"API (also the web UI's Trigger build)", with(base, "TRAVIS_EVENT_TYPE", "api"), run(TriggerAPI)},
	})
}

func TestDetectCIRunTeamCity(t *testing.T) {
	base := map[string]string{"TEAMCITY_VERSION": "2025.03", "BUILD_NUMBER": "300", "TEAMCITY_BUILDCONF_NAME": "Build image", "TEAMCITY_BUILD_BRANCH": "refs/heads/main"}
	run := func(trigger string) runFacts { return runFacts{trigger, "Build image", "", "", ""} }
	checkRunFacts(t, ProviderTeamCity, []runCase{
		{"branch (TeamCity does not say why)", base, run("")},
		{"tag", with(base, "TEAMCITY_BUILD_BRANCH", "refs/tags/v7"), run(TriggerTag)},
		{"pull request", with(base, "TEAMCITY_BUILD_BRANCH", "pull/15", "TEAMCITY_PULLREQUEST_SOURCE_BRANCH", "refs/heads/hotfix"), run(TriggerPullRequest)},
	})
}
