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
		// host:port and user:password cannot be told apart when the
		// password is digits: the user info runs to the last '@'
		{"https://host:8443/x@y", "https://y"},
		{"https://u:12/34secret@host/x", "https://host/x"},
		{"https://u:12/34/secret@host:8443/x.git", "https://host:8443/x.git"},
		{"https://u:p@x/y@host/z", "https://host/z"},
		{"https://u:p/w@host/x?ref=main", "https://host/x?ref=main"},
		{"https://u:p/w@host/x?q=a@b", "https://b"},
		{"0:Z://@host:path", "host:path"},
		{"ssh://git@host:2222/x.git", "ssh://host:2222/x.git"},
		// scp-style: the user info goes with its password, a bare user
		// name stays
		{"user:pw@host:path", "host:path"},
		{"user:p@ss@host:path", "host:path"},
		{"user:p/ss@host:org/repo.git", "host:org/repo.git"},
		{"user:pw@[::1]:org/repo.git", "[::1]:org/repo.git"},
		{"git@host:org/repo.git", "git@host:org/repo.git"},
		// parameters: only the safe ones stay
		{"https://host/x?ticket=abc&access=1", "https://host/x"},
		{"https://host/x?token=t&sig=s&ref=main", "https://host/x?ref=main"},
		{"https://host/app;jsessionid=ABC/x", "https://host/app/x"},
		{"https://host/app;jsessionid=ABC;view=raw/x", "https://host/app;view=raw/x"},
		{"https://host/x?a=1;b=2;tab=log", "https://host/x?tab=log"},
		{"https://host/x?TAB=log&BuildID=7", "https://host/x?TAB=log&BuildID=7"},
		{"https://host/x?bare", "https://host/x"},
		{"https://dev.azure.com/org/proj/_build/results?buildId=42", "https://dev.azure.com/org/proj/_build/results?buildId=42"},
		{"https://dev.azure.com/org/proj/_build/results?buildId=42&view=logs&access=x", "https://dev.azure.com/org/proj/_build/results?buildId=42&view=logs"},
		{"https://tc.example.com/viewLog.html?buildId=9&buildTypeId=P_B&tab=buildLog&guest=1", "https://tc.example.com/viewLog.html?buildId=9&buildTypeId=P_B&tab=buildLog"},
		{"https://bitbucket.org/ws/repo/addon/pipelines/home#!/results/7", "https://bitbucket.org/ws/repo/addon/pipelines/home#!/results/7"},
		{"https://host/x#view=raw", "https://host/x#view=raw"},
		{"https://host/x#code=abc", "https://host/x"},
		{"https://host/x#a@b", "https://host/x"},
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

// FuzzStripCredentials checks that no password and no parameter but the
// safe ones survives, and that the function is idempotent.
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
				if !safeParam(k) {
					t.Fatalf("parameter %q, not a safe one, survived: %q -> %q", k, s, out)
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

// FuzzStripCredentialsPassword builds URLs and scp-style addresses around a
// password of any printable characters ('/', '@', ':', '?', '#' and ';'
// included) that holds a 'Z', which nothing else in the address holds: no
// 'Z' survives (no part of the password around it), and stripping again
// changes nothing.
func FuzzStripCredentialsPassword(f *testing.F) {
	for _, seed := range [][4]string{
		{"u", "12/34secretZ", "host", "x"}, {"ci", "p@sZ:w/rd", "gitlab.example.com", "org/repo.git"},
		{"u", "pa?sZ#wd", "h", "x?ref=main#top"}, {"user", "Zs3cret;x=1", "host", "a;jsessionid=1/b"},
		{"u", "12Z4", "host", "x@y"}, {"git", "tok/Zn", "h.example", "p@v1/q"}, {"u", "Z@h:", "host", "p"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, user, pw, host, path string) {
		if !onlyChars(user, "-._") || !onlyChars(host, "-.") || !onlyChars(path, "-._/@?#=&;:~%") ||
			!strings.Contains(pw, "Z") || strings.Contains(user+host+path, "Z") ||
			strings.IndexFunc(pw, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
			return
		}
		for _, in := range []string{
			"https://" + user + ":" + pw + "@" + host + "/" + path,
			"https://" + user + ":" + pw + "@" + host + ":8443/" + path,
			"ssh://" + user + ":" + pw + "@" + host + "/" + path,
			user + ":" + pw + "@" + host + ":" + path,
		} {
			out := StripCredentials(in)
			if again := StripCredentials(out); again != out {
				t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
			}
			if strings.Contains(out, "Z") {
				t.Fatalf("password %q survived in part: %q -> %q", pw, in, out)
			}
		}
	})
}

// onlyChars reports whether s is not empty and holds only ASCII letters,
// digits and the characters in extra.
func onlyChars(s, extra string) bool {
	allowed := func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(extra, r)
	}
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !allowed(r) }) < 0
}
