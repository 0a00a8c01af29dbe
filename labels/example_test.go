package labels_test

import (
	"fmt"
	"maps"
	"slices"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

// The labels of a build of an Ubuntu AMI in a GitHub Actions pull request
// run, with the opt-in ci_actor included, spelled in the oci style: the
// parent's name becomes the OCI base image annotation.
func ExampleValuesWith() {
	f := labels.Facts{
		CI: &gitinfo.CI{Provider: gitinfo.ProviderGitHubActions, Trigger: gitinfo.TriggerPullRequest,
			Workflow: "images", RunAttempt: "1", Actor: "octocat"},
		Parent: labels.ParentImage{ID: "ami-0f3c", Name: "ubuntu-noble-24.04-amd64-server-20261001", Owner: "099720109477"},
	}
	values := labels.ValuesWith(f, []string{"ci_actor"}, labels.CI, labels.Parent)
	keyed := labels.Naming{Style: labels.OCI}.Apply(values)
	for _, k := range slices.Sorted(maps.Keys(keyed)) {
		fmt.Printf("%s = %s\n", k, keyed[k])
	}
	// Output:
	// ci_actor = octocat
	// ci_provider = github-actions
	// ci_run_attempt = 1
	// ci_trigger = pull_request
	// ci_workflow = images
	// org.opencontainers.image.base.name = ubuntu-noble-24.04-amd64-server-20261001
	// source_image_id = ami-0f3c
	// source_image_owner = 099720109477
}
