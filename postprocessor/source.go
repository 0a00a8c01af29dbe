package postprocessor

import (
	"fmt"
	"reflect"
	"strconv"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"github.com/mitchellh/mapstructure"
)

// source is what enrich reads of the builder's artifact, read once, here:
// once PostProcess returns, a plugin can no longer ask the artifact
// anything. Over the plugin RPC boundary the state arrives as msgpack, so
// maps come keyed by interface{} with strings as []byte; everything is
// turned into the values PostProcess uses.
type source struct {
	builderID, id, str string
	files              []string
	// carried are the state keys enrich's artifact answers as the
	// source did (carriedStateKeys and carry_state_keys).
	carried map[string]interface{}
	// generated is the builder's generated data.
	generated map[string]interface{}
	// prior are the labels an earlier enrich of the chain added.
	prior map[string]string
	// images is the HCP Packer image state, as it arrived (decodeImages
	// reads it).
	images interface{}
}

// readSource reads the artifact a, with the state keys carried.
func readSource(a packersdk.Artifact, carried []string) source {
	s := source{
		builderID: a.BuilderId(),
		id:        a.Id(),
		files:     a.Files(),
		str:       a.String(),
		carried:   map[string]interface{}{},
		generated: stringKeyed(a.State(generatedDataKey)),
		prior:     stringMap(a.State(enrichLabelsKey)),
		images:    a.State(image.ArtifactStateURI),
	}
	for _, key := range carried {
		if v := a.State(key); v != nil {
			s.carried[key] = v
		}
	}
	return s
}

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

// stringMap returns v as a map of strings, as an enrich artifact's labels
// arrive (directly or decoded from msgpack); nil for anything else.
func stringMap(v interface{}) map[string]string {
	m := stringKeyed(v)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		if s, ok := stringValue(val); ok {
			out[k] = s
		}
	}
	return out
}

// stringValue returns v as a label value when it is a string or a number
// or boolean; maps, lists and other values are not labels.
func stringValue(v interface{}) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case []byte:
		return string(t), true
	case float32:
		return strconv.FormatFloat(float64(t), 'f', -1, 32), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(t), true
	default:
		return "", false
	}
}
