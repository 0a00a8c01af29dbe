package gitinfo

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPhases(t *testing.T) {
	dir := os.Getenv("GITINFO_PHASES")
	if dir == "" {
		t.Skip()
	}
	repo, _ := discover(dir)
	db := newODB(filepath.Join(repo.commonDir, "objects"), 20)
	for k := 0; k < 3; k++ {
		t0 := time.Now()
		idx, _ := readIndexFile(filepath.Join(repo.gitDir, "index"), 20)
		t1 := time.Now()
		_ = indexTree(idx.entries, idx.tree, 20)
		t2 := time.Now()
		c := &statusChecker{ctx: context.Background(), repo: repo, db: db, idx: idx, mode: DirtyAll, fileMode: true, trustCtime: true}
		c.checkWorktree()
		t3 := time.Now()
		c.checkUntracked()
		t4 := time.Now()
		t.Logf("index %v tree %v stat %v untracked %v found=%v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), c.found.Load())
	}
}

func TestPhasesHead(t *testing.T) {
	dir := os.Getenv("GITINFO_PHASES")
	if dir == "" {
		t.Skip()
	}
	for k := 0; k < 3; k++ {
		t0 := time.Now()
		repo, _ := discover(dir)
		t1 := time.Now()
		db := newODB(filepath.Join(repo.commonDir, "objects"), 20)
		f := &Facts{}
		collectHead(repo, db, 20, f)
		t2 := time.Now()
		_, _ = db.loadPacks()
		t3 := time.Now()
		t.Logf("discover %v head %v (packs %d) %v", t1.Sub(t0), t2.Sub(t1), len(db.packs), t3.Sub(t2))
	}
}
