package labels

import (
	"fmt"
	"strings"
	"testing"
)

func TestNamingKeys(t *testing.T) {
	cases := []struct {
		naming Naming
		name   string
		want   string
	}{
		{Naming{}, "git_commit", "git_commit"},
		{Naming{Style: Snake, Prefix: "acme."}, "git_commit", "acme.git_commit"},
		{Naming{Style: OCI}, "git_commit", "org.opencontainers.image.revision"},
		{Naming{Style: OCI, Prefix: "acme."}, "git_remote", "org.opencontainers.image.source"},
		{Naming{Style: OCI, Prefix: "acme."}, "git_tag", "org.opencontainers.image.version"},
		{Naming{Style: OCI, Prefix: "acme."}, "build_time", "org.opencontainers.image.created"},
		{Naming{Style: OCI, Prefix: "acme."}, "git_tree", "acme.git_tree"},
		{Naming{Style: OCI}, "source_ami", "source_ami"},
		{Naming{Style: GCE, Prefix: "Acme."}, "git_commit", "acme_git_commit"},
		{Naming{Style: GCE, Prefix: "9/"}, "ci_run_id", "l9_ci_run_id"},
	}
	for _, tc := range cases {
		if got := tc.naming.Key(tc.name); got != tc.want {
			t.Errorf("%+v.Key(%q) = %q, want %q", tc.naming, tc.name, got, tc.want)
		}
	}
	if got := (Naming{Style: GCE}).Value("2026-11-21T10:00:00Z"); got != "2026-11-21t10_00_00z" {
		t.Errorf("gce value = %q", got)
	}
	if got := (Naming{Style: OCI}).Value("2026-11-21T10:00:00Z"); got != "2026-11-21T10:00:00Z" {
		t.Errorf("oci value = %q", got)
	}
}

func TestOptionChecks(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want []string // "" for no error
	}{
		{"default style", CheckStyle(""), nil},
		{"gce style", CheckStyle("gce"), nil},
		{"unknown style", CheckStyle("kebab"), []string{"label_style", `"kebab"`, `"snake", "oci", "gce"`}},
		{"prefix", CheckPrefix("acme.io/x-y_"), nil},
		{"prefix with space", CheckPrefix("acme "), []string{"label_prefix", `"acme "`, "letters, digits"}},
	}
	for _, tc := range cases {
		switch {
		case tc.want == nil && tc.err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, tc.err)
		case tc.want != nil && tc.err == nil:
			t.Errorf("%s: no error", tc.name)
		case tc.want != nil:
			for _, w := range tc.want {
				if !strings.Contains(tc.err.Error(), w) {
					t.Errorf("%s: %q lacks %q", tc.name, tc.err, w)
				}
			}
		}
	}
	errs := CheckExclude([]string{"git_tree", "git_sha", "source_ami", "ci_pull_request"}, []string{"source_ami"})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `exclude_labels[1]: "git_sha"`) || !strings.Contains(errs[0].Error(), `"git_commit"`) {
		t.Errorf("CheckExclude = %v, want one error for git_sha listing the valid names", errs)
	}
}

func ExampleNaming_Key() {
	for _, n := range []Naming{{}, {Style: OCI, Prefix: "acme."}, {Style: GCE, Prefix: "Acme."}} {
		fmt.Println(n.Key("git_commit"), n.Key("git_branch"))
	}
	// Output:
	// git_commit git_branch
	// org.opencontainers.image.revision acme.git_branch
	// acme_git_commit acme_git_branch
}
