package postprocessor

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// secretMarkers are parts of generated data keys that hold secrets, in
// lower case: Password, WinRMPassword, SSHPrivateKey (the SDK's
// communicator data), a plugin's DbPass, Pwd or ApiToken.
var secretMarkers = []string{
	"pass", "pwd", "secret", "privatekey", "private_key", "token",
	"credential", "apikey", "api_key", "accesskey", "access_key", "cookie",
}

// secretWords are words of generated data keys that mark a secret when a
// key holds them as a whole word (DbPw, AuthHeader, SessionKey,
// BearerToken): as parts of other words they mean nothing (Author).
var secretWords = []string{"pw", "auth", "authorization", "session", "bearer"}

// isSecretKey reports whether a generated data key holds a secret, in any
// letter case: it holds one of secretMarkers, one of secretWords as a word,
// or ends in the word key (SSHKey, SessionKey).
func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, m := range secretMarkers {
		if strings.Contains(k, m) {
			return true
		}
	}
	words := keyWords(key)
	for _, w := range words {
		if slices.Contains(secretWords, w) {
			return true
		}
	}
	return len(words) > 1 && words[len(words)-1] == "key"
}

// keyWords splits a generated data key into its words, in lower case:
// DbPw is db and pw, SSHKey ssh and key, auth_header auth and header.
func keyWords(key string) []string {
	return strings.FieldsFunc(snakeCase(key), func(r rune) bool { return r == '_' })
}

// minSecretLen is the shortest secret value looked for: shorter values
// would match by chance.
const minSecretLen = 4

// secret is a value no label may carry, and where it comes from, as the
// user knows it ("the sensitive variable \"db_password\"").
type secret struct {
	from  string
	value string
	// forms are the encodings looked for, case-sensitive (base64), and
	// folded are those compared in any letter case (the value, hex).
	forms, folded []string
}

func newSecret(from, value string) secret {
	s := secret{from: from, value: value}
	s.folded = append(s.folded, fold(value))
	for _, v := range uniq(value, strings.ToLower(value), strings.ToUpper(value)) {
		s.folded = append(s.folded, fold(hex.EncodeToString([]byte(v))))
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			s.forms = append(s.forms, base64Forms(enc, []byte(v))...)
		}
	}
	s.forms = uniq(s.forms...)
	s.folded = uniq(s.folded...)
	return s
}

// base64Forms returns the characters of v's base64 encoding that do not
// depend on what comes before or after v, for each of the three ways v can
// be aligned in a longer encoded string.
func base64Forms(enc *base64.Encoding, v []byte) []string {
	var out []string
	for k := 0; k < 3; k++ {
		buf := append(make([]byte, k), v...)
		e := enc.EncodeToString(buf)
		start := (8*k + 5) / 6        // first character made of v's bits only
		end := (8 * (k + len(v))) / 6 // characters wholly inside v
		if end-start >= minSecretLen {
			out = append(out, e[start:end])
		}
	}
	return out
}

// fold maps every letter of s to one member of its case folding class (the
// smallest), so that two strings equal in any letter case fold alike.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < least {
				least = f
			}
		}
		b.WriteRune(least)
	}
	return b.String()
}

func uniq(list ...string) []string {
	var out []string
	for _, s := range list {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// in reports whether label carries the secret: the value in any letter
// case, or its base64 or hex encoding (of the value, or of it in lower or
// upper case).
func (s secret) in(label string) bool {
	folded := fold(label)
	for _, f := range s.folded {
		if strings.Contains(folded, f) {
			return true
		}
	}
	for _, f := range s.forms {
		if strings.Contains(label, f) {
			return true
		}
	}
	return false
}

// secrets is every value no label may carry.
type secrets []secret

// knownSecrets returns the values of the sensitive variables Packer told
// the plugin about and of the generated data keys that hold secrets. JSON
// templates pass the user variables with their values and the names of the
// sensitive ones. HCL2 passes only the names: a value the plugin can see is
// the one given as PKR_VAR_<name> in the environment Packer and so the
// plugin run in (env); values from var-files, defaults and -var are not
// seen.
func knownSecrets(userVars map[string]string, sensitive []string, generated map[string]interface{}, env func(string) (string, bool)) secrets {
	var out secrets
	for _, name := range sensitive {
		from := fmt.Sprintf("the sensitive variable %q", name)
		if v := userVars[name]; len(v) >= minSecretLen {
			out = append(out, newSecret(from, v))
		}
		if v, ok := env("PKR_VAR_" + name); ok && len(v) >= minSecretLen && v != userVars[name] {
			out = append(out, newSecret(from, v))
		}
	}
	for _, key := range slices.Sorted(maps.Keys(generated)) {
		v, ok := generated[key].(string)
		if ok && len(v) >= minSecretLen && isSecretKey(key) {
			out = append(out, newSecret(fmt.Sprintf("the generated data's %q", key), v))
		}
	}
	return out
}

// find returns where the secret label carries comes from, or "".
func (ss secrets) find(label string) string {
	for _, s := range ss {
		if s.in(label) {
			return s.from
		}
	}
	return ""
}

// dropSecrets removes from labels every label whose value carries a secret
// and returns one message per label removed, sorted.
func (ss secrets) dropSecrets(labels map[string]string) []string {
	var msgs []string
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		if from := ss.find(labels[name]); from != "" {
			delete(labels, name)
			msgs = append(msgs, fmt.Sprintf("the label %q was left out: its value carries %s, and labels are never given secrets", name, from))
		}
	}
	return msgs
}

// noEnv is an empty environment: at Configure, only the values JSON
// templates pass are checked (HCL2's PKR_VAR_ values are dropped from the
// labels after the build, with a message, instead of failing validate).
func noEnv(string) (string, bool) { return "", false }
