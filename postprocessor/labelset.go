package postprocessor

import (
	"strings"
	"time"
	"unicode"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
	"github.com/packer-enrich/packer-plugin-enrich/labels"
)

// labelKey returns the key under which the label called name is written,
// after the style and the prefix.
func (c *Config) labelKey(name string) string { return c.Naming().Key(name) }

// labelValue returns value as the style requires.
func (c *Config) labelValue(value string) string { return c.Naming().Value(value) }

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
	return labels.Values(labels.Facts{
		Git: f.Git, CI: f.CI, BuildTime: f.BuildTime, Packer: f.Packer,
		BuildName: f.BuildName, Builder: f.Builder, RunUUID: f.RunUUID,
	})
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
	for _, key := range c.GeneratedDataLabels {
		name := snakeCase(key)
		if c.excluded(name, true) {
			continue
		}
		if s, ok := stringValue(f.Generated[key]); ok && s != "" {
			values[name] = withoutCredentials(s)
		}
	}
	raw := make(map[string]string, len(values)+len(f.UserLabels))
	for name, value := range values {
		raw[c.Naming().Key(name)] = value
	}
	for k, v := range f.UserLabels {
		raw[k] = withoutCredentials(v)
	}
	dropped := f.Secrets.dropSecrets(raw)
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		out[k] = c.labelValue(v)
	}
	return out, dropped
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

// withoutCredentials strips, as from enrich's own URL labels, the
// credentials of a label value of the user's or the builder's that is a URL
// (scheme://…) or an scp-style address with a password (user:pw@host:path);
// any other value is kept as it is (an e-mail address holds no password).
func withoutCredentials(v string) string {
	at := strings.LastIndexByte(v, '@')
	if strings.Contains(v, "://") || (at > 0 && strings.Contains(v[:at], ":")) {
		return gitinfo.StripCredentials(v)
	}
	return v
}
