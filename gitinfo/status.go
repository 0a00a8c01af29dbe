package gitinfo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// statusChecker answers "is the work tree dirty" without computing a full
// status: it stops at the first difference it finds.
type statusChecker struct {
	ctx      context.Context
	repo     *repository
	db       *odb
	idx      *gitIndex
	headTree oid // "" for an unborn branch
	mode     DirtyMode

	fileMode   bool
	trustCtime bool
	convert    bool // content filters or EOL conversion may apply

	found atomic.Bool
	errMu sync.Mutex
	err   error
}

// errConversion marks content conversion that stat data cannot see through.
var errConversion = fmt.Errorf("content filters or end-of-line conversion: %w", errUnsupported)

func (c *statusChecker) setErr(err error) {
	c.errMu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.errMu.Unlock()
}

func (c *statusChecker) failed() bool {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	return c.err != nil
}

func (c *statusChecker) done() bool {
	return c.found.Load() || c.failed() || c.ctx.Err() != nil
}

// conversionPossible reports whether checkout may have converted content
// (autocrlf, or any gitattributes that could declare text/eol/filter).
func conversionPossible(r *repository, idx *gitIndex) bool {
	if v, ok := r.cfg.get("core.autocrlf"); ok && !strings.EqualFold(v, "false") {
		return true
	}
	if _, ok := r.cfg.get("core.attributesFile"); ok {
		return true
	}
	if fi, err := os.Stat(filepath.Join(r.commonDir, "info", "attributes")); err == nil && fi.Size() > 0 {
		return true
	}
	if dir := xdgGitDir(); dir != "" {
		if fi, err := os.Stat(filepath.Join(dir, "attributes")); err == nil && fi.Size() > 0 {
			return true
		}
	}
	for i := range idx.entries {
		p := idx.entries[i].path
		if p == ".gitattributes" || strings.HasSuffix(p, "/.gitattributes") {
			return true
		}
	}
	return false
}

// checkDirty returns whether the work tree of r is dirty per mode. An error
// wrapping errUnsupported means the caller should ask the git binary.
func checkDirty(ctx context.Context, r *repository, db *odb, headTree oid, mode DirtyMode) (bool, error) {
	idx, err := readIndexFile(filepath.Join(r.gitDir, "index"), db.hashLen)
	if err != nil {
		return false, fmt.Errorf("reading index: %w", err)
	}
	if idx.splitBase != "" {
		return false, errSplitIndex
	}
	if idx.sparseDir {
		return false, fmt.Errorf("sparse index: %w", errUnsupported)
	}
	c := &statusChecker{
		ctx: ctx, repo: r, db: db, idx: idx, headTree: headTree, mode: mode,
		fileMode:   r.cfg.boolean("core.fileMode", true),
		trustCtime: r.cfg.boolean("core.trustCtime", true),
	}
	if v, ok := r.cfg.get("core.checkStat"); ok && strings.EqualFold(v, "minimal") {
		c.trustCtime = false
	}
	c.convert = conversionPossible(r, idx)
	return c.run()
}

func (c *statusChecker) run() (bool, error) {
	// Unmerged or intent-to-add entries always show in git status.
	for i := range c.idx.entries {
		e := &c.idx.entries[i]
		if e.stage() != 0 || e.intentToAdd() {
			return true, nil
		}
	}
	// Staged changes: the tree the index would write against HEAD's tree.
	if c.headTree == "" {
		if len(c.idx.entries) > 0 {
			return true, nil
		}
	} else if indexTree(c.idx.entries, c.idx.tree, c.db.hashLen) != c.headTree {
		return true, nil
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.checkWorktree()
	}()
	if c.mode == DirtyAll {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.checkUntracked()
		}()
	}
	wg.Wait()
	if c.found.Load() {
		return true, nil
	}
	if err := c.ctx.Err(); err != nil {
		return false, err
	}
	if c.err != nil {
		return false, c.err
	}
	return false, nil
}

func workers() int {
	n := runtime.GOMAXPROCS(0) * 2
	if n < 4 {
		n = 4
	}
	return n
}

