package gitinfo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// relDir returns the directory of path relative to root, in git's form
// ("" for the root itself, slash-separated otherwise).
func relDir(root, path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		abs = filepath.Dir(abs)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the work tree %s", abs, root)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel), nil
}

// statusArgs returns the arguments of a `git status` that answers the dirty
// question for mode, limited to dir ("" for the whole work tree) and leaving
// out the ignored paths.
func statusArgs(root, dir string, mode DirtyMode, ignore []string) []string {
	args := []string{"status", "--porcelain", "-z"}
	if mode == DirtyTracked {
		args = append(args, "--untracked-files=no")
	} else {
		args = append(args, "--untracked-files=normal")
	}
	args = append(args, "--", ":(top,literal)"+dir)
	if dir == "" {
		args[len(args)-1] = ":/"
	}
	for _, p := range ignore {
		if rel, ok := relPath(root, p); ok {
			args = append(args, ":(top,literal,exclude)"+rel)
		}
	}
	return args
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

// dirtyIgnoring asks git whether dir has changes other than the ignored
// paths.
func dirtyIgnoring(ctx context.Context, root, dir string, mode DirtyMode, ignore []string) (bool, error) {
	out, err := runGit(ctx, root, statusArgs(root, dir, mode, ignore)...)
	if err != nil {
		return false, err
	}
	return out != "", nil
}

// collectTree fills f.Tree for path's directory when it has no changes.
func collectTree(ctx context.Context, root, path string, mode DirtyMode, ignore []string, f *Facts) {
	if mode == DirtyOff {
		f.unknown(FactTree, "the dirty check is off, so a changed directory cannot be told apart")
		return
	}
	dir, err := relDir(root, path)
	if err != nil {
		f.unknown(FactTree, "%v", err)
		return
	}
	if f.Dirty == nil || *f.Dirty {
		dirty, err := dirtyIgnoring(ctx, root, dir, mode, ignore)
		switch {
		case err != nil:
			f.unknown(FactTree, "%v", err)
			return
		case dirty:
			f.unknown(FactTree, "%s has uncommitted changes", displayDir(dir))
			return
		}
	}
	out, err := runGit(ctx, root, "rev-parse", "--verify", "--quiet", "HEAD:"+dir)
	if err != nil {
		f.unknown(FactTree, "%s is not in HEAD", displayDir(dir))
		return
	}
	f.Tree = strings.TrimSpace(out)
}

func displayDir(dir string) string {
	if dir == "" {
		return "the work tree"
	}
	return dir
}
