// Config files: go-git's plumbing/format/config decoder (gcfg) was tried
// and is wrong for git's syntax in ways that change facts: a value continued
// with a trailing backslash ("a\" then " b") keeps the newline, "a\n b"
// (git: "a b"); the legacy [section.Sub] header is a syntax error that
// drops the rest of the file; and a bare "key" (true) cannot be told from
// "key =" (false). See TestConfigParse. This file is that small parser plus
// the layer that finds and merges the system, global, repository, worktree
// and included files.

package gitinfo

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// gitConfig holds configuration values keyed by "section.subsection.key"
// (section and key lower-cased, subsection verbatim), later files and later
// lines last.
type gitConfig struct {
	vals map[string][]string
}

func newGitConfig() *gitConfig { return &gitConfig{vals: map[string][]string{}} }

// parseConfigFile adds the contents of a config file, following
// include.path (not includeIf) up to a small depth. A missing file is not an
// error.
func (c *gitConfig) parseFile(path string, depth int) error {
	data, err := os.ReadFile(path) //nolint:gosec // git config files of the repository being inspected
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	c.parse(string(data), func(inc string) {
		if depth >= 5 {
			return
		}
		if strings.HasPrefix(inc, "~/") {
			if h, err := os.UserHomeDir(); err == nil {
				inc = filepath.Join(h, inc[2:])
			}
		} else if !filepath.IsAbs(inc) {
			inc = filepath.Join(filepath.Dir(path), inc)
		}
		_ = c.parseFile(inc, depth+1) // an unreadable include is skipped, like a missing one
	})
	return nil
}

// parse adds the config text s; include is called for include.path values.
func (c *gitConfig) parse(s string, include func(string)) {
	section := ""
	i := 0
	for i < len(s) {
		// skip leading whitespace
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
			i++
		}
		if i >= len(s) {
			break
		}
		switch s[i] {
		case '#', ';':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case '[':
			end := strings.IndexByte(s[i:], ']')
			// a subsection may contain an escaped ']' inside quotes
			if q := strings.IndexByte(s[i:], '"'); q >= 0 && (end < 0 || q < end) {
				j := i + q + 1
				var sub strings.Builder
				for j < len(s) && s[j] != '"' && s[j] != '\n' {
					if s[j] == '\\' && j+1 < len(s) {
						j++
					}
					sub.WriteByte(s[j])
					j++
				}
				name := strings.ToLower(strings.TrimSpace(s[i+1 : i+q]))
				section = name + "." + sub.String()
				k := strings.IndexByte(s[j:], ']')
				if k < 0 {
					return
				}
				i = j + k + 1
				continue
			}
			if end < 0 {
				return
			}
			// the legacy [section.subsection] syntax lower-cases the
			// subsection too
			section = strings.ToLower(strings.TrimSpace(s[i+1 : i+end]))
			i += end + 1
			continue
		}
		// key [= value]
		j := i
		for j < len(s) && (isAlnum(s[j]) || s[j] == '-') {
			j++
		}
		key := strings.ToLower(s[i:j])
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		val := "true"
		if j < len(s) && s[j] == '=' {
			val, j = parseConfigValue(s, j+1)
		} else {
			for j < len(s) && s[j] != '\n' {
				j++
			}
		}
		i = j
		if key == "" {
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		}
		full := section + "." + key
		c.vals[full] = append(c.vals[full], val)
		if full == "include.path" && include != nil {
			include(val)
		}
	}
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// parseConfigValue reads a value starting at s[i] up to the end of the
// logical line, handling quotes, escapes, comments and continuations.
func parseConfigValue(s string, i int) (string, int) {
	var b strings.Builder
	quoted := false
	pendingSpace := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for i < len(s) {
		ch := s[i]
		switch {
		case ch == '\n':
			// An unterminated quote ends the value here (git errors).
			return b.String(), i
		case !quoted && (ch == '#' || ch == ';'):
			for i < len(s) && s[i] != '\n' {
				i++
			}
			return b.String(), i
		case !quoted && (ch == ' ' || ch == '\t' || ch == '\r'):
			pendingSpace++
			i++
			continue
		case ch == '"':
			quoted = !quoted
			i++
			continue
		case ch == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case '\n':
				i++
				continue
			case '\r':
				i++
				if i < len(s) && s[i] == '\n' {
					i++
				}
				continue
			case 'n':
				ch = '\n'
			case 't':
				ch = '\t'
			case 'b':
				ch = '\b'
			default:
				ch = s[i]
			}
		}
		if pendingSpace > 0 && b.Len() > 0 {
			b.WriteString(strings.Repeat(" ", pendingSpace))
		}
		pendingSpace = 0
		b.WriteByte(ch)
		i++
	}
	return b.String(), i
}

