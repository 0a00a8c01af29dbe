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
	return doc, fi, nil
}
