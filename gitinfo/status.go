package gitinfo

import (
	"bufio"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
)

// statusResult is what `git status` says about the work tree.
type statusResult struct {
	dirty    bool     // some change counts per the dirty mode
	dirDirty bool     // some change is in the described directory
	changed  []string // the first MaxChanged changed paths
	count    int      // how many changes
}

// gitStatus runs the `git status` that answers the dirty question for mode
// in at's work tree, leaving out the ignored paths, and reads its records as
// they come. Untracked files are asked for explicitly, so that
// status.showUntrackedFiles in the user's configuration cannot change what
// the mode means; renames are not looked for, as they do not change the
// answer.
func gitStatus(ctx context.Context, r *runner, at *repoAt, mode DirtyMode, ignore []string) (statusResult, error) {
	untracked := "--untracked-files=normal"
	if mode == DirtyTracked {
		untracked = "--untracked-files=no"
	}
	args := []string{"status", "--porcelain=v2", "-z", "--no-renames", "--no-show-stash", untracked, "--", ":/"}
	for _, p := range ignore {
		if rel, ok := relPath(at.root, p); ok {
			args = append(args, ":(top,literal,exclude)"+rel)
		}
	}
	var res statusResult
	err := r.stream(ctx, func(rd *bufio.Reader) error {
		for {
			rec, err := rd.ReadBytes(0)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			res.dirty = true
			res.count++
			p, ok := statusPath(rec[:len(rec)-1])
			if ok && len(res.changed) < MaxChanged {
				res.changed = append(res.changed, p)
			}
			if ok && inDir(p, at.dir) {
				res.dirDirty = true
			}
		}
	}, args...)
	return res, err
}

// statusPath returns the path of a porcelain v2 record (ordinary,
// unmerged or untracked: renames are not looked for).
func statusPath(rec []byte) (string, bool) {
	if len(rec) == 0 {
		return "", false
	}
	fields := map[byte]int{'1': 8, 'u': 10, '?': 1}[rec[0]]
	parts := strings.SplitN(string(rec), " ", fields+1)
	if fields == 0 || len(parts) <= fields {
		return "", false
	}
	return parts[fields], true
}

// inDir reports whether a change at p (an untracked directory ends in "/")
// touches dir ("" is the whole work tree).
func inDir(p, dir string) bool {
	if dir == "" {
		return true
	}
	p = strings.TrimSuffix(p, "/")
	return p == dir || strings.HasPrefix(p, dir+"/") || strings.HasPrefix(dir, p+"/")
}

// relPath returns p relative to root in git's form, when p is inside root.
func relPath(root, p string) (string, bool) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	if d, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(d, filepath.Base(abs))
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
