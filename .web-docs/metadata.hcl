# For full specification on the configuration of this file visit:
# https://github.com/hashicorp/integration-template#metadata-configuration
integration {
  name        = "Enrich"
  description = "Git, build and CI facts for your images: a data source for HCL2 templates and a post-processor that labels the images your builds publish to HCP Packer."
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
  component {
    type = "data-source"
    name = "Enrich"
    slug = "enrich"
  }
}
