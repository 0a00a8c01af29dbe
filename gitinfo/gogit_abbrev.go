package gitinfo

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"path"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// abbrev abbreviates id as git does by default: ceil(bits/2) hex digits for
// the number of packed objects (at least 7), then as many more as it takes
// for no other packed or loose object to share the prefix. gitDir is the
// go-git file system of the git dir; core.abbrev and alternates leave the
// answer to git.
func abbrev(gitDir billy.Filesystem, coreAbbrev string, id plumbing.Hash) (string, error) {
	if coreAbbrev != "" {
		return "", errors.New("core.abbrev is set; " + noGit)
	}
	if _, err := gitDir.Stat("objects/info/alternates"); err == nil {
		return "", errors.New("the repository borrows objects from alternates; " + noGit)
	}
	count, longest := uint32(0), 0
	share := func(other []byte) {
		if !bytes.Equal(other, id[:]) {
			longest = max(longest, commonHexPrefix(other, id[:]))
		}
	}
	packs, _ := gitDir.ReadDir("objects/pack")
	for _, p := range packs {
		if strings.HasSuffix(p.Name(), ".idx") {
			n, err := packNeighbours(gitDir, path.Join("objects/pack", p.Name()), id, share)
			if err != nil {
				return "", fmt.Errorf("reading %s: %w", p.Name(), err)
			}
			count += n
		}
	}
	first := hex.EncodeToString(id[:1])
	loose, _ := gitDir.ReadDir(path.Join("objects", first))
	for _, e := range loose {
		if b, err := hex.DecodeString(first + e.Name()); err == nil && len(b) == len(id) {
			share(b)
		}
	}
	n := min(max(7, (bits.Len32(count)+1)/2, longest+1), 2*len(id))
	return id.String()[:n], nil
}

// packNeighbours hands every object in the pack index at p whose first byte
// is id's to share, and returns the number of objects in the pack.
func packNeighbours(gitDir billy.Filesystem, p string, id plumbing.Hash, share func([]byte)) (uint32, error) {
	f, err := gitDir.Open(p)
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return 0, err
	}
	if pos := idx.FanoutMapping[id[0]]; pos >= 0 {
		for names := idx.Names[pos]; len(names) >= len(id); names = names[len(id):] {
			share(names[:len(id)])
		}
	}
	count, err := idx.Count()
	return uint32(count), err //nolint:gosec // a pack holds at most 2^32 objects
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
