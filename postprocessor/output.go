package postprocessor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/filelock"
)

// OutputFile is the JSON document the `output` option writes: the enriched
// metadata of every build that wrote to it, keyed by build name.
type OutputFile struct {
	// Builds holds one entry per build name. Entries are kept as raw JSON so
	// that a build only ever replaces its own entry, whatever wrote the
	// others.
	Builds map[string]json.RawMessage `json:"builds"`
}

// OutputBuild is one build's entry in the output file.
type OutputBuild struct {
	Name          string            `json:"name"`
	BuilderType   string            `json:"builder_type,omitempty"`
	BuilderID     string            `json:"builder_id,omitempty"`
	PackerRunUUID string            `json:"packer_run_uuid,omitempty"`
	ArtifactID    string            `json:"artifact_id,omitempty"`
	BuildTime     string            `json:"build_time,omitempty"`
	Labels        map[string]string `json:"labels"`
	Images        []OutputImage     `json:"images"`
}

// OutputImage is an HCP Packer image of a build with its labels.
type OutputImage struct {
	ImageID        string            `json:"image_id"`
	ProviderName   string            `json:"provider_name"`
	ProviderRegion string            `json:"provider_region,omitempty"`
	SourceImageID  string            `json:"source_image_id,omitempty"`
	Labels         map[string]string `json:"labels"`
}

// outputEntry describes art as an output file entry.
func (c *Config) outputEntry(art *Artifact) OutputBuild {
	e := OutputBuild{
		Name:        c.PackerBuildName,
		BuilderType: c.PackerBuilderType,
		BuilderID:   art.builderID,
		ArtifactID:  art.id,
		Labels:      art.Labels(),
		Images:      []OutputImage{},
	}
	if e.Name == "" {
		e.Name = c.PackerBuilderType
	}
	e.PackerRunUUID = art.labels[c.labelKey(labelPackerRunUUID)]
	e.BuildTime = art.labels[c.labelKey(labelBuildTime)]
	for _, img := range art.images {
		e.Images = append(e.Images, OutputImage{
			ImageID:        img.ImageID,
			ProviderName:   img.ProviderName,
			ProviderRegion: img.ProviderRegion,
			SourceImageID:  img.SourceImageID,
			Labels:         img.Labels,
		})
	}
	return e
}

// lockRetry is how often a writer waiting for the output file's lock tries
// again.
const lockRetry = 20 * time.Millisecond

// writeOutput sets entry as its build's entry of the output file at path.
// Writers hold an exclusive lock on path+".lock" (flock, released by the
// kernel if a process dies, so a lock is never stale and never stolen) for
// the whole read-modify-write, and replace the file by renaming a complete
// temporary file over it, so a reader sees either the old or the new file.
// A file that is not an output file is left untouched and reported.
func writeOutput(ctx context.Context, path string, entry OutputBuild) error {
	if entry.Name == "" {
		entry.Name = "build"
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil { //nolint:gosec // an output directory others may read, like Packer's
		return fmt.Errorf("creating the directory of %s: %w", path, err)
	}
	lock := filelock.New(path + ".lock")
	locked, err := lock.TryLockContext(ctx, lockRetry)
	if err != nil {
		return fmt.Errorf("locking %s: %w", path+".lock", err)
	}
	if !locked {
		return fmt.Errorf("locking %s: lock not acquired", path+".lock")
	}
	defer func() { _ = lock.Unlock() }()

	doc := OutputFile{}
	data, err := os.ReadFile(path) //nolint:gosec // the path is the user's own option
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("reading %s: %w", path, err)
	case len(bytes.TrimSpace(data)) > 0:
		if err := json.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("%s exists but is not an enrich output file (%w); it was left as it is: remove it or choose another output path", path, err)
		}
	}
	if doc.Builds == nil {
		doc.Builds = map[string]json.RawMessage{}
	}
	raw, err := json.Marshal(entry)
	if err != nil {
		return fmt.Errorf("encoding the entry of %s: %w", entry.Name, err)
	}
	doc.Builds[entry.Name] = raw

	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return replaceFile(path, append(out, '\n'))
}

// replaceFile writes data to a temporary file beside path and renames it
// over path.
func replaceFile(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating a temporary file for %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil { //nolint:gosec // metadata meant to be read by other tools
		return fmt.Errorf("setting the mode of %s: %w", tmp.Name(), err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return nil
}
