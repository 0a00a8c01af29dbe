package labels

import (
	"reflect"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// TestTriggerLabelsPerCI shows the trigger labels (ci_trigger, ci_workflow,
// ci_job, ci_run_attempt and the opt-in ci_actor) each CI's run gives, from
// the variables the CI documents (gitinfo/ci.go's table cites them;
// gitinfo's tests cover every variable). A fact the CI does not give leaves
// its label out.
func TestTriggerLabelsPerCI(t *testing.T) {
	trigger := []string{"ci_trigger", "ci_workflow", "ci_job", "ci_run_attempt", "ci_actor"}
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"GitHub Actions, a pull request, second attempt",
			map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "9", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_EVENT_NAME": "pull_request",
				"GITHUB_REF": "refs/pull/7/merge", "GITHUB_WORKFLOW": "images", "GITHUB_JOB": "build", "GITHUB_ACTOR": "octocat"},
			map[string]string{"ci_trigger": "pull_request", "ci_workflow": "images", "ci_job": "build", "ci_run_attempt": "2", "ci_actor": "octocat"}},
		{"GitHub Actions, a tag pushed",
			map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "10", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_EVENT_NAME": "push",
				"GITHUB_REF": "refs/tags/v1.2.0", "GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v1.2.0", "GITHUB_WORKFLOW": "release", "GITHUB_JOB": "ami",
				"GITHUB_ACTOR": "octocat", "GITHUB_TRIGGERING_ACTOR": "hubot"},
			map[string]string{"ci_trigger": "tag", "ci_workflow": "release", "ci_job": "ami", "ci_run_attempt": "1", "ci_actor": "hubot"}},
		{"GitLab CI, a scheduled pipeline",
			map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "4711", "CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main",
				"CI_PIPELINE_NAME": "nightly", "CI_JOB_NAME": "build-ami", "GITLAB_USER_LOGIN": "ada"},
			map[string]string{"ci_trigger": "schedule", "ci_workflow": "nightly", "ci_job": "build-ami", "ci_actor": "ada"}},
		{"GitLab CI, run from the web interface",
			map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "4712", "CI_PIPELINE_SOURCE": "web", "CI_JOB_NAME": "build-ami"},
			map[string]string{"ci_trigger": "manual", "ci_job": "build-ami"}},
		{"Jenkins, started by a person (Build User Vars)",
			map[string]string{"JENKINS_URL": "https://jenkins.example.com/", "BUILD_NUMBER": "5", "JOB_NAME": "images/main", "BUILD_USER_ID": "ada"},
			map[string]string{"ci_trigger": "manual", "ci_workflow": "images/main", "ci_actor": "ada"}},
		{"Jenkins, by the timer (EnvInject)",
			map[string]string{"JENKINS_URL": "https://jenkins.example.com/", "BUILD_NUMBER": "6", "JOB_NAME": "images/main", "BUILD_CAUSE": "TIMERTRIGGER"},
			map[string]string{"ci_trigger": "schedule", "ci_workflow": "images/main"}},
		{"CircleCI, a tag: no reason variable, the tag tells",
			map[string]string{"CIRCLECI": "true", "CIRCLE_BUILD_NUM": "3", "CIRCLE_TAG": "v2.0.0", "CIRCLE_JOB": "ami", "CIRCLE_USERNAME": "ada"},
			map[string]string{"ci_trigger": "tag", "ci_job": "ami", "ci_actor": "ada"}},
		{"Azure Pipelines, manual, second job attempt",
			map[string]string{"TF_BUILD": "True", "BUILD_BUILDID": "77", "BUILD_REASON": "Manual", "BUILD_SOURCEBRANCH": "refs/heads/main",
				"BUILD_DEFINITIONNAME": "images", "SYSTEM_JOBDISPLAYNAME": "Build AMI", "SYSTEM_JOBATTEMPT": "2", "BUILD_REQUESTEDFOR": "Ada Lovelace"},
			map[string]string{"ci_trigger": "manual", "ci_workflow": "images", "ci_job": "Build AMI", "ci_run_attempt": "2", "ci_actor": "Ada Lovelace"}},
		{"Bitbucket Pipelines, a pull request",
			map[string]string{"BITBUCKET_BUILD_NUMBER": "12", "BITBUCKET_PR_ID": "4", "BITBUCKET_BRANCH": "feature/x",
				"BITBUCKET_STEP_TRIGGERER_UUID": "{2b0d1d1e-0000-4000-8000-000000000001}"},
			map[string]string{"ci_trigger": "pull_request", "ci_actor": "{2b0d1d1e-0000-4000-8000-000000000001}"}},
		{"Buildkite, started by another pipeline, first retry",
			map[string]string{"BUILDKITE": "true", "BUILDKITE_BUILD_ID": "b-1", "BUILDKITE_SOURCE": "trigger_job", "BUILDKITE_PIPELINE_NAME": "Images",
				"BUILDKITE_LABEL": ":packer: ami", "BUILDKITE_RETRY_COUNT": "1", "BUILDKITE_BUILD_CREATOR": "Ada"},
			map[string]string{"ci_trigger": "pipeline", "ci_workflow": "Images", "ci_job": ":packer: ami", "ci_run_attempt": "2", "ci_actor": "Ada"}},
		{"Travis CI, a cron build",
			map[string]string{"TRAVIS": "true", "TRAVIS_BUILD_ID": "8", "TRAVIS_EVENT_TYPE": "cron", "TRAVIS_BRANCH": "main", "TRAVIS_JOB_NAME": "ami"},
			map[string]string{"ci_trigger": "schedule", "ci_job": "ami"}},
		{"TeamCity: the build configuration only",
			map[string]string{"TEAMCITY_VERSION": "2026.1", "BUILD_NUMBER": "41", "TEAMCITY_BUILDCONF_NAME": "Images"},
			map[string]string{"ci_workflow": "Images"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ci := gitinfo.DetectCI(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if ci == nil {
				t.Fatal("no CI detected")
			}
			all := ValuesWith(Facts{CI: ci}, OptInNames(), CI)
			got := map[string]string{}
			for _, name := range trigger {
				if v, ok := all[name]; ok {
					got[name] = v
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("trigger labels:\n got %v\nwant %v", got, tc.want)
			}
			if _, ok := Values(Facts{CI: ci}, CI)["ci_actor"]; ok {
				t.Error("ci_actor is a default label; it must be opt-in")
			}
		})
	}
}
