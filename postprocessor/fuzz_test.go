package postprocessor

import (
	"github.com/packer-enrich/packer-plugin-enrich/options"

	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
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
			conflicts := mergeLabels(img, map[string]string{"git_commit": "c"}, nil, conflictOverride)
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
		p := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(nil)}
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
		got, _ := c.buildLabels(facts{
			Git:        &gitinfo.Facts{Commit: "0123456789abcdef0123456789abcdef01234567", ShortCommit: "0123456", Branch: "main", CommitTime: fixedTime},
			BuildTime:  fixedTime,
			BuildName:  "web",
			Builder:    "null",
			Generated:  map[string]interface{}{genKey: genValue, "Password": "hunter2"},
			UserLabels: map[string]string{key: value},
		})
		for k, v := range got {
			if k == "" {
				t.Fatalf("empty label name in %v", got)
			}
			if strings.Contains(v, "hunter2") && !strings.Contains(value+genValue, "hunter2") {
				t.Fatalf("label %s carries the generated data's password", k)
			}
			if st == styleGCE && (!labels.GCEName(k) || labels.GCEValue(v) != v) {
				t.Fatalf("gce style produced %q = %q", k, v)
			}
		}
		if _, ok := got[key]; !ok {
			t.Fatalf("user label %q missing from %v", key, got)
		}
		commitKey := c.labelKey("git_commit")
		if st != styleGCE && got[commitKey] != "0123456789abcdef0123456789abcdef01234567" {
			t.Fatalf("git commit under %q = %q", commitKey, got[commitKey])
		}
		img := image.Image{ImageID: "i", ProviderName: "p"}
		mergeLabels(&img, got, nil, c.OnConflict)
		if len(img.Labels) != len(got) {
			t.Fatalf("merging into an empty image gave %d labels, want %d", len(img.Labels), len(got))
		}
	})
}

// FuzzLabelNames: Configure accepts a label name only when it has no
// control, format, line or paragraph separator character and is valid
// UTF-8, and refuses every name that has one, with an error naming labels.
func FuzzLabelNames(f *testing.F) {
	for _, s := range []string{"team", "a\x00b", "a\u2028b", "a\u2029b", "a\u0085b", "team\u200b", "\ufeffx", "te\xffam", "ÄÖÜ", "a.b/c-d_e", "x\u202ey", "\U000E0001tag"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		var p PostProcessor
		err := p.Configure(map[string]interface{}{"labels": map[string]string{name: "v"}}, packerVars())
		_, bad := labels.BadNameRune(name)
		if !utf8.ValidString(name) {
			bad = true
		}
		for _, r := range name {
			if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
				bad = true
			}
		}
		switch {
		case bad && err == nil:
			t.Fatalf("Configure accepted the label name %q", name)
		case err != nil && !strings.Contains(err.Error(), "labels"):
			t.Fatalf("the error for %q does not name labels: %v", name, err)
		}
	})
}

// FuzzSecretCheck: a label whose value holds a secret of the generated data
// in any letter case, or base64 (standard or URL alphabet, with or without
// padding) or hex encoded (of the secret as it is, in lower or in upper
// case), never reaches the labels, whatever surrounds it.
func FuzzSecretCheck(f *testing.F) {
	f.Add("hunter2-xyz", "pre ", " post", 0, uint64(0))
	f.Add("S3cr3t!", "", "", 1, uint64(0b1010101))
	f.Add("pässwörd", "x", "", 2, uint64(0))
	f.Add("abcd", "ab", "c", 5, uint64(3))
	f.Fuzz(func(t *testing.T, secretValue, prefix, suffix string, enc int, caseMask uint64) {
		if len(secretValue) < minSecretLen || !utf8.ValidString(secretValue+prefix+suffix) {
			return
		}
		variant := []string{secretValue, strings.ToLower(secretValue), strings.ToUpper(secretValue)}[int(caseMask%3)]
		var carried string
		switch (enc%8 + 8) % 8 {
		case 0: // the value with any letters' case changed
			var b strings.Builder
			i := 0
			for _, r := range secretValue {
				if caseMask&(1<<(i%64)) != 0 {
					r = unicode.SimpleFold(r)
				}
				b.WriteRune(r)
				i++
			}
			carried = b.String()
		case 1:
			carried = base64.StdEncoding.EncodeToString([]byte(variant))
		case 2:
			carried = base64.URLEncoding.EncodeToString([]byte(variant))
		case 3:
			carried = base64.RawStdEncoding.EncodeToString([]byte(variant))
		case 4:
			carried = base64.RawURLEncoding.EncodeToString([]byte(variant))
		case 5:
			carried = hex.EncodeToString([]byte(variant))
		case 6:
			carried = strings.ToUpper(hex.EncodeToString([]byte(variant)))
		case 7: // inside a longer base64 string, at any alignment
			carried = base64.StdEncoding.EncodeToString([]byte(prefix + variant + suffix))
		}
		label := prefix + carried + suffix
		c := &Config{Shared: options.Shared{LabelStyle: styleSnake}, OnConflict: conflictOverride}
		generated := map[string]interface{}{"DbPass": secretValue}
		labels, dropped := c.buildLabels(facts{
			Generated:  generated,
			UserLabels: map[string]string{"leak": label, "team": "web"},
			Secrets:    knownSecrets(nil, nil, generated, noEnv),
		})
		if _, ok := labels["leak"]; ok {
			t.Fatalf("the label %q carries the secret %q (encoding %d) and was kept", label, secretValue, enc)
		}
		want := `the label "leak" was left out: its value carries the generated data's "DbPass", and labels are never given secrets`
		if len(dropped) != 1 || dropped[0] != want {
			t.Fatalf("messages %q: want only %q", dropped, want)
		}
	})
}