// get returns the last value of key ("section.key" or
// "section.sub.key"; section and key case-insensitive).
func (c *gitConfig) get(key string) (string, bool) {
	v := c.vals[normKey(key)]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

func normKey(key string) string {
	first := strings.IndexByte(key, '.')
	last := strings.LastIndexByte(key, '.')
	if first < 0 {
		return strings.ToLower(key)
	}
	return strings.ToLower(key[:first]) + key[first:last] + strings.ToLower(key[last:])
}

// boolean returns the git boolean value of key, or def when unset or
// unparsable.
func (c *gitConfig) boolean(key string, def bool) bool {
	v, ok := c.get(key)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "true", "yes", "on", "1":
		return true
	case "false", "no", "off", "0", "":
		// "key =" is false; a bare "key" was stored as "true"
		return false
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n != 0
	}
	return def
}

// subsections returns the distinct subsection names of section in order of
// first appearance, e.g. remote names.
func (c *gitConfig) subsections(section, key string) []string {
	prefix := strings.ToLower(section) + "."
	suffix := "." + strings.ToLower(key)
	var out []string
	seen := map[string]bool{}
	for k := range c.vals {
		if strings.HasPrefix(k, prefix) && strings.HasSuffix(k, suffix) && len(k) > len(prefix)+len(suffix) {
			sub := k[len(prefix) : len(k)-len(suffix)]
			if !seen[sub] {
				seen[sub] = true
				out = append(out, sub)
			}
		}
	}
	return out
}

// loadConfig reads system (unless GIT_CONFIG_NOSYSTEM), global, repository
// and worktree configuration in git's order of precedence.
func loadConfig(commonDir, gitDir string) *gitConfig {
	c := newGitConfig()
	if v := os.Getenv("GIT_CONFIG_NOSYSTEM"); v == "" || v == "0" || strings.EqualFold(v, "false") {
		_ = c.parseFile(first(os.Getenv("GIT_CONFIG_SYSTEM"), "/etc/gitconfig"), 0)
	}
	if g := os.Getenv("GIT_CONFIG_GLOBAL"); g != "" {
		_ = c.parseFile(g, 0)
	} else {
		if dir := xdgGitDir(); dir != "" {
			_ = c.parseFile(filepath.Join(dir, "config"), 0)
		}
		if home, _ := os.UserHomeDir(); home != "" {
			_ = c.parseFile(filepath.Join(home, ".gitconfig"), 0)
		}
	}
	_ = c.parseFile(filepath.Join(commonDir, "config"), 0)
	if c.boolean("extensions.worktreeConfig", false) {
		_ = c.parseFile(filepath.Join(gitDir, "config.worktree"), 0)
	}
	return c
}

// xdgGitDir is git's directory of user files under the XDG base directory,
// $XDG_CONFIG_HOME/git or ~/.config/git, where it looks for the config,
// ignore and attributes files; "" when neither variable gives one.
func xdgGitDir() string {
	xdg := os.Getenv("XDG_CONFIG_HOME")
	if xdg == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		xdg = filepath.Join(home, ".config")
	}
	return filepath.Join(xdg, "git")
}
