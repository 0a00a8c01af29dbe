package outputfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// outputDoc is an output file as read: its top-level keys, kept as they
// are, and its builds.
type outputDoc struct {
	top    map[string]json.RawMessage
	Builds map[string]json.RawMessage
}

// readOutputFile reads the output file f (named path), an empty document
// when it is empty, and what the file's Stat says (nil if it cannot say),
// whose mode and owner its replacement keeps. Anything but a JSON object
// with a "builds" object is refused, as is a file larger than MaxSize.
func readOutputFile(f *os.File, path string) (outputDoc, fs.FileInfo, error) {
	doc := outputDoc{top: map[string]json.RawMessage{}, Builds: map[string]json.RawMessage{}}
	fi, _ := f.Stat()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return doc, fi, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return doc, fi, fmt.Errorf("%s is larger than %d MiB, more than an enrich output file holds; it was left as it is: remove it or choose another output path", path, MaxSize>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return doc, fi, nil
	}
	refuse := func(reason error) error {
		return fmt.Errorf("%s exists but is not an enrich output file (%w); it was left as it is: remove it or choose another output path", path, reason)
	}
	if err := json.Unmarshal(data, &doc.top); err != nil {
		return doc, fi, refuse(err)
	}
	if doc.top == nil {
		return doc, fi, refuse(errors.New("it is null"))
	}
	if doc.top["builds"] == nil {
		return doc, fi, refuse(errors.New(`it has no "builds"`))
	}
	if err := json.Unmarshal(doc.top["builds"], &doc.Builds); err != nil {
		return doc, fi, refuse(err)
	}
	if doc.Builds == nil {
		return doc, fi, refuse(errors.New(`"builds" is null`))
	}
	if err := duplicateKey(data); err != nil {
		return doc, fi, refuse(err)
	}
	return doc, fi, nil
}

// duplicateKey reports a key that the top-level object of data, or its
// "builds" object, has twice: JSON decoders keep one of the two values, so
// rewriting such a file would lose the other. data is a valid JSON object.
func duplicateKey(data []byte) error {
	seen := map[string]bool{}
	return eachKey(data, func(key string, value json.RawMessage) error {
		if seen[key] {
			return fmt.Errorf("it has the key %q twice, and rewriting it would lose one of them", key)
		}
		seen[key] = true
		if key != "builds" {
			return nil
		}
		builds := map[string]bool{}
		return eachKey(value, func(key string, _ json.RawMessage) error {
			if builds[key] {
				return fmt.Errorf(`its "builds" has the key %q twice, and rewriting it would lose one of them`, key)
			}
			builds[key] = true
			return nil
		})
	})
}

// eachKey calls f with each key of the JSON object data and its value, in
// the order they are written, until f returns an error. A value that is not
// an object has no keys.
func eachKey(data []byte, f func(key string, value json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return err
		}
		if err := f(key, value); err != nil {
			return err
		}
	}
	return nil
}
