// Package labels is the one table of the labels enrich adds: for each label
// its name, its OCI annotation name where one applies, the text the docs
// show, and how its value comes from the facts. The post-processor, the data
// source, their option checks and the labels reference in the docs all read
// it, so adding a label is one declaration here. It also owns how label
// names are spelled (style and prefix), so both components give the same
// names. It knows nothing of Packer's configuration.
//
//go:generate go run ./internal/mkdocs ../docs-partials/labels/table.mdx
package labels

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// Kind tells where a label's fact comes from, and so which component knows
// it: the data source, evaluated before any build, knows the git and CI
// facts; only the post-processor knows the build's.
type Kind int

const (
	// Git labels hold facts of the repository.
	Git Kind = iota
	// Build labels hold facts of the Packer build.
	Build
	// CI labels hold facts of the CI run.
	CI
)

// Facts is what label values are read from.
type Facts struct {
	Git       *gitinfo.Facts // nil when there is no repository
	CI        *gitinfo.CI    // nil when no CI is detected
	BuildTime time.Time      // zero before the build
	Packer    string         // the Packer version
	BuildName string
	Builder   string // the builder's type
	RunUUID   string // PACKER_RUN_UUID
}

// Label is one label enrich adds.
type Label struct {
	// Name is the label's name in the snake style, before any prefix.
	Name string
	// OCI is the OCI image annotation name the `oci` style uses; "" when
	// there is none and the snake name is kept.
	OCI string
	// Kind tells where the fact comes from.
	Kind Kind
	// Doc says what the value is, and Omitted when the label is left out;
	// both are Markdown for the labels reference.
	Doc, Omitted string
	// value reads the label's value; "" when unknown.
	value func(Facts) string
}

// Value returns the label's value from f; "" when the fact is unknown.
func (l Label) Value(f Facts) string { return l.value(f) }

// git reads a fact of the repository; unknown without one.
func git(read func(*gitinfo.Facts) string) func(Facts) string {
	return func(f Facts) string {
		if f.Git == nil {
			return ""
		}
		return read(f.Git)
	}
}

