package gitinfo

import (
	"crypto/sha1" //nolint:gosec // git object names, not security
	"crypto/sha256"
	"hash"
	"strconv"
	"strings"
)

func newHasher(hashLen int) hash.Hash {
	if hashLen == sha256.Size {
		return sha256.New()
	}
	return sha1.New() //nolint:gosec // git object names, not security
}

// hashObject returns the object name of content with the given type.
func hashObject(hashLen int, typ string, content []byte) oid {
	h := newHasher(hashLen)
	h.Write([]byte(typ + " " + strconv.Itoa(len(content)) + "\x00")) // hash writes never fail
	h.Write(content)
	return oid(h.Sum(nil))
}

// indexTree computes the tree object name the index would be written as,
// reusing valid cache-tree nodes (the TREE extension) and hashing only
// invalidated directories. Entries marked intent-to-add are left out, as
// git does. Conflicted entries must be handled by the caller.
func indexTree(entries []indexEntry, ct *cacheTree, hashLen int) oid {
	id, _ := buildTree(entries, 0, "", ct, hashLen)
	return id
}

func childTree(ct *cacheTree, name string) *cacheTree {
	if ct == nil {
		return nil
	}
	for _, c := range ct.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// buildTree hashes the tree for entries[i:] under prefix and returns its
// name and the index of the first entry outside prefix.
func buildTree(entries []indexEntry, i int, prefix string, ct *cacheTree, hashLen int) (oid, int) {
	if ct != nil && ct.entries >= 0 && ct.id != "" {
		for i < len(entries) && strings.HasPrefix(entries[i].path, prefix) {
			i++
		}
		return ct.id, i
	}
	var buf []byte
	for i < len(entries) && strings.HasPrefix(entries[i].path, prefix) {
		e := &entries[i]
		rest := e.path[len(prefix):]
		if slash := strings.IndexByte(rest, '/'); slash >= 0 && e.mode&modeTypeMask != modeDir {
			name := rest[:slash]
			var sub oid
			sub, i = buildTree(entries, i, prefix+name+"/", childTree(ct, name), hashLen)
			if sub == "" {
				continue // every entry below was intent-to-add
			}
			buf = append(buf, "40000 "...)
			buf = append(buf, name...)
			buf = append(buf, 0)
			buf = append(buf, sub...)
			continue
		}
		i++
		if e.intentToAdd() {
			continue
		}
		name := rest
		mode := e.mode
		if mode&modeTypeMask == modeDir {
			name = strings.TrimSuffix(rest, "/") // sparse directory entry
			mode = modeDir
		}
		buf = strconv.AppendUint(buf, uint64(mode), 8)
		buf = append(buf, ' ')
		buf = append(buf, name...)
		buf = append(buf, 0)
		buf = append(buf, e.id...)
	}
	if len(buf) == 0 && prefix != "" {
		return "", i
	}
	return hashObject(hashLen, "tree", buf), i
}
