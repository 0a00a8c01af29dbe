package postprocessor

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
)

// reservedStateKeys are the state keys enrich's artifact answers itself.
var reservedStateKeys = []string{"par.artifact.metadata", generatedDataKey, enrichLabelsKey}

// checkCarryStateKeys refuses empty keys and keys enrich answers itself.
func (c *Config) checkCarryStateKeys() []error {
	var errs []error
	for i, key := range c.CarryStateKeys {
		switch {
		case strings.TrimSpace(key) == "":
			errs = append(errs, fmt.Errorf("carry_state_keys[%d]: the key is empty; name a state key of the builder's artifact, such as \"docker_tags\"", i))
		case slices.Contains(reservedStateKeys, key):
			errs = append(errs, fmt.Errorf("carry_state_keys[%d]: %q is answered by enrich itself (with the labels added); remove it", i, key))
		}
	}
	return errs
}

// stateKeys returns the keys the artifact carries from its source.
func (c *Config) stateKeys() []string {
	keys := slices.Clone(carriedStateKeys)
	for _, k := range c.CarryStateKeys {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// checkSensitiveLabels refuses, in JSON templates, labels that carry the
// value of a sensitive variable: Packer passes the user variables with
// their values and the names of the sensitive ones. HCL2 passes only the
// names, so there the docs say what not to do, and PostProcess drops what
// it can recognise.
func (c *Config) checkSensitiveLabels() []error {
	ss := knownSecrets(c.PackerUserVars, c.PackerSensitiveVars, nil, noEnv)
	if len(ss) == 0 {
		return nil
	}
	var errs []error
	ctx := c.ctx
	for _, k := range slices.Sorted(maps.Keys(c.Labels)) {
		v := c.Labels[k]
		if rendered, err := renderForCheck(v, ctx); err == nil {
			v = rendered
		}
		if from := ss.find(v); from != "" {
			errs = append(errs, fmt.Errorf("labels[%q]: the value carries %s; labels are public metadata (HCP Packer, the output file): remove it from the label", k, from))
		}
	}
	return errs
}

// renderForCheck renders a label template as validate can: user variables
// are known, the build's generated data are placeholders (JSON) or unknown.
func renderForCheck(s string, ctx interpolate.Context) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	return interpolate.Render(s, &ctx)
}
