package postprocessor

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"github.com/mitchellh/mapstructure"
)

// decodeImages reads the HCP Packer images an artifact publishes under
// image.ArtifactStateURI. The state crosses the plugin RPC boundary as
// msgpack, so it arrives as maps and slices keyed by the Image field names
// rather than as *image.Image; it is decoded the way Packer core decodes it
// (mapstructure with weakly typed input), which also accepts an Image, a
// pointer to one, slices of either, a single map and a slice of maps. A nil
// state gives no images and no error.
func decodeImages(state interface{}) ([]image.Image, error) {
	if isNil(state) {
		return nil, nil
	}
	var images []image.Image
	decoder, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Result:           &images,
		WeaklyTypedInput: true,
	})
	if err != nil {
		return nil, fmt.Errorf("creating the image decoder: %w", err)
	}
	if err := decoder.Decode(state); err != nil {
		return nil, fmt.Errorf("decoding the artifact's HCP Packer images: %w", err)
	}
	return images, nil
}

func isNil(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return r.IsNil()
	default:
		return false
	}
}

// stringKeyed returns the generated data as a map keyed by string. Over RPC
// it arrives as map[interface{}]interface{} with string or []byte keys and
// values; byte strings are turned into strings.
func stringKeyed(v interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	if isNil(v) {
		return out
	}
	r := reflect.ValueOf(v)
	if r.Kind() != reflect.Map {
		return out
	}
	iter := r.MapRange()
	for iter.Next() {
		key, ok := stringValue(iter.Key().Interface())
		if !ok {
			continue
		}
		val := iter.Value().Interface()
		if b, ok := val.([]byte); ok {
			val = string(b)
		}
		out[key] = val
	}
	return out
}

// mergeLabels adds labels to img according to the on_conflict policy and
// returns the names, sorted, of labels that the image already had with
// another value.
// With the "keep" policy the image's values stay; with "override" (and
// "error", which the caller turns into a failure) the added values win.
// A label an earlier enrich of the chain added (prior, the labels it
// served) is never a conflict: this enrich's value replaces it.
func mergeLabels(img *image.Image, labels, prior map[string]string, policy string) []string {
	merged := make(map[string]string, len(img.Labels)+len(labels))
	for k, v := range img.Labels {
		merged[k] = v
	}
	var conflicts []string
	for k, v := range labels {
		old, had := merged[k]
		if p, ok := prior[k]; ok && p == old {
			had = false
		}
		if had && old != v {
			conflicts = append(conflicts, k)
			if policy == conflictKeep {
				continue
			}
		}
		merged[k] = v
	}
	img.Labels = merged
	sort.Strings(conflicts)
	return conflicts
}
