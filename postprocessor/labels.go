package postprocessor

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// The labels the post-processor adds, by their snake case names.
const (
	labelGitCommit      = "git_commit"
	labelGitCommitShort = "git_commit_short"
	labelGitBranch      = "git_branch"
	labelGitTag         = "git_tag"
	labelGitDescribe    = "git_describe"
	labelGitDirty       = "git_dirty"
	labelGitRemote      = "git_remote"
	labelGitCommitTime  = "git_commit_time"
	labelBuildTime      = "build_time"
	labelPackerVersion  = "packer_version"
	labelBuildName      = "build_name"
	labelBuilderType    = "builder_type"
	labelPackerRunUUID  = "packer_run_uuid"
	labelCIProvider     = "ci_provider"
	labelCIRunID        = "ci_run_id"
	labelCIRunURL       = "ci_run_url"
)

// builtinLabelNames returns the names of the labels the post-processor adds,
// in the order of the labels reference.
func builtinLabelNames() []string {
	return []string{
		labelGitCommit, labelGitCommitShort, labelGitBranch, labelGitTag,
		labelGitDescribe, labelGitDirty, labelGitRemote, labelGitCommitTime,
		labelBuildTime, labelPackerVersion, labelBuildName, labelBuilderType,
		labelPackerRunUUID, labelCIProvider, labelCIRunID, labelCIRunURL,
	}
}

func builtinLabel(name string) bool { return slices.Contains(builtinLabelNames(), name) }

// ociNames are the OCI image annotation names the `oci` style uses.
var ociNames = map[string]string{
	labelGitCommit: "org.opencontainers.image.revision",
	labelGitRemote: "org.opencontainers.image.source",
	labelBuildTime: "org.opencontainers.image.created",
	labelGitTag:    "org.opencontainers.image.version",
}

// labelKey returns the key under which the label called name is written,
// after the style and the prefix.
func (c *Config) labelKey(name string) string {
	if c.LabelStyle == styleOCI {
		if oci, ok := ociNames[name]; ok {
			return oci
		}
	}
	key := c.LabelPrefix + name
	if c.LabelStyle == styleGCE {
		key = gceKey(key)
	}
	return key
}

// labelValue returns value as the style requires.
func (c *Config) labelValue(value string) string {
	if c.LabelStyle == styleGCE {
		return gceValue(value)
	}
	return value
}

// facts is what the post-processor knows about one build.
type facts struct {
	Git        *gitinfo.Facts // nil when there is no repository
	CI         *gitinfo.CI    // nil when no CI is detected
	BuildTime  time.Time
	Packer     string
	BuildName  string
	Builder    string
	RunUUID    string
	Generated  map[string]interface{}
	UserLabels map[string]string // rendered
	Secrets    secrets           // values no label may carry
}

// builtinValues returns the value of every built-in label that is known,
// by label name. Unknown facts are left out, never written empty.
func builtinValues(f facts) map[string]string {
	v := map[string]string{}
	set := func(name, value string) {
		if value != "" {
			v[name] = value
		}
	}
	if g := f.Git; g != nil {
		set(labelGitCommit, g.Commit)
		set(labelGitCommitShort, g.ShortCommit)
		set(labelGitBranch, g.Branch)
		if len(g.Tags) > 0 {
			set(labelGitTag, g.Tags[0])
		}
		set(labelGitDescribe, g.Describe)
		if g.Dirty != nil {
			set(labelGitDirty, strconv.FormatBool(*g.Dirty))
		}
		set(labelGitRemote, g.Remote)
		if !g.CommitTime.IsZero() {
			set(labelGitCommitTime, g.CommitTime.UTC().Format(time.RFC3339))
		}
	}
	if !f.BuildTime.IsZero() {
		set(labelBuildTime, f.BuildTime.UTC().Format(time.RFC3339))
	}
	set(labelPackerVersion, f.Packer)
	set(labelBuildName, f.BuildName)
	set(labelBuilderType, f.Builder)
	set(labelPackerRunUUID, f.RunUUID)
	if ci := f.CI; ci != nil {
		set(labelCIProvider, ci.Provider)
		set(labelCIRunID, ci.RunID)
		set(labelCIRunURL, gitinfo.StripCredentials(stripUserinfo(ci.RunURL)))
	}
	return v
}

// buildLabels returns the labels to add to every image: built-in labels,
// generated data labels and the user's labels, with exclusions, prefix and
// style applied; and a message for every label left out because its value
// carries one of f.Secrets.
func (c *Config) buildLabels(f facts) (map[string]string, []string) {
	values := builtinValues(f)
	for name := range values {
		if c.excluded(name, false) {
			delete(values, name)
		}
	}
	var dropped []string
	for _, name := range []string{labelGitRemote, labelCIRunURL} {
		if v, ok := values[name]; ok && credentialsLeft(v) {
			delete(values, name)
			dropped = append(dropped, fmt.Sprintf("enrich: the label %q was left out: its URL still looks like it holds credentials after they were removed (a password with an unencoded '/'?); encode the password, or use a credential helper", c.labelKey(name)))
		}
	}
	for _, key := range c.GeneratedDataLabels {
		name := snakeCase(key)
		if c.excluded(name, true) {
			continue
		}
		if s, ok := stringValue(f.Generated[key]); ok && s != "" {
			values[name] = s
		}
	}
	raw := make(map[string]string, len(values)+len(f.UserLabels))
	for name, value := range values {
		raw[c.labelKey(name)] = value
	}
	for k, v := range f.UserLabels {
		raw[k] = v
	}
	dropped = append(dropped, f.Secrets.dropSecrets(raw)...)
	labels := make(map[string]string, len(raw))
	for k, v := range raw {
		labels[k] = c.labelValue(v)
	}
	return labels, dropped
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

// snakeCase turns a generated data key into a label name: SourceAMI becomes
// source_ami, SSHHost ssh_host, ImageName image_name.
func snakeCase(s string) string {
	runes := []rune(strings.TrimSpace(s))
	var b strings.Builder
	for i, r := range runes {
		switch {
		case unicode.IsUpper(r):
			prevLower := i > 0 && (unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1]))
			nextLower := i > 0 && i+1 < len(runes) && unicode.IsUpper(runes[i-1]) && unicode.IsLower(runes[i+1])
			if (prevLower || nextLower) && b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		case r == '-' || r == ' ' || r == '.':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// gceMax is the longest label name or value Google Compute Engine accepts.
const gceMax = 63

// gceKey makes a valid GCE label name: lowercase letters, digits, '_' and
// '-', starting with a letter, at most 63 characters.
func gceKey(s string) string {
	k := gceValue(s)
	if k == "" || k[0] < 'a' || k[0] > 'z' {
		k = "l" + k
		if len(k) > gceMax {
			k = k[:gceMax]
		}
	}
	return k
}

// gceValue makes a valid GCE label value: lowercase letters, digits, '_'
// and '-', at most 63 characters. Other characters become '_', so a time
// 2024-05-01T10:00:00Z becomes 2024-05-01t10_00_00z.
func gceValue(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= gceMax {
			break
		}
	}
	return b.String()
}

// gceName reports whether s already is a valid GCE label name.
func gceName(s string) bool {
	return s != "" && gceKey(s) == s
}
