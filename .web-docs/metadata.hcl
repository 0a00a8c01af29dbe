# For full specification on the configuration of this file visit:
# https://github.com/hashicorp/integration-template#metadata-configuration
integration {
  name        = "Enrich"
  description = "Labels the images your builds publish to HCP Packer with git, build and CI facts."
  identifier  = "packer/packer-enrich/enrich"
  flags       = ["hcp-ready"]
  docs {
    process_docs    = true
    readme_location = "./README.md"
    external_url    = "https://github.com/packer-enrich/packer-plugin-enrich"
  }
  license {
    type = "MPL-2.0"
    url  = "https://github.com/packer-enrich/packer-plugin-enrich/blob/main/LICENSE"
  }
  component {
    type = "post-processor"
    name = "Enrich"
    slug = "enrich"
  }
}
