package postprocessor

import (
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// TestMain runs the tests with a private HOME and no system git config, so
// that the machine's git configuration (a global excludes file, say) cannot
// change what the test repositories look like: no GIT_* variable (such as
// GIT_CONFIG_GLOBAL) and no XDG_CONFIG_HOME reach the tests.
func TestMain(m *testing.M) {
	testrepo.Main(m)
}
