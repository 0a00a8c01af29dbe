package gitinfo

import (
	"net/url"
	"strings"
	"testing"
)

func TestStripCredentials(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:token@host/x", "https://host/x"},
		{"https://ghp_abc123@github.com/org/repo.git", "https://github.com/org/repo.git"},
		{"https://github.com/org/repo.git", "https://github.com/org/repo.git"},
		{"git@github.com:org/repo.git", "git@github.com:org/repo.git"},
		{"github.com:org/repo.git", "github.com:org/repo.git"},
		{"ssh://git:pw@host:2222/x.git", "ssh://host:2222/x.git"},
		{"https://host/x?private_token=abc&ref=main", "https://host/x?ref=main"},
		{"https://host/x?access_token=abc", "https://host/x"},
		{"https://s3.example.com/b?X-Amz-Signature=ff&X-Amz-Credential=c&versionId=1", "https://s3.example.com/b?versionId=1"},
		{"https://host/cb#access_token=secret&state=1", "https://host/cb"},
		{"file:///srv/repo.git", "file:///srv/repo.git"},
		{"/srv/repo.git", "/srv/repo.git"},
		{"", ""},
		{"https://user:p@ss@host/x", "https://host/x"},
		{"not a url user:secret@host", "not a url host"},
		{"https://a b:c@host/%zz", "https://host/%zz"},
		{"user:secret@github.com:org/repo.git", "github.com:org/repo.git"},
		{"https://user:pa?ss@host/x.git", "https://host/x.git"},
		{"https://user:pa#ss@host/x.git", "https://host/x.git"},
		{"https://host/x?ref=a@b", "https://host/x"},
		{"https://user:pa/ss@host/x.git", "https://host/x.git"},
		{"https://user:p/a@s/s@host/x.git", "https://host/x.git"},
		{"https://user:pa/ss@host", "https://host"},
		{"https://user:pa/s/s@host:8443/x.git", "https://host:8443/x.git"},
		{"https://host:8443/x.git", "https://host:8443/x.git"},
		{"https://host/org/pkg@v1", "https://host/org/v1"},
		{"https://host:8443/x@y", "https://host:8443/y"},
		{"https://[::1]:8443/x", "https://[::1]:8443/x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := StripCredentials(tt.in); got != tt.want {
				t.Errorf("StripCredentials(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzStripCredentials checks that no password survives and that the
// function is idempotent.
func FuzzStripCredentials(f *testing.F) {
	for _, s := range []string{"https://user:token@host/x", "git@host:x", "https://h/x?token=1&a=2", "ssh://u:p@h:22/r", "u:p@h", "%", "https://[::1]:80/x#k=v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := StripCredentials(s)
		if again := StripCredentials(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
		if u, err := url.Parse(out); err == nil && strings.Contains(out, "://") {
			if _, hasPw := u.User.Password(); hasPw && u.User != nil {
				t.Fatalf("password survived: %q -> %q", s, out)
			}
			for k := range u.Query() {
				if credentialParam(k) {
					t.Fatalf("credential parameter %q survived: %q -> %q", k, s, out)
				}
			}
		}
		if u, err := url.Parse(s); err == nil && u.User != nil {
			if pw, ok := u.User.Password(); ok && len(pw) >= 4 && strings.Contains(out, u.User.String()) {
				t.Fatalf("user info %q survived: %q -> %q", u.User.String(), s, out)
			}
		}
	})
}
