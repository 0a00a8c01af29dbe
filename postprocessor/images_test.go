package postprocessor

import (
	"reflect"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
)

// The shapes a builder's images arrive in. Across the plugin RPC boundary
// msgpack turns an *image.Image into a map keyed by field name, with
// interface{} keys, and a slice into []interface{}.
func TestDecodeImages(t *testing.T) {
	one := image.Image{ImageID: "ami-1", ProviderName: "aws", ProviderRegion: "us-east-1", SourceImageID: "ami-0", Labels: map[string]string{"os": "linux"}}
	two := image.Image{ImageID: "ami-2", ProviderName: "aws", ProviderRegion: "eu-west-1", Labels: map[string]string{}}
	rpcMap := func(img image.Image) map[interface{}]interface{} {
		labels := map[interface{}]interface{}{}
		for k, v := range img.Labels {
			labels[k] = v
		}
		return map[interface{}]interface{}{
			"ImageID": img.ImageID, "ProviderName": img.ProviderName, "ProviderRegion": img.ProviderRegion,
			"SourceImageID": img.SourceImageID, "Labels": labels,
		}
	}
	bytesMap := map[interface{}]interface{}{
		"ImageID": []byte("ami-1"), "ProviderName": []byte("aws"), "ProviderRegion": []byte("us-east-1"),
		"SourceImageID": []byte("ami-0"), "Labels": map[interface{}]interface{}{"os": []byte("linux")},
	}
	cases := []struct {
		name  string
		state interface{}
		want  []image.Image
	}{
		{"nil", nil, nil},
		{"nil pointer", (*image.Image)(nil), nil},
		{"nil slice", []*image.Image(nil), nil},
		{"image", one, []image.Image{one}},
		{"pointer", &one, []image.Image{one}},
		{"slice of images", []image.Image{one, two}, []image.Image{one, two}},
		{"slice of pointers", []*image.Image{&one, &two}, []image.Image{one, two}},
		{"msgpack map", rpcMap(one), []image.Image{one}},
		{"msgpack list of maps", []interface{}{rpcMap(one), rpcMap(two)}, []image.Image{one, two}},
		{"msgpack byte strings", bytesMap, []image.Image{one}},
		{"string-keyed map", map[string]interface{}{"ImageID": "ami-2", "ProviderName": "aws", "ProviderRegion": "eu-west-1", "Labels": map[string]string{}}, []image.Image{two}},
		{"extra fields are ignored", map[string]interface{}{"ImageID": "ami-2", "ProviderName": "aws", "ProviderRegion": "eu-west-1", "Labels": map[string]string{}, "Future": 1}, []image.Image{two}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeImages(tc.state)
			if err != nil {
				t.Fatalf("decodeImages: %v", err)
			}
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeImagesRejectsOtherShapes(t *testing.T) {
	for _, state := range []interface{}{"ami-1", 42, []interface{}{"x"}, map[string]interface{}{"Labels": "not a map"}} {
		if got, err := decodeImages(state); err == nil {
			t.Errorf("decodeImages(%#v) = %v, want an error", state, got)
		}
	}
}

func TestMergeLabels(t *testing.T) {
	cases := []struct {
		policy    string
		want      map[string]string
		conflicts []string
	}{
		{conflictOverride, map[string]string{"a": "new", "b": "same", "c": "added", "d": "kept"}, []string{"a"}},
		{conflictKeep, map[string]string{"a": "old", "b": "same", "c": "added", "d": "kept"}, []string{"a"}},
	}
	for _, tc := range cases {
		img := image.Image{Labels: map[string]string{"a": "old", "b": "same", "d": "kept"}}
		conflicts := mergeLabels(&img, map[string]string{"a": "new", "b": "same", "c": "added"}, nil, tc.policy)
		if !reflect.DeepEqual(img.Labels, tc.want) || !reflect.DeepEqual(conflicts, tc.conflicts) {
			t.Errorf("%s: labels %v conflicts %v, want %v %v", tc.policy, img.Labels, conflicts, tc.want, tc.conflicts)
		}
	}
}
