package gitinfo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// checkRefText checks that the ref go-git resolved HEAD to holds exactly
// the object name go-git read from it: 40 hex digits, then nothing or
// whitespace, as git requires. go-git decodes what is not hex as zeros
// (refs/heads/main = 22677azz... becomes 22677a0000...), a commit that
// names no object. gitDir is the go-git file system of the git dir; the
// loose ref wins over packed-refs, as in go-git.
func checkRefText(gitDir billy.Filesystem, ref *plumbing.Reference) error {
	name := ref.Name().String()
	text, err := looseRefText(gitDir, name)
	if errors.Is(err, os.ErrNotExist) {
		text, err = packedRefText(gitDir, name)
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if !plumbing.IsHash(text) || plumbing.NewHash(text) != ref.Hash() {
		return fmt.Errorf("%s holds %q, which is not an object name", name, cut(text, 80))
	}
	return nil
}

// looseRefText returns the first word of the loose ref file name.
func looseRefText(gitDir billy.Filesystem, name string) (string, error) {
	f, err := gitDir.Open(name)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", err
	}
	if words := strings.Fields(string(b)); len(words) > 0 {
		return words[0], nil
	}
	return "", nil
}

// packedRefText returns the object name packed-refs gives name.
func packedRefText(gitDir billy.Filesystem, name string) (string, error) {
	f, err := gitDir.Open("packed-refs")
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		if hash, ref, ok := strings.Cut(line, " "); ok && strings.TrimSpace(ref) == name {
			return hash, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s is in neither a loose ref nor packed-refs", name)
}

// cut shortens s to n bytes for a message.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
