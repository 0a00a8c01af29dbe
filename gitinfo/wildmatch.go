// wildmatch is git's matcher for gitignore globs; see ignore.go for why
// go-git's gitignore package is not used.

package gitinfo

// wildmatch matches text against a gitignore glob with git's WM_PATHNAME
// semantics: '*' and '?' do not match '/', "**" between slashes (or at the
// ends) matches any number of directories, '[...]' is a bracket expression
// with ranges, '!'/'^' negation and [:class:] names, and '\' escapes.
func wildmatch(pattern, text string) bool {
	return wm(pattern, 0, text, 0) == wmMatch
}

const (
	wmNoMatch = iota
	wmMatch
	wmAbortAll
	wmAbortToStarStar
)

func wm(p string, pi int, t string, ti int) int {
	for ; pi < len(p); pi, ti = pi+1, ti+1 {
		pc := p[pi]
		if ti >= len(t) && pc != '*' {
			return wmAbortAll
		}
		switch pc {
		case '\\':
			pi++
			if pi >= len(p) || t[ti] != p[pi] {
				return wmNoMatch
			}
		case '?':
			if t[ti] == '/' {
				return wmNoMatch
			}
		case '*':
			start := pi
			for pi < len(p) && p[pi] == '*' {
				pi++
			}
			matchSlash := false
			if pi-start >= 2 {
				if (start == 0 || p[start-1] == '/') && (pi == len(p) || p[pi] == '/') {
					if pi < len(p) && p[pi] == '/' && wm(p, pi+1, t, ti) == wmMatch {
						// "**/" matched zero directories
						return wmMatch
					}
					matchSlash = true
				}
			}
			if pi == len(p) {
				if !matchSlash {
					for k := ti; k < len(t); k++ {
						if t[k] == '/' {
							return wmAbortToStarStar
						}
					}
				}
				return wmMatch
			}
			if !matchSlash && p[pi] == '/' {
				k := ti
				for k < len(t) && t[k] != '/' {
					k++
				}
				if k == len(t) {
					return wmAbortAll
				}
				ti = k
				// p[pi] == '/' == t[ti]; the loop increment consumes both
				continue
			}
			for ; ti < len(t); ti++ {
				r := wm(p, pi, t, ti)
				if r != wmNoMatch {
					if !matchSlash || r != wmAbortToStarStar {
						return r
					}
				} else if !matchSlash && t[ti] == '/' {
					return wmAbortToStarStar
				}
			}
			return wmAbortAll
		case '[':
			ok, next, valid := matchBracket(p, pi, t[ti])
			if !valid {
				// an unterminated bracket matches nothing, as in git
				return wmAbortAll
			}
			if !ok || t[ti] == '/' {
				return wmNoMatch
			}
			pi = next
		default:
			if t[ti] != pc {
				return wmNoMatch
			}
		}
	}
	if ti < len(t) {
		return wmNoMatch
	}
	return wmMatch
}

// matchBracket evaluates the bracket expression starting at p[pi] == '['
// for c. It returns whether c matched, the index of the closing ']' and
// whether the expression was well formed.
func matchBracket(p string, pi int, c byte) (matched bool, end int, valid bool) {
	i := pi + 1
	if i >= len(p) {
		return false, 0, false
	}
	negate := false
	if p[i] == '!' || p[i] == '^' {
		negate = true
		i++
	}
	var prev byte
	havePrev := false
	first := true
	for ; i < len(p); i++ {
		ch := p[i]
		if ch == ']' && !first {
			return matched != negate, i, true
		}
		first = false
		switch {
		case ch == '\\':
			i++
			if i >= len(p) {
				return false, 0, false
			}
			ch = p[i]
			if ch == c {
				matched = true
			}
			prev, havePrev = ch, true
		case ch == '-' && havePrev && i+1 < len(p) && p[i+1] != ']':
			i++
			hi := p[i]
			if hi == '\\' {
				i++
				if i >= len(p) {
					return false, 0, false
				}
				hi = p[i]
			}
			if prev <= c && c <= hi {
				matched = true
			}
			havePrev = false
		case ch == '[' && i+1 < len(p) && p[i+1] == ':':
			j := i + 2
			for j < len(p) && p[j] != ']' {
				j++
			}
			if j >= len(p) || j-1 <= i+1 || p[j-1] != ':' {
				// not a class: a literal '['
				if c == '[' {
					matched = true
				}
				prev, havePrev = ch, true
				continue
			}
			class := p[i+2 : j-1]
			known, in := charClass(class, c)
			if !known {
				return false, 0, false
			}
			if in {
				matched = true
			}
			i = j
			havePrev = false
		default:
			if ch == c {
				matched = true
			}
			prev, havePrev = ch, true
		}
	}
	return false, 0, false
}

func charClass(name string, c byte) (known, in bool) {
	switch name {
	case "alnum":
		return true, isAlnum(c)
	case "alpha":
		return true, c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	case "blank":
		return true, c == ' ' || c == '\t'
	case "cntrl":
		return true, c < 0x20 || c == 0x7f
	case "digit":
		return true, isDigit(c)
	case "graph":
		return true, c > 0x20 && c < 0x7f
	case "lower":
		return true, c >= 'a' && c <= 'z'
	case "print":
		return true, c >= 0x20 && c < 0x7f
	case "punct":
		return true, c > 0x20 && c < 0x7f && !isAlnum(c)
	case "space":
		return true, c == ' ' || c >= '\t' && c <= '\r'
	case "upper":
		return true, c >= 'A' && c <= 'Z'
	case "xdigit":
		return true, isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	}
	return false, false
}
