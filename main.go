// Command packer-plugin-enrich is a Packer plugin with two components of the
// one name enrich: a post-processor that adds git, build and CI facts as
// labels to the image metadata a builder publishes to HCP Packer, and a data
// source that gives HCL2 templates the git and CI facts and labels before any
// build runs.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/packer-enrich/packer-plugin-enrich/datasource"
	"github.com/packer-enrich/packer-plugin-enrich/postprocessor"
	"github.com/packer-enrich/packer-plugin-enrich/version"
)

func main() {
	inheritNothing()
	pps := plugin.NewSet()
	pps.RegisterPostProcessor(plugin.DEFAULT_NAME, new(postprocessor.PostProcessor))
	pps.RegisterDatasource(plugin.DEFAULT_NAME, new(datasource.Datasource))
	pps.SetVersion(version.PluginVersion)
	if err := pps.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}
