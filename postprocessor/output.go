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
// metadata of every build that wrote to it, keyed by build (see
// OutputBuild.Key).
type OutputFile struct {
	// Builds holds one entry per build. Entries are kept as raw JSON so that
	// a build only ever replaces its own entry, whatever wrote the others.
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

// Key is the entry's key in the output file: the builder type and the build
// name, as Packer names the build ("amazon-ebs.ubuntu"), or the name alone
// when it is the builder type (an unnamed JSON builder).
func (e OutputBuild) Key() string {
	switch {
	case e.Name == "":
		return "build"
	case e.BuilderType == "" || e.BuilderType == e.Name:
		return e.Name
	default:
		return e.BuilderType + "." + e.Name
	}
}

// OutputImage is an HCP Packer image of a build with its labels.
type OutputImage struct {
	ImageID        string            `json:"image_id"`
	ProviderName   string            `json:"provider_name"`
	ProviderRegion string            `json:"provider_region,omitempty"`
	SourceImageID  string            `json:"source_image_id,omitempty"`
	Labels         map[string]string `json:"labels"`
}

// outputEntry describes art, made from the build's facts f, as an output
// file entry.
func (c *Config) outputEntry(art *Artifact, f facts) OutputBuild {
	e := OutputBuild{
		Name:          c.PackerBuildName,
		BuilderType:   c.PackerBuilderType,
		BuilderID:     art.builderID,
		PackerRunUUID: f.RunUUID,
		ArtifactID:    art.id,
		Labels:        art.Labels(),
		Images:        []OutputImage{},
	}
	if e.Name == "" {
		e.Name = c.PackerBuilderType
	}
	if !f.BuildTime.IsZero() {
		e.BuildTime = f.BuildTime.UTC().Format(time.RFC3339)
	}
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
// A file that is not an output file is left untouched and reported. It
// returns the entry it replaced, if any.
func writeOutput(ctx context.Context, path string, entry OutputBuild) (*OutputBuild, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil { //nolint:gosec // an output directory others may read, like Packer's
		return nil, fmt.Errorf("creating the directory of %s: %w", path, err)
	}
	lock := filelock.New(path + ".lock")
	locked, err := lockContext(ctx, lock, lockRetry)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path+".lock", err)
	}
	if !locked {
		return nil, fmt.Errorf("locking %s: lock not acquired", path+".lock")
	}
	defer func() { _ = lock.Unlock() }()

	doc, mode, err := readOutputFile(path)
	if err != nil {
		return nil, err
	}
	key := entry.Key()
	var replaced *OutputBuild
	if old, ok := doc.Builds[key]; ok {
		var prev OutputBuild
		if json.Unmarshal(old, &prev) == nil {
			replaced = &prev
		}
	}
	raw, err := json.Marshal(entry)
	if err != nil {
		return nil, fmt.Errorf("encoding the entry of %s: %w", key, err)
	}
	doc.Builds[key] = raw

	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", path, err)
	}
	return replaced, replaceFile(path, append(out, '\n'), mode)
}

// readOutputFile reads the output file at path, an empty document when it
// does not exist or is empty, and the file's mode to keep. Anything but a
// JSON object with a "builds" object is refused.
func readOutputFile(path string) (OutputFile, fs.FileMode, error) {
	doc := OutputFile{Builds: map[string]json.RawMessage{}}
	mode := fs.FileMode(0o644)
	data, err := os.ReadFile(path) //nolint:gosec // the path is the user's own option
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return doc, mode, nil
	case err != nil:
		return doc, mode, fmt.Errorf("reading %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return doc, mode, nil
	}
	refuse := func(reason error) error {
		return fmt.Errorf("%s exists but is not an enrich output file (%w); it was left as it is: remove it or choose another output path", path, reason)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return doc, mode, refuse(err)
	}
	if top["builds"] == nil {
		return doc, mode, refuse(errors.New(`it has no "builds"`))
	}
	if err := json.Unmarshal(top["builds"], &doc.Builds); err != nil {
		return doc, mode, refuse(err)
	}
	if doc.Builds == nil {
		return doc, mode, refuse(errors.New(`"builds" is null`))
	}
	return doc, mode, nil
}

// replaceFile writes data to a temporary file beside path, with the given
// mode, and renames it over path.
func replaceFile(path string, data []byte, mode fs.FileMode) (err error) {
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
	if err = os.Chmod(tmp.Name(), mode); err != nil {
		return fmt.Errorf("setting the mode of %s: %w", tmp.Name(), err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return nil
}
