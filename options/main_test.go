package options

import (
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// TestMain keeps the machine's git settings and CI variables from the tests.
func TestMain(m *testing.M) { testrepo.Main(m) }
