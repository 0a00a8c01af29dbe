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

func ExampleNaming_Key() {
	for _, n := range []Naming{{}, {Style: OCI, Prefix: "acme."}, {Style: GCE, Prefix: "Acme."}} {
		fmt.Println(n.Key("git_commit"), n.Key("git_branch"))
	}
	// Output:
	// git_commit git_branch
	// org.opencontainers.image.revision acme.git_branch
	// acme_git_commit acme_git_branch
}

func TestCheckKeys(t *testing.T) {
	long := strings.Repeat("p", 52) + "_" // git_commit fills the 63 characters
	cases := []struct {
		name   string
		naming Naming
		names  []string
		want   []string // one entry per error; nil for none
	}{
		{"snake with a long prefix", Naming{Prefix: long}, []string{"git_commit", "git_commit_short"}, nil},
		{"gce with a short prefix", Naming{Style: GCE, Prefix: "acme_"}, NamesOf(Git, CI), nil},
		{"gce with a long prefix", Naming{Style: GCE, Prefix: long}, []string{"git_commit", "git_commit_short", "git_commit_time"}, []string{
			`label_style = "gce": the labels "git_commit" and "git_commit_short" both become the key "` + long + `git_commit"`,
			`the labels "git_commit" and "git_commit_time"`,
		}},
		{"gce folding a generated label onto a built-in", Naming{Style: GCE, Prefix: long}, []string{"git_commit", "git_commitment"}, []string{`"git_commit" and "git_commitment"`}},
		{"gce folding two generated labels is the caller's", Naming{Style: GCE, Prefix: long}, []string{"source_ami_one", "source_ami_two"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.naming.CheckKeys(tc.names)
			if len(errs) != len(tc.want) {
				t.Fatalf("CheckKeys = %v, want %d errors", errs, len(tc.want))
			}
			for i, w := range tc.want {
				for _, s := range []string{w, "shorten label_prefix", "exclude_labels"} {
					if !strings.Contains(errs[i].Error(), s) {
						t.Errorf("error %q lacks %q", errs[i], s)
					}
				}
			}
		})
	}
}
