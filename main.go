// Command packer-plugin-enrich is a Packer plugin whose post-processor,
// enrich, adds git, build and CI facts as labels to the image metadata a
// builder publishes to HCP Packer.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/packer-enrich/packer-plugin-enrich/postprocessor"
	"github.com/packer-enrich/packer-plugin-enrich/version"
)

func main() {
	pps := plugin.NewSet()
	pps.RegisterPostProcessor(plugin.DEFAULT_NAME, new(postprocessor.PostProcessor))
	pps.SetVersion(version.PluginVersion)
	if err := pps.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}
