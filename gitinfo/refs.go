// References are read here rather than through go-git's storage/filesystem
// because go-git v5's plumbing.Reference holds a 20-byte plumbing.Hash, which
// truncates SHA-256 object names (differential scenario "sha256 object
// format"), and opening go-git's storage also needs DetectDotGit and
// EnableDotGitCommonDir handling that discover() already does.

package gitinfo

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ref is a reference with its target and, when known from packed-refs, the
// peeled object of an annotated tag.
type ref struct {
	name   string
	target oid
	peeled oid
}

// refStore reads loose and packed references.
type refStore struct {
	gitDir, commonDir string
	hashLen           int
}

// perWorktree reports whether a ref lives in the per-worktree git dir.
func perWorktree(name string) bool {
	return !strings.HasPrefix(name, "refs/") ||
		strings.HasPrefix(name, "refs/worktree/") ||
		strings.HasPrefix(name, "refs/bisect/") ||
		strings.HasPrefix(name, "refs/rewritten/")
}

func (s *refStore) dirFor(name string) string {
	if perWorktree(name) {
		return s.gitDir
	}
	return s.commonDir
}

// readLoose returns the content of a loose ref file: a symbolic target
// ("ref: x") or an object name.
func (s *refStore) readLooseRef(name string) (sym string, id oid, found bool, err error) {
	b, err := os.ReadFile(filepath.Join(s.dirFor(name), filepath.FromSlash(name))) //nolint:gosec // ref path inside the git dir
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isDirErr(err) {
			return "", "", false, nil
		}
		return "", "", false, err
	}
	line := strings.TrimSpace(string(b))
	if strings.HasPrefix(line, "ref:") {
		return strings.TrimSpace(line[4:]), "", true, nil
	}
	id, ok := parseOID(line, s.hashLen)
	if !ok {
		return "", "", false, fmt.Errorf("ref %s: invalid content %q", name, truncate(line, 80))
	}
	return "", id, true, nil
}

func isDirErr(err error) bool {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if fi, serr := os.Stat(pe.Path); serr == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// packed reads packed-refs.
func (s *refStore) packed() (map[string]ref, error) {
	out := map[string]ref{}
	f, err := os.Open(filepath.Join(s.commonDir, "packed-refs"))
	if err != nil {
		if os.IsNotExist(err) {
			return out, nil
		}
		return nil, err
	}
	defer func() { _ = f.Close() }() // read-only
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	last := ""
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '^' {
			if id, ok := parseOID(strings.TrimSpace(line[1:]), s.hashLen); ok && last != "" {
				r := out[last]
				r.peeled = id
				out[last] = r
			}
			continue
		}
		sp := strings.IndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		id, ok := parseOID(line[:sp], s.hashLen)
		if !ok {
			continue
		}
		last = line[sp+1:]
		out[last] = ref{name: last, target: id}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// resolve follows symbolic refs from name and returns the final ref name and
// object. found is false for an unborn branch.
func (s *refStore) resolve(name string) (final string, id oid, found bool, err error) {
	var packed map[string]ref
	for depth := 0; depth < 10; depth++ {
		sym, id, ok, err := s.readLooseRef(name)
		if err != nil {
			return name, "", false, err
		}
		if ok && sym != "" {
			name = sym
			continue
		}
		if ok {
			return name, id, true, nil
		}
		if packed == nil {
			if packed, err = s.packed(); err != nil {
				return name, "", false, err
			}
		}
		if r, ok := packed[name]; ok {
			return name, r.target, true, nil
		}
		return name, "", false, nil
	}
	return name, "", false, errors.New("symbolic ref loop")
}

// list returns all refs under prefix (e.g. "refs/tags/"), loose overriding
// packed, sorted by name.
func (s *refStore) list(prefix string) ([]ref, error) {
	packed, err := s.packed()
	if err != nil {
		return nil, err
	}
	all := map[string]ref{}
	for n, r := range packed {
		if strings.HasPrefix(n, prefix) {
			all[n] = r
		}
	}
	base := filepath.Join(s.commonDir, filepath.FromSlash(prefix))
	werr := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".lock") {
			return nil
		}
		rel, err := filepath.Rel(s.commonDir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		sym, id, ok, rerr := s.readLooseRef(name)
		if rerr != nil || !ok {
			return nil //nolint:nilerr // a broken loose ref is skipped, as git warns and skips it
		}
		if sym != "" {
			if _, id, ok, rerr = s.resolve(sym); rerr != nil || !ok {
				return nil //nolint:nilerr // a dangling symbolic ref is skipped, as git does
			}
		}
		all[name] = ref{name: name, target: id}
		return nil
	})
	if werr != nil {
		return nil, werr
	}
	out := make([]ref, 0, len(all))
	for _, r := range all {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}