// checkWorktree compares tracked entries with the files: stat first,
// content hashes only for entries whose stat data does not settle it.
func (c *statusChecker) checkWorktree() {
	entries := c.idx.entries
	idxMtime := c.idx.mtime / 1e9
	var verifyMu sync.Mutex
	var verify []int
	var gitlinks []int
	const chunk = 256
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := newStatter(c.repo.root)
			defer st.close()
			var local, links []int
			for !c.done() {
				start := int(next.Add(chunk)) - chunk
				if start >= len(entries) {
					break
				}
				end := min(start+chunk, len(entries))
				for i := start; i < end; i++ {
					e := &entries[i]
					if e.skipWorktree() || e.assumeValid() {
						continue
					}
					if e.mode&modeTypeMask == modeGitlink {
						links = append(links, i)
						continue
					}
					fs, err := st.lstat(e.path)
					if err != nil {
						if isNotExist(err) {
							c.found.Store(true)
							return
						}
						c.setErr(fmt.Errorf("stat %s: %w", e.path, err))
						return
					}
					switch compareStat(e, &fs, c.fileMode, c.trustCtime, idxMtime) {
					case statModified:
						if c.convert && fs.mode&modeTypeMask == e.mode&modeTypeMask {
							// a size change may be only an EOL conversion
							local = append(local, i)
							continue
						}
						c.found.Store(true)
						return
					case statVerify:
						local = append(local, i)
					}
				}
			}
			verifyMu.Lock()
			verify = append(verify, local...)
			gitlinks = append(gitlinks, links...)
			verifyMu.Unlock()
		}()
	}
	wg.Wait()
	if c.done() {
		return
	}
	if len(verify) > 0 && c.convert {
		c.setErr(errConversion)
		return
	}
	c.verifyContent(verify)
	if c.done() {
		return
	}
	for _, i := range gitlinks {
		if c.done() {
			return
		}
		dirty, err := c.submoduleDirty(&entries[i])
		if err != nil {
			c.setErr(fmt.Errorf("submodule %s: %w", entries[i].path, err))
			return
		}
		if dirty {
			c.found.Store(true)
			return
		}
	}
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// verifyContent hashes the listed entries' files in parallel.
func (c *statusChecker) verifyContent(list []int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(workers(), len(list)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !c.done() {
				k := int(next.Add(1)) - 1
				if k >= len(list) {
					return
				}
				e := &c.idx.entries[list[k]]
				p := filepath.Join(c.repo.root, filepath.FromSlash(e.path))
				var content []byte
				var err error
				if e.mode&modeTypeMask == modeSymlink {
					var target string
					target, err = os.Readlink(p)
					content = []byte(target)
				} else {
					content, err = os.ReadFile(p) //nolint:gosec // tracked file in the work tree
				}
				if err != nil {
					if isNotExist(err) {
						c.found.Store(true)
						return
					}
					c.setErr(fmt.Errorf("read %s: %w", e.path, err))
					return
				}
				if hashObject(c.db.hashLen, "blob", content) != e.id {
					c.found.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// submoduleDirty reports whether a gitlink shows as modified: its HEAD
// moved, or (unless ignored by configuration) its work tree is dirty.
func (c *statusChecker) submoduleDirty(e *indexEntry) (bool, error) {
	dir := filepath.Join(c.repo.root, filepath.FromSlash(e.path))
	fi, err := os.Lstat(dir)
	if err != nil {
		if isNotExist(err) {
			return true, nil
		}
		return false, err
	}
	if !fi.IsDir() {
		return true, nil
	}
	ignore := c.submoduleIgnore(e.path)
	if ignore == "all" {
		return false, nil
	}
	dotgit := filepath.Join(dir, ".git")
	var gitDir string
	if st, err := os.Stat(dotgit); err != nil {
		return false, nil // not populated: git treats it as unchanged
	} else if st.IsDir() {
		gitDir = dotgit
	} else if gitDir, err = readGitFile(dir, dotgit); err != nil {
		return false, nil
	}
	if !isGitDir(gitDir) {
		return false, nil
	}
	sub := newRepository(dir, gitDir, false)
	sub.root = dir
	hashLen := hashLenOf(sub)
	refs := &refStore{gitDir: sub.gitDir, commonDir: sub.commonDir, hashLen: hashLen}
	_, head, ok, err := refs.resolve("HEAD")
	if err != nil {
		return false, err
	}
	if !ok || head != e.id {
		return true, nil
	}
	if ignore == "dirty" {
		return false, nil
	}
	mode := DirtyAll
	if ignore == "untracked" || c.mode == DirtyTracked {
		mode = DirtyTracked
	}
	db := newODB(filepath.Join(sub.commonDir, "objects"), hashLen)
	defer db.close()
	tree, err := commitTree(db, head)
	if err != nil {
		return false, err
	}
	dirty, err := checkDirty(c.ctx, sub, db, tree, mode)
	if err != nil && errors.Is(err, errUnsupported) {
		return dirtyViaGit(c.ctx, dir, mode)
	}
	return dirty, err
}

// submoduleIgnore returns the effective "ignore" setting for a submodule
// path: diff.ignoreSubmodules, then .gitmodules, then repository config.
func (c *statusChecker) submoduleIgnore(path string) string {
	ignore, _ := c.repo.cfg.get("diff.ignoreSubmodules")
	b, err := os.ReadFile(filepath.Join(c.repo.root, ".gitmodules")) //nolint:gosec // work tree metadata
	if err != nil {
		return strings.ToLower(ignore)
	}
	gm := newGitConfig()
	gm.parse(string(b), nil)
	for _, name := range gm.subsections("submodule", "path") {
		if p, _ := gm.get("submodule." + name + ".path"); p != path {
			continue
		}
		if v, ok := gm.get("submodule." + name + ".ignore"); ok {
			ignore = v
		}
		if v, ok := c.repo.cfg.get("submodule." + name + ".ignore"); ok {
			ignore = v
		}
	}
	return strings.ToLower(ignore)
}

// commitTree returns the tree of a commit.
func commitTree(db *odb, id oid) (oid, error) {
	typ, data, err := db.read(id)
	if err != nil {
		return "", err
	}
	if typ != objCommit {
		return "", fmt.Errorf("object %s is not a commit", id)
	}
	cm, err := parseCommit(data, db.hashLen)
	if err != nil {
		return "", err
	}
	return cm.tree, nil
}

// checkUntracked looks for a file that is neither tracked nor ignored.
func (c *statusChecker) checkUntracked() {
	tracked := make(map[string]struct{}, len(c.idx.entries))
	dirs := make(map[string]struct{}, len(c.idx.entries)/8+1)
	lastDir := ""
	for i := range c.idx.entries {
		p := c.idx.entries[i].path
		tracked[p] = struct{}{}
		if j := strings.LastIndexByte(p, '/'); j >= 0 && p[:j] != lastDir {
			lastDir = p[:j]
			for d := lastDir; d != ""; {
				if _, ok := dirs[d]; ok {
					break
				}
				dirs[d] = struct{}{}
				k := strings.LastIndexByte(d, '/')
				if k < 0 {
					break
				}
				d = d[:k]
			}
		}
	}
	w := &untrackedWalker{c: c, tracked: tracked, dirs: dirs, sem: make(chan struct{}, workers())}
	w.walk("", baseExcludes(c.repo), false, true)
	w.wg.Wait()
}

type untrackedWalker struct {
	c       *statusChecker
	tracked map[string]struct{}
	dirs    map[string]struct{}
	sem     chan struct{}
	wg      sync.WaitGroup
}

// walk scans directory rel ("" or ending in '/'). excluded means an
// ancestor directory is ignored (only tracked directories are entered then);
// isTracked means the directory contains tracked entries.
func (w *untrackedWalker) walk(rel string, ign *ignoreStack, excluded, isTracked bool) {
	c := w.c
	if c.done() {
		return
	}
	type sub struct {
		rel     string
		tracked bool
	}
	var subs []sub
	var hasIgnore bool
	var untracked []string // names needing an ignore check
	var untrackedDirs []string
	buf := make([]byte, 16*1024)
	key := make([]byte, 0, len(rel)+64)
	key = append(key, rel...)
	dirPath := filepath.Join(c.repo.root, filepath.FromSlash(rel))
	err := readDirKinds(dirPath, buf, func(name []byte, kind int) bool {
		if string(name) == ".git" || kind == kindOther {
			return true
		}
		if string(name) == ".gitignore" && kind == kindFile {
			hasIgnore = true
		}
		key = append(key[:len(rel)], name...)
		if isTracked {
			if _, ok := w.tracked[string(key)]; ok {
				return true
			}
			if kind == kindDir {
				if _, ok := w.dirs[string(key)]; ok {
					subs = append(subs, sub{rel: string(key) + "/", tracked: true})
					return true
				}
			}
		}
		if excluded {
			return true
		}
		if kind == kindDir {
			untrackedDirs = append(untrackedDirs, string(name))
		} else {
			untracked = append(untracked, string(name))
		}
		return true
	})
	if err != nil {
		return // unreadable directories are skipped, as git warns and skips them
	}
	if hasIgnore && !excluded {
		b, err := os.ReadFile(filepath.Join(dirPath, ".gitignore")) //nolint:gosec // work tree .gitignore
		if err == nil {
			ign = ign.push(parseIgnore(rel, string(b)))
		}
	}
	for _, name := range untracked {
		if !ign.excluded(rel+name, false) {
			c.found.Store(true)
			return
		}
	}
	for _, name := range untrackedDirs {
		p := rel + name
		if ign.excluded(p, true) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dirPath, name, ".git")); err == nil {
			c.found.Store(true) // a nested repository shows as untracked
			return
		}
		subs = append(subs, sub{rel: p + "/"})
	}
	for _, s := range subs {
		if c.done() {
			return
		}
		ex := excluded
		if s.tracked && !ex {
			ex = ign.excluded(strings.TrimSuffix(s.rel, "/"), true)
		}
		w.spawn(s.rel, ign, ex, s.tracked)
	}
}

func (w *untrackedWalker) spawn(rel string, ign *ignoreStack, excluded, isTracked bool) {
	select {
	case w.sem <- struct{}{}:
		w.wg.Add(1)
		go func() {
			defer func() { <-w.sem; w.wg.Done() }()
			w.walk(rel, ign, excluded, isTracked)
		}()
	default:
		w.walk(rel, ign, excluded, isTracked)
	}
}
