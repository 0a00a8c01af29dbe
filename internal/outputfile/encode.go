package outputfile

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
)

// encode returns the file doc is: compact JSON, with each top-level key and
// each entry of "builds" on a line of its own, in key order, so that the
// file is small (what enrich writes it always reads again, see MaxSize) and
// a change of one build is a change of one line.
//
//	{
//	  "builds": {
//	    "amazon-ebs.web": {"name":"web",...},
//	    "docker.app": {...}
//	  },
//	  "owner": "platform"
//	}
func (doc outputDoc) encode() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	top := maps.Clone(doc.top)
	top["builds"] = nil // written from doc.Builds
	keys := slices.Sorted(maps.Keys(top))
	for i, k := range keys {
		b.WriteString("  ")
		if err := writeKey(&b, k); err != nil {
			return nil, err
		}
		var err error
		if k == "builds" {
			err = writeBuilds(&b, doc.Builds)
		} else {
			err = json.Compact(&b, top[k])
		}
		if err != nil {
			return nil, err
		}
		if i < len(keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// writeBuilds writes the "builds" object, one entry a line.
func writeBuilds(b *bytes.Buffer, builds map[string]json.RawMessage) error {
	if len(builds) == 0 {
		b.WriteString("{}")
		return nil
	}
	b.WriteString("{\n")
	keys := slices.Sorted(maps.Keys(builds))
	for i, k := range keys {
		b.WriteString("    ")
		if err := writeKey(b, k); err != nil {
			return err
		}
		if err := json.Compact(b, builds[k]); err != nil {
			return err
		}
		if i < len(keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("  }")
	return nil
}

// writeKey writes the object key k and the colon after it.
func writeKey(b *bytes.Buffer, k string) error {
	name, err := json.Marshal(k)
	if err != nil {
		return err
	}
	b.Write(name)
	b.WriteString(": ")
	return nil
}
