// gitignore handling, kept in-house on purpose: go-git's
// plumbing/format/gitignore matches with filepath.Match, so "[!a-c]" is not
// a negation and [[:digit:]] is unknown, "foo/**bar" never matches, and
// "dir/**" also excludes dir itself so "!dir/keep" cannot re-include (5 of
// 28 patterns checked against `git check-ignore` differ; differential
// scenarios "gitignore negated bracket", "gitignore character class",
// "gitignore trailing /** with negation").

package gitinfo

import (
	"os"
	"path/filepath"
	"strings"
)

// ignorePattern is one line of a gitignore-style file.
type ignorePattern struct {
	glob     string
	negate   bool
	dirOnly  bool
	anchored bool // contains a slash: matched against the path relative to base
}

// ignoreList is the patterns of one file; base is the directory (relative
// to the work tree root, "" or ending in '/') they apply under.
type ignoreList struct {
	base     string
	patterns []ignorePattern
}

// parseIgnore parses gitignore text.
func parseIgnore(base, text string) *ignoreList {
	l := &ignoreList{base: base}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		// trailing spaces are ignored unless escaped with a backslash
		end := len(line)
		for end > 0 && line[end-1] == ' ' {
			if end >= 2 && line[end-2] == '\\' {
				break
			}
			end--
		}
		line = line[:end]
		if line == "" {
			continue
		}
		p := ignorePattern{}
		if line[0] == '!' {
			p.negate = true
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			p.dirOnly = true
			line = strings.TrimRight(line, "/")
		}
		if line == "" {
			continue
		}
		if strings.Contains(line, "/") {
			p.anchored = true
			line = strings.TrimPrefix(line, "/")
		}
		p.glob = line
		l.patterns = append(l.patterns, p)
	}
	return l
}

// match returns (matched, excluded) for path (relative to the root) under
// this list: the last matching pattern decides.
func (l *ignoreList) match(path string, isDir bool) (bool, bool) {
	if !strings.HasPrefix(path, l.base) {
		return false, false
	}
	rel := path[len(l.base):]
	basename := rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		basename = rel[i+1:]
	}
	for i := len(l.patterns) - 1; i >= 0; i-- {
		p := &l.patterns[i]
		if p.dirOnly && !isDir {
			continue
		}
		var ok bool
		if p.anchored {
			ok = wildmatch(p.glob, rel)
		} else {
			ok = wildmatch(p.glob, basename)
		}
		if ok {
			return true, !p.negate
		}
	}
	return false, false
}

// ignoreStack is the chain of per-directory lists from the deepest
// directory up, then info/exclude and the global excludes file.
type ignoreStack struct {
	list   *ignoreList
	parent *ignoreStack
}

func (s *ignoreStack) push(l *ignoreList) *ignoreStack {
	if l == nil || len(l.patterns) == 0 {
		return s
	}
	return &ignoreStack{list: l, parent: s}
}

// excluded reports whether path is ignored (the parent directories are
// assumed not excluded; callers stop descending into excluded ones).
func (s *ignoreStack) excluded(path string, isDir bool) bool {
	for cur := s; cur != nil; cur = cur.parent {
		if m, ex := cur.list.match(path, isDir); m {
			return ex
		}
	}
	return false
}

// baseExcludes returns the stack for the global excludes file and
// info/exclude (lowest precedence first).
func baseExcludes(r *repository) *ignoreStack {
	var s *ignoreStack
	global, ok := r.cfg.get("core.excludesFile")
	if ok && strings.HasPrefix(global, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			global = filepath.Join(h, global[2:])
		}
	}
	if dir := xdgGitDir(); !ok && dir != "" {
		global = filepath.Join(dir, "ignore")
	}
	if global != "" {
		if b, err := os.ReadFile(global); err == nil { //nolint:gosec // the user's configured excludes file
			s = s.push(parseIgnore("", string(b)))
		}
	}
	if b, err := os.ReadFile(filepath.Join(r.commonDir, "info", "exclude")); err == nil { //nolint:gosec // repository metadata
		s = s.push(parseIgnore("", string(b)))
	}
	return s
}
