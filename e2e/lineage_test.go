package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Scenario: lineage. A builder whose generated data names an AMI source (as
// amazon's builders set it: SourceAMI, SourceAMIName, SourceAMIOwner,
// SourceAMIOwnerName, SourceAMICreationDate, and SourceAMI as the image's
// SourceImageID) and one that names a Docker source (the image id as
// SourceImageID, SourceImageDigest a repository digest): the parent labels
// reach the HCP Packer build, in the snake and oci styles, and the parent
// is the one HCP Packer links.
func TestAccParentLabels(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	const (
		imageID = "sha256:5a81c1b6e0e7a6f4fbd1e4b3f4e0b3c5e7c0a2c5d3b1f4e0b3c5e7c0a2c5d3b1"
		digest  = "sha256:9b2a6d4c1f0e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c"
	)
	for _, tc := range []struct {
		name    string
		builder string            // the noimage source's options
		parent  string            // the parent HCP Packer links
		snake   map[string]string // the parent labels in the snake style
		oci     map[string]string // and in the oci style
	}{
		{name: "ami",
			builder: `artifact_id     = "ami-0child"
  image_region    = "us-east-1"
  source_image_id = "ami-0f3c"
  generated_data = {
    BuildRegion           = "us-east-1"
    SourceAMI             = "ami-0f3c"
    SourceAMIName         = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261001"
    SourceAMIOwner        = "099720109477"
    SourceAMIOwnerName    = ""
    SourceAMICreationDate = "2026-10-01T12:34:56.000Z"
  }`,
			parent: "ami-0f3c",
			snake: map[string]string{"source_image_id": "ami-0f3c",
				"source_image_name":    "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261001",
				"source_image_owner":   "099720109477",
				"source_image_created": "2026-10-01T12:34:56Z"},
			oci: map[string]string{"source_image_id": "ami-0f3c",
				"org.opencontainers.image.base.name": "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261001",
				"source_image_owner":                 "099720109477",
				"source_image_created":               "2026-10-01T12:34:56Z"}},
		{name: "docker",
			builder: fmt.Sprintf(`artifact_id     = "sha256:1111"
  image_region    = "docker"
  source_image_id = %q
  generated_data = {
    ImageSha256       = "sha256:1111"
    SourceImageSha256 = %q
    SourceImageDigest = "registry.example.com:5000/team/base@%s"
  }`, imageID, imageID, digest),
			parent: imageID,
			snake: map[string]string{"source_image_id": imageID,
				"source_image_name":   "registry.example.com:5000/team/base",
				"source_image_digest": digest},
			oci: map[string]string{"source_image_id": imageID,
				"org.opencontainers.image.base.name":   "registry.example.com:5000/team/base",
				"org.opencontainers.image.base.digest": digest}},
	} {
		for _, style := range []string{"snake", "oci"} {
			t.Run(tc.name+"-"+style, func(t *testing.T) {
				t.Parallel()
				hcp := newHCPServer(t)
				sources := fmt.Sprintf("source \"noimage\" \"child\" {\n  publish_image = true\n  %s\n}", tc.builder)
				body := fmt.Sprintf("  post-processor \"enrich\" {\n    label_style = %q\n  }", style)
				r := standardRepo(t, "", map[string]string{"build.pkr.hcl": hcl(sources, "acc", "", body)})
				res := packer(t, r.Dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
				mustSucceed(t, res)
				u := hcp.DoneOne()
				want := tc.snake
				if style == "oci" {
					want = tc.oci
				}
				got := map[string]string{}
				for k, v := range u.Labels {
					if strings.HasPrefix(k, "source_image_") || strings.HasPrefix(k, "org.opencontainers.image.base.") {
						got[k] = v
					}
				}
				equalMaps(t, "the parent labels", got, want)
				if u.SourceExternalIdentifier != tc.parent {
					t.Errorf("HCP Packer received the parent %q, want %q", u.SourceExternalIdentifier, tc.parent)
				}
			})
		}
	}
}

// ciTemplate is an HCL2 template whose data source and post-processor both
// have the options opts; a file builder writes the data source's labels and
// its CI outputs to out/ds.json.
func ciTemplate(opts string) string {
	return fmt.Sprintf(requireEnrich+`
data "enrich" "git" {
  %[1]s
}

hcp_packer_registry {
  bucket_name = "acc-ci"
}

source "file" "ds" {
  target  = "out/ds.json"
  content = jsonencode({
    labels   = data.enrich.git.labels
    trigger  = data.enrich.git.ci_trigger
    workflow = data.enrich.git.ci_workflow
    job      = data.enrich.git.ci_job
    attempt  = data.enrich.git.ci_run_attempt
    actor    = data.enrich.git.ci_actor
  })
}

build {
  sources = ["source.file.ds"]

  post-processor "enrich" {
    %[1]s
  }
}
`, opts)
}

// Scenario: why and by whom. A simulated GitHub Actions pull_request run
// and a GitLab scheduled pipeline give the documented ci_trigger, with the
// workflow, job and attempt, in the HCP Packer build's labels and in the
// data source's; ci_actor is a label only when include_labels names it, in
// both components, and the data source's ci_actor output is filled always.
func TestAccTriggerLabels(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	githubPR := map[string]string{
		"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "987654321", "GITHUB_RUN_ATTEMPT": "2",
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/images",
		"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REF": "refs/pull/42/merge", "GITHUB_HEAD_REF": "feature/labels",
		"GITHUB_WORKFLOW": "images", "GITHUB_JOB": "build", "GITHUB_ACTOR": "octocat",
	}
	gitlabSchedule := map[string]string{
		"CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_ID": "5150", "CI_PIPELINE_SOURCE": "schedule",
		"CI_PIPELINE_URL": "https://gitlab.example.com/acme/images/-/pipelines/5150", "CI_COMMIT_BRANCH": "main",
		"CI_PIPELINE_NAME": "nightly", "CI_JOB_NAME": "build-ami", "GITLAB_USER_LOGIN": "ada",
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		trigger map[string]string // the trigger labels, without ci_actor
		actor   string
	}{
		{name: "gh-pr", env: githubPR, actor: "octocat",
			trigger: map[string]string{"ci_trigger": "pull_request", "ci_workflow": "images", "ci_job": "build", "ci_run_attempt": "2"}},
		{name: "gl-sched", env: gitlabSchedule, actor: "ada",
			trigger: map[string]string{"ci_trigger": "schedule", "ci_workflow": "nightly", "ci_job": "build-ami"}},
	} {
		for _, optIn := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s-%t", tc.name, optIn), func(t *testing.T) {
				t.Parallel()
				opts := ""
				if optIn {
					opts = `include_labels = ["ci_actor"]`
				}
				hcp := newHCPServer(t)
				r := standardRepo(t, "", map[string]string{"build.pkr.hcl": ciTemplate(opts)})
				res := packer(t, r.Dir, hcp, tc.env, "build", "-color=false", "build.pkr.hcl")
				mustSucceed(t, res)

				want := copyMap(tc.trigger)
				if optIn {
					want["ci_actor"] = tc.actor
				}
				pick := func(l map[string]string) map[string]string {
					out := map[string]string{}
					for _, k := range []string{"ci_trigger", "ci_workflow", "ci_job", "ci_run_attempt", "ci_actor", "git_author"} {
						if v, ok := l[k]; ok {
							out[k] = v
						}
					}
					return out
				}
				u := hcp.DoneOne()
				equalMaps(t, "the post-processor's trigger labels in HCP Packer", pick(u.Labels), want)

				data, err := os.ReadFile(filepath.Join(r.Dir, "out", "ds.json"))
				if err != nil {
					t.Fatal(err)
				}
				var ds struct {
					Labels                                 map[string]string
					Trigger, Workflow, Job, Attempt, Actor string
				}
				if err := json.Unmarshal(data, &ds); err != nil {
					t.Fatalf("%v: %s", err, data)
				}
				equalMaps(t, "the data source's trigger labels", pick(ds.Labels), want)
				outputs := map[string]string{"ci_trigger": ds.Trigger, "ci_workflow": ds.Workflow, "ci_job": ds.Job, "ci_actor": ds.Actor}
				if ds.Attempt != "" {
					outputs["ci_run_attempt"] = ds.Attempt
				}
				wantOutputs := copyMap(tc.trigger)
				wantOutputs["ci_actor"] = tc.actor
				equalMaps(t, "the data source's outputs", outputs, wantOutputs)
			})
		}
	}
}
