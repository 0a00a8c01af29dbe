package labels

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckName refuses a label name of the user's that no consumer can take
// safely: an empty name, surrounding spaces, and any control, format, line
// separator or paragraph separator character (Unicode categories Cc, Cf, Zl
// and Zp: NUL, U+0085, U+2028, a zero-width space, a byte order mark), or a
// name that is not valid UTF-8.
func CheckName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("a label name is empty; give every label a name")
	case strings.ContainsAny(name, "\n\r\t") || strings.TrimSpace(name) != name:
		return errors.New("a label name cannot have surrounding spaces, tabs or line breaks")
	}
	if r, bad := BadNameRune(name); bad {
		return fmt.Errorf("a label name cannot hold the character %U (control, format, line and paragraph separator characters and invalid UTF-8 are refused); rename the label", r)
	}
	return nil
}

// BadNameRune returns the first character of name that no label name may
// hold (see CheckName), and utf8.RuneError when name is not valid UTF-8.
func BadNameRune(name string) (r rune, bad bool) {
	if !utf8.ValidString(name) {
		return utf8.RuneError, true
	}
	for _, r := range name {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return r, true
		}
	}
	return 0, false
}
