// Commit and tag headers are parsed here rather than with go-git's
// object.Commit/object.Tag Decode because go-git v5's plumbing.Hash is 20
// bytes: Decode fails on SHA-256 repositories ("malformed commit: bad tree
// hash"; differential scenario "sha256 object format"). Identities are
// decoded with go-git's object.Signature.

package gitinfo

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// commit holds the parsed fields of a commit object this package needs.
type commit struct {
	tree       oid
	parents    []oid
	authorName string
	author     time.Time
	committer  time.Time
}

// tagObj holds the parsed fields of an annotated tag object.
type tagObj struct {
	object  oid
	typ     string
	name    string
	tagger  time.Time
	present bool // a tagger line was present
}

func headerLines(data []byte, fn func(key string, val []byte) error) error {
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			nl = len(data)
		}
		line := data[:nl]
		if nl < len(data) {
			data = data[nl+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			return nil // end of headers
		}
		if line[0] == ' ' {
			continue // continuation (gpgsig, mergetag)
		}
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		if err := fn(string(line[:sp]), line[sp+1:]); err != nil {
			return err
		}
	}
	return nil
}

func parseHex(b []byte, hashLen int) (oid, error) {
	id, ok := parseOID(string(b), hashLen)
	if !ok {
		return "", fmt.Errorf("invalid object name %q", truncate(string(b), 80))
	}
	return id, nil
}

func parseCommit(data []byte, hashLen int) (*commit, error) {
	c := &commit{}
	sawTree := false
	err := headerLines(data, func(key string, val []byte) error {
		var err error
		switch key {
		case "tree":
			sawTree = true
			c.tree, err = parseHex(val, hashLen)
		case "parent":
			var p oid
			if p, err = parseHex(val, hashLen); err == nil {
				c.parents = append(c.parents, p)
			}
		case "author":
			c.authorName, c.author = parseIdent(val)
		case "committer":
			_, c.committer = parseIdent(val)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("corrupt commit: %w", err)
	}
	if !sawTree {
		return nil, errors.New("corrupt commit: no tree")
	}
	return c, nil
}

func parseTag(data []byte, hashLen int) (*tagObj, error) {
	t := &tagObj{}
	err := headerLines(data, func(key string, val []byte) error {
		var err error
		switch key {
		case "object":
			t.object, err = parseHex(val, hashLen)
		case "type":
			t.typ = string(val)
		case "tag":
			t.name = string(val)
		case "tagger":
			_, t.tagger = parseIdent(val)
			t.present = true
		}
		return err
	})
	if err != nil || t.object == "" {
		return nil, fmt.Errorf("corrupt tag: %w", errors.Join(err, errors.New("no object")))
	}
	return t, nil
}

// parseIdent parses "Name <email> 1234567890 +0200" into the name and the
// time in UTC with go-git's signature decoder.
func parseIdent(b []byte) (string, time.Time) {
	var sig object.Signature
	sig.Decode(b)
	if sig.When.IsZero() {
		return sig.Name, time.Time{}
	}
	return sig.Name, sig.When.UTC()
}
