package gitinfo

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// tagName is the best tag name for a commit, ranked like git describe: an
// annotated tag (prio 2) beats a lightweight one (prio 1); among annotated
// tags the newest tagger date wins; otherwise the first in ref order.
type tagName struct {
	name   string
	prio   int
	tagger int64
}

// describeMaxCandidates is git describe's default --candidates.
const describeMaxCandidates = 10

// history walks commits, treating commits listed in the shallow file as
// roots so that shallow clones describe like git does.
type history struct {
	db      *odb
	shallow map[oid]bool
	nodes   map[oid]*histNode
}

type histNode struct {
	id      oid
	date    int64
	parents []oid
	flags   uint32
}

const flagSeen = 1

func (h *history) node(id oid) (*histNode, error) {
	if n, ok := h.nodes[id]; ok {
		return n, nil
	}
	typ, data, err := h.db.read(id)
	if err != nil {
		return nil, err
	}
	if typ != objCommit {
		return nil, fmt.Errorf("object %s is not a commit", id)
	}
	c, err := parseCommit(data, h.db.hashLen)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", id, err)
	}
	n := &histNode{id: id, date: c.committer.Unix(), parents: c.parents}
	if h.shallow[id] {
		n.parents = nil
	}
	h.nodes[id] = n
	return n, nil
}

// insertByDate inserts n before the first entry older than it (git's
// commit_list_insert_by_date).
func insertByDate(list []*histNode, n *histNode) []*histNode {
	i := 0
	for i < len(list) && list[i].date >= n.date {
		i++
	}
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = n
	return list
}

type candidate struct {
	name       tagName
	depth      int
	flagWithin uint32
	foundOrder int
}

// describe reproduces `git describe --tags --always` for head given the
// best tag name of each tagged commit. abbrev abbreviates head.
func (h *history) describe(head oid, names map[oid]tagName, abbrev string) (string, error) {
	if n, ok := names[head]; ok {
		return n.name, nil
	}
	start, err := h.node(head)
	if err != nil {
		return "", err
	}
	start.flags = flagSeen
	list := []*histNode{start}
	var matches []*candidate
	annotated := 0
	seen := 0
	var gaveUpOn *histNode
	for len(list) > 0 {
		c := list[0]
		list = list[1:]
		seen++
		if n, ok := names[c.id]; ok {
			if len(matches) < describeMaxCandidates {
				t := &candidate{name: n, depth: seen - 1, flagWithin: 1 << (len(matches) + 1), foundOrder: len(matches) + 1}
				matches = append(matches, t)
				c.flags |= t.flagWithin
				if n.prio == 2 {
					annotated++
				}
			} else {
				gaveUpOn = c
				break
			}
		}
		for _, t := range matches {
			if c.flags&t.flagWithin == 0 {
				t.depth++
			}
		}
		if annotated > 0 && len(list) == 0 {
			break
		}
		if list, err = h.pushParents(list, c); err != nil {
			return "", err
		}
	}
	if len(matches) == 0 {
		return abbrev, nil
	}
	sort.SliceStable(matches, func(i, j int) bool {
		if matches[i].depth != matches[j].depth {
			return matches[i].depth < matches[j].depth
		}
		return matches[i].foundOrder < matches[j].foundOrder
	})
	best := matches[0]
	if gaveUpOn != nil {
		list = insertByDate(list, gaveUpOn)
	}
	if err := h.finishDepth(list, best); err != nil {
		return "", err
	}
	return best.name.name + "-" + strconv.Itoa(best.depth) + "-g" + abbrev, nil
}

func (h *history) pushParents(list []*histNode, c *histNode) ([]*histNode, error) {
	for _, pid := range c.parents {
		p, err := h.node(pid)
		if err != nil {
			if errors.Is(err, errObjectNotFound) {
				return nil, fmt.Errorf("history is incomplete (not a shallow boundary): %w", err)
			}
			return nil, err
		}
		if p.flags&flagSeen == 0 {
			list = insertByDate(list, p)
		}
		p.flags |= c.flags
	}
	return list, nil
}

// finishDepth counts the commits not reachable from the best candidate,
// like git's finish_depth_computation.
func (h *history) finishDepth(list []*histNode, best *candidate) error {
	for len(list) > 0 {
		c := list[0]
		list = list[1:]
		if c.flags&best.flagWithin != 0 {
			allWithin := true
			for _, o := range list {
				if o.flags&best.flagWithin == 0 {
					allWithin = false
					break
				}
			}
			if allWithin {
				return nil
			}
		} else {
			best.depth++
		}
		var err error
		if list, err = h.pushParents(list, c); err != nil {
			return err
		}
	}
	return nil
}
