package gitinfo

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// abbrev abbreviates id as git does by default: at least core.abbrev hex
// digits, else ceil(bits/2) for the number of packed objects (at least 7),
// then long enough that no other object in the packs or loose objects
// shares the prefix. Alternates are not searched: a repository with them
// leaves the short commit unknown.
func abbrev(repo *git.Repository, gitDir string, id plumbing.Hash) (string, error) {
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil { //nolint:gosec // repository metadata
		common = strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
	}
	objects := filepath.Join(common, "objects")
	if _, err := os.Stat(filepath.Join(objects, "info", "alternates")); err == nil {
		return "", fmt.Errorf("the repository borrows objects from alternates, which go-git's abbreviation does not search")
	}
	minLen := -1
	if cfg, err := repo.Config(); err == nil {
		switch v := strings.ToLower(cfg.Raw.Section("core").Option("abbrev")); v {
		case "", "auto":
		case "no", "false", "off":
			minLen = 2 * len(id)
		default:
			n, err := strconv.Atoi(v)
			if err != nil {
				return "", fmt.Errorf("core.abbrev = %q", v)
			}
			minLen = min(max(n, 4), 2*len(id))
		}
	}
	count, longest := 0, 0
	share := func(other []byte) {
		if !bytes.Equal(other, id[:]) {
			longest = max(longest, commonHexPrefix(other, id[:]))
		}
	}
	idxs, _ := filepath.Glob(filepath.Join(objects, "pack", "*.idx"))
	for _, p := range idxs {
		n, err := packNeighbours(p, id, share)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", filepath.Base(p), err)
		}
		count += n
	}
	first := hex.EncodeToString(id[:1])
	loose, _ := os.ReadDir(filepath.Join(objects, first))
	for _, e := range loose {
		if b, err := hex.DecodeString(first + e.Name()); err == nil && len(b) == len(id) {
			share(b)
		}
	}
	if minLen < 0 {
		minLen = max(7, (bits.Len(uint(count))+1)/2)
	}
	n := min(max(minLen, longest+1), 2*len(id))
	return id.String()[:n], nil
}

// packNeighbours hands every object in the pack index at p whose first byte
// is id's to share, and returns the number of objects in the pack.
func packNeighbours(p string, id plumbing.Hash, share func([]byte)) (int, error) {
	f, err := os.Open(p) //nolint:gosec // a pack index of the repository
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return 0, err
	}
	count, err := idx.Count()
	if err != nil {
		return 0, err
	}
	if pos := idx.FanoutMapping[id[0]]; pos >= 0 {
		names := idx.Names[pos]
		for i := 0; i+len(id) <= len(names); i += len(id) {
			share(names[i : i+len(id)])
		}
	}
	return int(count), nil
}

// commonHexPrefix returns how many leading hex digits a and b share.
func commonHexPrefix(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			if a[i]>>4 == b[i]>>4 {
				return 2*i + 1
			}
			return 2 * i
		}
	}
	return 2 * min(len(a), len(b))
}
