package postprocessor

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// valueFrom builds a nested value of the kinds msgpack produces (maps with
// interface{} keys, []interface{}, strings, byte strings, numbers, booleans
// and nil) from fuzz input, so that decodeImages meets every shape a broken
// or hostile builder could send.
func valueFrom(data []byte, depth int) (interface{}, []byte) {
	if len(data) == 0 {
		return nil, data
	}
	tag, data := data[0], data[1:]
	take := func() string {
		n := 0
		if len(data) > 0 {
			n, data = int(data[0]%12), data[1:]
		}
		if n > len(data) {
			n = len(data)
		}
		s := string(data[:n])
		data = data[n:]
		return s
	}
	fields := []string{"ImageID", "ProviderName", "ProviderRegion", "Labels", "SourceImageID"}
	switch tag % 9 {
	case 0:
		return nil, data
	case 1:
		return take(), data
	case 2:
		return []byte(take()), data
	case 3:
		return int64(tag), data
	case 4:
		return tag%2 == 0, data
	case 5, 6:
		if depth > 4 {
			return take(), data
		}
		m := map[interface{}]interface{}{}
		for i := 0; i < int(tag%5) && len(data) > 0; i++ {
			key := take()
			if len(data) > 0 && data[0]%2 == 0 {
				key = fields[int(data[0])%len(fields)]
			}
			var v interface{}
			v, data = valueFrom(data, depth+1)
			m[key] = v
		}
		return m, data
	case 7:
		if depth > 4 {
			return take(), data
		}
		var list []interface{}
		for i := 0; i < int(tag%4) && len(data) > 0; i++ {
			var v interface{}
			v, data = valueFrom(data, depth+1)
			list = append(list, v)
		}
		return list, data
	default:
		return float64(tag) / 3, data
	}
}

func FuzzDecodeImages(f *testing.F) {
	f.Add([]byte{5, 0, 1, 3, 'a', 'm', 'i'})
	f.Add([]byte{7, 5, 2, 'x', 1, 2, 'i', 'd', 6, 0, 1, 1, 'r'})
	f.Add([]byte{6, 4, 'L', 5, 1, 'k', 1, 1, 'v'})
	f.Fuzz(func(t *testing.T, data []byte) {
		state, _ := valueFrom(data, 0)
		images, err := decodeImages(state)
		if err != nil {
			return
		}
		for i := range images {
			img := &images[i]
			conflicts := mergeLabels(img, map[string]string{"git_commit": "c"}, conflictOverride)
			if img.Labels["git_commit"] != "c" {
				t.Fatalf("override left git_commit = %q (conflicts %v)", img.Labels["git_commit"], conflicts)
			}
			_ = img.Validate()
		}
	})
}

func FuzzBuildLabels(f *testing.F) {
	f.Add("", 0, "team", "web", "SourceAMI", "ami-1")
	f.Add("acme.", 1, "Team Name", "Web/API", "SourceAMIName", "ubuntu 24.04")
	f.Add("x_", 2, "owner", "ÄÖÜ 2026-11-21T10:00:00Z", "ImageID", strings.Repeat("v", 100))
	f.Fuzz(func(t *testing.T, prefix string, style int, key, value, genKey, genValue string) {
		styles := []string{styleSnake, styleOCI, styleGCE}
		st := styles[(style%3+3)%3]
		p := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: env(nil)}
		err := p.Configure(map[string]interface{}{
			"label_prefix":          prefix,
			"label_style":           st,
			"labels":                map[string]string{key: value},
			"generated_data_labels": []string{genKey},
		}, packerVars())
		if err != nil {
			return // refused at validate time, with an error
		}
		c := &p.config
		labels := c.buildLabels(facts{
			Git:        &gitinfo.Facts{Commit: "0123456789abcdef0123456789abcdef01234567", ShortCommit: "0123456", Branch: "main", CommitTime: fixedTime},
			BuildTime:  fixedTime,
			BuildName:  "web",
			Builder:    "null",
			Generated:  map[string]interface{}{genKey: genValue, "Password": "hunter2"},
			UserLabels: map[string]string{key: value},
		})
		for k, v := range labels {
			if k == "" {
				t.Fatalf("empty label name in %v", labels)
			}
			if strings.Contains(v, "hunter2") && !strings.Contains(value+genValue, "hunter2") {
				t.Fatalf("label %s carries the generated data's password", k)
			}
			if st == styleGCE && (!gceName(k) || gceValue(v) != v) {
				t.Fatalf("gce style produced %q = %q", k, v)
			}
		}
		if _, ok := labels[key]; !ok {
			t.Fatalf("user label %q missing from %v", key, labels)
		}
		commitKey := c.labelKey("git_commit")
		if st != styleGCE && labels[commitKey] != "0123456789abcdef0123456789abcdef01234567" {
			t.Fatalf("git commit under %q = %q", commitKey, labels[commitKey])
		}
		img := image.Image{ImageID: "i", ProviderName: "p"}
		mergeLabels(&img, labels, c.OnConflict)
		if len(img.Labels) != len(labels) {
			t.Fatalf("merging into an empty image gave %d labels, want %d", len(img.Labels), len(labels))
		}
	})
}
