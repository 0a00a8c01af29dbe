package labels

import (
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"team", ""},
		{"org.acme/team-name_1", ""},
		{"ÄÖÜ", ""},
		{"", "empty"},
		{"  ", "empty"},
		{" team", "surrounding spaces"},
		{"team\n", "surrounding spaces"},
		{"te\nam", "line breaks"},
		{"te\x1bam", "U+001B"},
		{"a\x00b", "U+0000"},
		{"a\u0085b", "U+0085"},
		{"a\u2028b", "U+2028"},
		{"a\u2029b", "U+2029"},
		{"team\u200b", "U+200B"},
		{"\ufeffteam", "U+FEFF"},
		{"a\u202eb", "U+202E"},
		{"te\xffam", "U+FFFD"},
	} {
		err := CheckName(tc.name)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckName(%q) = %v, want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckName(%q) = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}
