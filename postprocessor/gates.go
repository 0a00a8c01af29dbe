package postprocessor

import (
	"context"
	"fmt"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/packer-enrich/packer-plugin-enrich/internal/outputfile"
	"github.com/packer-enrich/packer-plugin-enrich/options"
)

// checkGates checks the release gates (require) in the first Configure,
// before any builder runs: HCL2's first call and JSON's only one. A gate
// that does not hold, or cannot be decided, fails Configure, and with it
// `packer validate` and `packer build`, before the image exists. It reads
// the repository only when a gate is set, and then also answers
// git_required.
func (p *PostProcessor) checkGates() error {
	c := &p.config
	return c.Gate(context.Background(), p.env(), outputfile.OwnFiles(c.OutputPath))
}

// recheckGates checks the release gates again against col, the facts
// collected after the build. The image exists by now, so a gate that no
// longer holds (the work tree or the refs changed during the build) never
// fails the build: it is shown with ui.Error, and the labels say what was
// found.
func (p *PostProcessor) recheckGates(ui packersdk.Ui, col options.Collection) {
	if err := p.config.CheckGates(col); err != nil {
		ui.Error(fmt.Sprintf("the release gates held before the build but no longer hold; the image is kept, and its labels describe the repository as it is now: %s", err))
	}
}
