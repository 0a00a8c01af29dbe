package postprocessor

import (
	"log"
	"sort"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
)

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

// sourceKeys are the generated data keys that name the image a build
// started from, in the builders of HCP Packer-ready plugins, ids before
// names: SourceImageID (Yandex, and others), SourceAMI (Amazon),
// SourceImage, SourceImageName (Google Compute, Azure), SourceImageDigest
// (Docker).
var sourceKeys = []string{"SourceImageID", "SourceAMI", "SourceImage", "SourceImageName", "SourceImageDigest"}

// sourceFromGenerated returns the source image the generated data names, and
// the key that names it. Docker's placeholders for values it could not read
// (ERR_SOURCE_IMAGE_DIGEST_NOT_FOUND) name nothing.
func sourceFromGenerated(generated map[string]interface{}) (id, key string) {
	for _, k := range sourceKeys {
		s, ok := generated[k].(string)
		placeholder := strings.HasPrefix(s, "ERR_") && strings.HasSuffix(s, "_NOT_FOUND")
		if ok && s != "" && !placeholder {
			return s, k
		}
	}
	return "", ""
}

// fillSourceImageIDs gives each image that has no SourceImageID, the link
// HCP Packer draws from an image to its parent, the source the generated
// data names, unless fill_source_image_id is false. An id the builder set
// is never replaced.
func (c *Config) fillSourceImageIDs(images []*image.Image, generated map[string]interface{}) {
	if c.FillSourceImageID.False() {
		return
	}
	id, key := sourceFromGenerated(generated)
	if id == "" {
		return
	}
	for _, img := range images {
		if img.SourceImageID == "" {
			img.SourceImageID = id
			log.Printf("[INFO] enrich: image %s has no SourceImageID; set to %q, the generated data's %s (fill_source_image_id = false turns this off)", img, id, key)
		}
	}
}
