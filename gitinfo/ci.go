package gitinfo

import (
	"os"
	"strings"
)

// CI describes a CI run as told by the environment.
type CI struct {
	// Provider is one of "github-actions", "gitlab-ci", "jenkins",
	// "circleci", "azure-pipelines", "bitbucket-pipelines", "buildkite",
	// "travis-ci", "teamcity".
	Provider string
	// RunID identifies the run (pipeline, workflow or build) at the provider.
	RunID string
	// RunURL links to the run; credentials stripped.
	RunURL string
	// Branch is the branch the CI says it builds (the source branch for a
	// pull request).
	Branch string
	// Tag is the tag the CI says it builds.
	Tag string
	// Commit is the commit the CI says it builds.
	Commit string
	// PullRequest is the PR/MR number or id when the run is for one.
	PullRequest string
	// Trigger is why the run started, one of the Trigger* constants; ""
	// only when the CI gives nothing to tell. The table below says how each
	// CI's own values map.
	Trigger string
	// Workflow is the name of the workflow or pipeline definition.
	Workflow string
	// Job is the name of the job or step within the run.
	Job string
	// RunAttempt is the attempt number, "1" for the first, where the CI
	// counts retries.
	RunAttempt string
	// Actor is the account that started the run, as the CI names it.
	Actor string
}

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

// Trigger values reported in CI.Trigger, the same for every CI.
const (
	// TriggerPush is a push (or merge) to a branch.
	TriggerPush = "push"
	// TriggerTag is a tag build, also when the CI reports a push of a tag.
	TriggerTag = "tag"
	// TriggerPullRequest is a pull or merge request build (including merge
	// queues and trains).
	TriggerPullRequest = "pull_request"
	// TriggerSchedule is a scheduled (cron) run.
	TriggerSchedule = "schedule"
	// TriggerManual is a person starting the run in the CI's interface.
	TriggerManual = "manual"
	// TriggerAPI is a run started through the CI's API or a trigger token.
	TriggerAPI = "api"
	// TriggerPipeline is a run started by another pipeline, workflow or build.
	TriggerPipeline = "pipeline"
	// TriggerOther is any other reason the CI names.
	TriggerOther = "other"
)

