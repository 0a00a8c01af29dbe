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
	if err := doc.parse(data); err != nil {
		return doc, fi, fmt.Errorf("%s exists but is not an enrich output file (%w); it was left as it is: remove it or choose another output path", path, err)
	}
	return doc, fi, nil
}

// parse reads data into doc: a JSON object with a "builds" object, neither
// with a key twice (JSON decoders keep one of two values, so rewriting such
// a file would lose the other). It says why data is not one.
func (doc *outputDoc) parse(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	err := eachKey(dec, "it", func(key string, value json.RawMessage) error {
		if _, ok := doc.top[key]; ok {
			return fmt.Errorf("it has the key %q twice, and rewriting it would lose one of them", key)
		}
		doc.top[key] = value
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("it has more than one JSON value")
	}
	builds, ok := doc.top["builds"]
	if !ok {
		return errors.New(`it has no "builds"`)
	}
	return eachKey(json.NewDecoder(bytes.NewReader(builds)), `"builds"`, func(key string, value json.RawMessage) error {
		if _, ok := doc.Builds[key]; ok {
			return fmt.Errorf(`its "builds" has the key %q twice, and rewriting it would lose one of them`, key)
		}
		doc.Builds[key] = value
		return nil
	})
}

// eachKey reads a JSON object from dec and calls f with each of its keys
// and values, in the order they are written, until f returns an error. what
// names the object in the error when it is not one.
func eachKey(dec *json.Decoder, what string, f func(key string, value json.RawMessage) error) error {
	t, err := dec.Token()
	switch {
	case err != nil:
		return err
	case t == nil:
		return fmt.Errorf("%s is null", what)
	case t != json.Delim('{'):
		return fmt.Errorf("%s is not a JSON object", what)
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
	_, err = dec.Token() // the closing brace
	return err
}
