# An HCL2 build with Packer's null builder: it makes no machine image, but it
# publishes an HCP Packer image (provider "null", id "Null"), which the enrich
# post-processor labels with the git, build and CI facts of this repository.
# The enrich data source gives the template the same facts before the build,
# as a real build would name its image.
packer {
  required_plugins {
    enrich = {
      version = ">= 0.1.0"
      source  = "github.com/packer-enrich/enrich"
    }
  }
}

data "enrich" "git" {
  git_path = path.root
}

source "null" "example" {
  communicator = "none"
}

build {
  name    = "hcl2"
  sources = ["source.null.example"]

  post-processor "enrich" {
    # The template's repository, whatever directory Packer runs in.
    git_path = path.root
    # Labels of your own, next to the git, build and CI labels added by default.
    labels = {
      team       = "platform"
      artifact   = build.ID
      # Known before the build: what an ami_name or image_name would use.
      image_name = "example-${data.enrich.git.commit_short}"
    }
    # Where the enriched metadata is written; each build replaces its own entry.
    output = "out/enriched.json"
  }
}