// Where each CI documents the facts DetectCI reads beyond provider, run,
// branch, tag, commit and pull request. Trigger lists the CI's own values
// and the Trigger* constant each becomes; a value not listed becomes
// TriggerOther. A push (or a CI that names no reason) building a tag is
// TriggerTag, one building a pull request TriggerPullRequest. "-" means the
// CI documents no variable for the fact, which stays "".
//
// GitHub Actions
// https://docs.github.com/en/actions/reference/workflows-and-actions/variables
// https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows
//   Trigger     GITHUB_EVENT_NAME: push, create: push; release: tag;
//               pull_request, pull_request_target, pull_request_review,
//               pull_request_review_comment, merge_group: pull_request;
//               schedule: schedule; workflow_dispatch: manual;
//               repository_dispatch: api; workflow_run, workflow_call: pipeline
//   Workflow    GITHUB_WORKFLOW
//   Job         GITHUB_JOB
//   RunAttempt  GITHUB_RUN_ATTEMPT
//   Actor       GITHUB_TRIGGERING_ACTOR (who started this attempt), else GITHUB_ACTOR
//
// GitLab CI
// https://docs.gitlab.com/ci/variables/predefined_variables/
// https://docs.gitlab.com/ci/jobs/job_rules/#ci_pipeline_source-predefined-variable
//   Trigger     CI_PIPELINE_SOURCE: push: push (tag with CI_COMMIT_TAG);
//               merge_request_event, external_pull_request_event: pull_request;
//               schedule: schedule; web, webide, chat: manual; api, trigger: api;
//               pipeline, parent_pipeline: pipeline
//   Workflow    CI_PIPELINE_NAME (workflow:name)
//   Job         CI_JOB_NAME
//   RunAttempt  -  (a retried job is a new job; CI_JOB_ID is an id, not a count)
//   Actor       GITLAB_USER_LOGIN
//
// Jenkins (core and multibranch variables; BUILD_CAUSE from the EnvInject
// plugin, BUILD_USER_ID from the Build User Vars plugin, when installed)
// https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables
// https://plugins.jenkins.io/envinject/
// https://plugins.jenkins.io/build-user-vars-plugin/
//   Trigger     BUILD_CAUSE (first of the list): MANUALTRIGGER: manual;
//               SCMTRIGGER, BRANCHINDEXINGCAUSE, BRANCHEVENTCAUSE: push;
//               TIMERTRIGGER: schedule; UPSTREAMTRIGGER: pipeline;
//               REMOTECAUSE: api. Else BUILD_USER_ID: timer: schedule;
//               scmChange, branchIndexing: push; remoteRequest: api;
//               genericWebhook: other; a user id: manual. Else TAG_NAME
//               and CHANGE_ID alone.
//   Workflow    JOB_NAME
//   Job         -
//   RunAttempt  -  (a rebuild is a new build number)
//   Actor       BUILD_USER_ID when a person started the build
//
// CircleCI
// https://circleci.com/docs/reference/variables/
//   Trigger     -  (CIRCLE_TAG and CIRCLE_PULL_REQUEST alone)
//   Workflow    -  (CIRCLE_WORKFLOW_ID is an instance id, not a name)
//   Job         CIRCLE_JOB
//   RunAttempt  -
//   Actor       CIRCLE_USERNAME
//
// Azure Pipelines
// https://learn.microsoft.com/en-us/azure/devops/pipelines/build/variables
//   Trigger     BUILD_REASON: IndividualCI, BatchedCI: push (tag for
//               refs/tags/); PullRequest: pull_request; Schedule: schedule;
//               Manual, ValidateShelveset: manual; BuildCompletion,
//               ResourceTrigger: pipeline
//   Workflow    BUILD_DEFINITIONNAME
//   Job         SYSTEM_JOBDISPLAYNAME, else SYSTEM_JOBNAME
//   RunAttempt  SYSTEM_JOBATTEMPT
//   Actor       BUILD_REQUESTEDFOR
//
// Bitbucket Pipelines
// https://support.atlassian.com/bitbucket-cloud/docs/variables-and-secrets/
//   Trigger     -  (BITBUCKET_TAG and BITBUCKET_PR_ID alone)
//   Workflow    -
//   Job         -
//   RunAttempt  -
//   Actor       BITBUCKET_STEP_TRIGGERER_UUID
//
// Buildkite
// https://buildkite.com/docs/pipelines/environment-variables
//   Trigger     BUILDKITE_SOURCE: webhook: push (tag with BUILDKITE_TAG,
//               pull_request with BUILDKITE_PULL_REQUEST); ui: manual;
//               api: api; trigger_job: pipeline; schedule: schedule
//   Workflow    BUILDKITE_PIPELINE_NAME, else BUILDKITE_PIPELINE_SLUG
//   Job         BUILDKITE_LABEL, else BUILDKITE_STEP_KEY
//   RunAttempt  BUILDKITE_RETRY_COUNT + 1
//   Actor       BUILDKITE_BUILD_CREATOR
//
// Travis CI
// https://docs.travis-ci.com/user/environment-variables/#default-environment-variables
//   Trigger     TRAVIS_EVENT_TYPE: push: push (tag with TRAVIS_TAG);
//               pull_request: pull_request; cron: schedule; api: api
//   Workflow    -
//   Job         TRAVIS_JOB_NAME
//   RunAttempt  -
//   Actor       -
//
// TeamCity (the trigger and user are configuration parameters, not passed
// to the build's environment)
// https://www.jetbrains.com/help/teamcity/predefined-build-parameters.html
//   Trigger     -  (a tag or pull-request branch alone)
//   Workflow    TEAMCITY_BUILDCONF_NAME
//   Job         -
//   RunAttempt  -
//   Actor       -

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
		ci.Trigger = refTrigger(ci)
		return ci
	}
	return nil
}

// refTrigger makes a push (or a run whose CI names no reason) that builds a
// tag TriggerTag and one that builds a pull request TriggerPullRequest.
func refTrigger(ci *CI) string {
	if ci.Trigger != "" && ci.Trigger != TriggerPush {
		return ci.Trigger
	}
	switch {
	case ci.Tag != "":
		return TriggerTag
	case ci.PullRequest != "":
		return TriggerPullRequest
	}
	return ci.Trigger
}

// triggerOf maps a CI's reason through its table: "" when the CI names
// none, TriggerOther when the table does not know it.
func triggerOf(reason string, table map[string]string) string {
	if reason == "" {
		return ""
	}
	if t, ok := table[reason]; ok {
		return t
	}
	return TriggerOther
}
