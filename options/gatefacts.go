package options

import "github.com/packer-enrich/packer-plugin-enrich/gitinfo"

// The facts the gates read beyond the labels' ones.
//
// TODO(gitinfo): read Facts.Pushed, Facts.Changed, Facts.ChangedCount,
// Facts.Shallow and Facts.Unknown["pushed"] once gitinfo has them.

// pushed returns whether a remote-tracking ref contains HEAD, nil when
// unknown with the reason.
func pushed(*gitinfo.Facts) (*bool, string) {
	return nil, "gitinfo does not read the remote-tracking refs yet"
}

// changed returns the first changed paths and how many there are; 0 when
// not known.
func changed(*gitinfo.Facts) ([]string, int) { return nil, 0 }

// shallow reports whether the repository is a shallow clone.
func shallow(*gitinfo.Facts) bool { return false }
