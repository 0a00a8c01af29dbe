// Package version holds the plugin's version, the one place it is set. A
// release build (goreleaser, `make release`) clears VersionPrerelease, so the
// released binary describes itself as exactly Version, as Packer's installer
// requires; every other build is a "dev" pre-release of it.
package version

import "github.com/hashicorp/packer-plugin-sdk/version"

var (
	// Version is the version of the next release, without a leading "v".
	Version = "0.1.0"
	// VersionPrerelease marks a build that is not a release; goreleaser
	// clears it with -ldflags "-X .../version.VersionPrerelease=".
	VersionPrerelease = "dev"
	// VersionMetadata is build metadata, empty in releases.
	VersionMetadata = ""
	// PluginVersion is what the plugin reports to Packer (`describe`).
	PluginVersion = version.NewPluginVersion(Version, VersionPrerelease, VersionMetadata)
)