// ci reads a fact of the CI run; unknown without one.
func ci(read func(*gitinfo.CI) string) func(Facts) string {
	return func(f Facts) string {
		if f.CI == nil {
			return ""
		}
		return read(f.CI)
	}
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// table is every label, in the order of the labels reference.
var table = []Label{
	{Name: "git_commit", OCI: "org.opencontainers.image.revision", Kind: Git,
		Doc:     "full hash of the commit checked out (`HEAD`)",
		Omitted: "no repository, or a repository with no commits",
		value:   git(func(g *gitinfo.Facts) string { return g.Commit })},
	{Name: "git_commit_short", Kind: Git,
		Doc:     "abbreviated hash, as `git rev-parse --short` (7 characters, longer when ambiguous)",
		Omitted: "as `git_commit`",
		value:   git(func(g *gitinfo.Facts) string { return g.ShortCommit })},
	{Name: "git_branch", Kind: Git,
		Doc:     "the branch checked out; in a detached `HEAD` (the usual CI checkout) the branch the CI says it builds, else the one local branch pointing at `HEAD`",
		Omitted: "no branch can be told (detached, no CI branch, zero or several local branches at `HEAD`)",
		value:   git(func(g *gitinfo.Facts) string { return g.Branch })},
	{Name: "git_tag", OCI: "org.opencontainers.image.version", Kind: Git,
		Doc:     "the newest version among the tags pointing at `HEAD` (lightweight or annotated); when none does, the tag the CI says it builds, if the CI builds the commit checked out (tag pipelines often clone without tags)",
		Omitted: "no tag points at `HEAD` and the CI builds no tag",
		value: func(f Facts) string {
			switch {
			case f.Git == nil:
				return ""
			case len(f.Git.Tags) > 0:
				return f.Git.Tags[0]
			case f.CI != nil && (f.CI.Commit == "" || strings.HasPrefix(f.Git.Commit, f.CI.Commit)):
				// the CI's tag only when the CI builds the commit checked out
				return f.CI.Tag
			}
			return ""
		}},
	{Name: "git_describe", Kind: Git,
		Doc:     "as `git describe --tags --always`, also right in shallow clones",
		Omitted: "no commit",
		value:   git(func(g *gitinfo.Facts) string { return g.Describe })},
	{Name: "git_dirty", Kind: Git,
		Doc:     "`true` when the work tree has changes (see `dirty_check`), else `false`",
		Omitted: "`dirty_check = \"off\"`, or the state cannot be read with certainty",
		value: git(func(g *gitinfo.Facts) string {
			if g.Dirty == nil {
				return ""
			}
			return strconv.FormatBool(*g.Dirty)
		})},
	{Name: "git_tree", Kind: Git,
		Doc:     "hash of the tree of `git_path`'s directory at `HEAD`, as `git rev-parse HEAD:<dir>`: two builds with the same `git_tree` were built from the same template directory, whatever else changed in the repository",
		Omitted: "that directory has changes (see `dirty_check`), is not in `HEAD`, or `dirty_check = \"off\"`",
		value:   git(func(g *gitinfo.Facts) string { return g.Tree })},
	{Name: "git_remote", OCI: "org.opencontainers.image.source", Kind: Git,
		Doc:     "URL of the `origin` remote, else of the only remote, with user names, passwords and tokens removed",
		Omitted: "no remote, or several and none named `origin`",
		value:   git(func(g *gitinfo.Facts) string { return g.Remote })},
	{Name: "git_commit_time", Kind: Git,
		Doc:     "committer time of `HEAD`, RFC 3339 in UTC",
		Omitted: "no commit",
		value:   git(func(g *gitinfo.Facts) string { return rfc3339(g.CommitTime) })},
	{Name: "build_time", OCI: "org.opencontainers.image.created", Kind: Build,
		Doc:     "time of the post-processing, RFC 3339 in UTC",
		Omitted: "never",
		value:   func(f Facts) string { return rfc3339(f.BuildTime) }},
	{Name: "packer_version", Kind: Build,
		Doc:     "the Packer version running the build",
		Omitted: "Packer does not say",
		value:   func(f Facts) string { return f.Packer }},
	{Name: "build_name", Kind: Build,
		Doc:     "the build's name (the source's name in HCL2, the builder's `name` in JSON)",
		Omitted: "never in practice",
		value:   func(f Facts) string { return f.BuildName }},
	{Name: "builder_type", Kind: Build,
		Doc:     "the builder's type, such as `amazon-ebs`",
		Omitted: "never in practice",
		value:   func(f Facts) string { return f.Builder }},
	{Name: "packer_run_uuid", Kind: Build,
		Doc:     "the id Packer gives this run (`PACKER_RUN_UUID`)",
		Omitted: "Packer does not set it",
		value:   func(f Facts) string { return f.RunUUID }},
	{Name: "ci_provider", Kind: CI,
		Doc:     "the CI that runs the build, such as `github-actions` or `gitlab-ci` (the post-processor's page lists how each CI is detected)",
		Omitted: "no CI detected",
		value:   ci(func(c *gitinfo.CI) string { return c.Provider })},
	{Name: "ci_run_id", Kind: CI,
		Doc:     "the CI's id of the run",
		Omitted: "no CI detected, or the CI gives none",
		value:   ci(func(c *gitinfo.CI) string { return c.RunID })},
	{Name: "ci_run_url", Kind: CI,
		Doc:     "the run's web page, with credentials removed",
		Omitted: "no CI detected, or the CI gives none",
		value:   ci(func(c *gitinfo.CI) string { return c.RunURL })},
	{Name: "ci_pull_request", Kind: CI,
		Doc:     "the number (or id) of the pull or merge request the run is for",
		Omitted: "no CI detected, or the run is not for a pull request",
		value:   ci(func(c *gitinfo.CI) string { return c.PullRequest })},
}

// All returns every label, in the order of the labels reference.
func All() []Label { return slices.Clone(table) }

// Names returns the name of every label, in the order of the labels
// reference: the names exclude_labels accepts.
func Names() []string {
	names := make([]string, len(table))
	for i, l := range table {
		names[i] = l.Name
	}
	return names
}

// NamesOf returns the name of every label of the given kinds, in the order
// of the labels reference.
func NamesOf(kinds ...Kind) []string {
	var names []string
	for _, l := range table {
		if slices.Contains(kinds, l.Kind) {
			names = append(names, l.Name)
		}
	}
	return names
}

// Lookup returns the label called name.
func Lookup(name string) (Label, bool) {
	i := slices.IndexFunc(table, func(l Label) bool { return l.Name == name })
	if i < 0 {
		return Label{}, false
	}
	return table[i], true
}

// Known reports whether name is one of the labels of the table.
func Known(name string) bool {
	_, ok := Lookup(name)
	return ok
}

// Values returns the value of every label of the given kinds (every label
// when kinds is empty) whose fact is known, by label name. Unknown facts are
// left out, never written empty.
func Values(f Facts, kinds ...Kind) map[string]string {
	v := map[string]string{}
	for _, l := range table {
		if len(kinds) > 0 && !slices.Contains(kinds, l.Kind) {
			continue
		}
		if s := l.Value(f); s != "" {
			v[l.Name] = s
		}
	}
	return v
}
