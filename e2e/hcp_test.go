package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The loopback HCP Packer API. Packer's HCP client (hcp-sdk-go) is pointed at
// it with HCP_API_ADDRESS/HCP_API_TLS=disabled (plain HTTP) and, for the
// token, HCP_AUTH_URL at a TLS server whose certificate it accepts with
// HCP_AUTH_TLS=insecure. It answers the calls Packer v1.16.0 makes
// (internal/hcp/api) and records every request.

const (
	hcpOrg          = "org-acc"
	hcpProject      = "proj-acc"
	hcpClientID     = "acc-client-id"
	hcpClientSecret = "acc-client-secret"
	hcpToken        = "acc-access-token"

	statusDone    = "BUILD_DONE"
	statusRunning = "BUILD_RUNNING"
	statusFailed  = "BUILD_FAILED"
)

// request is one request the fake HCP API received.
type request struct {
	Method string
	Path   string
	Body   []byte
}

// hcpServer is a loopback HCP Packer API. Its zero options answer every
// call successfully; failDone and delayDone inject failures into the final
// update of a build.
type hcpServer struct {
	t    *testing.T
	api  *httptest.Server
	auth *httptest.Server

	// failDone answers the final update (status BUILD_DONE) with a 500.
	failDone bool
	// delayDone delays the answer to the final update.
	delayDone time.Duration

	mu         sync.Mutex
	requests   []request
	tokens     int
	unexpected []string
	buckets    map[string]bool
	versions   map[string]string // bucket/fingerprint -> template type
	builds     map[string]string // build id -> component type
	nextID     int
}

// hcpPrefix is the path every Packer call starts with.
var hcpPrefix = "/packer/2023-01-01/organizations/" + hcpOrg + "/projects/" + hcpProject

var (
	reBucket   = regexp.MustCompile(`^/buckets/([^/]+)$`)
	reBuckets  = regexp.MustCompile(`^/buckets$`)
	reVersion  = regexp.MustCompile(`^/buckets/([^/]+)/versions/([^/]+)$`)
	reVersions = regexp.MustCompile(`^/buckets/([^/]+)/versions$`)
	reBuilds   = regexp.MustCompile(`^/buckets/([^/]+)/versions/([^/]+)/builds$`)
	reBuild    = regexp.MustCompile(`^/buckets/([^/]+)/versions/([^/]+)/builds/([^/]+)$`)
	reEnforced = regexp.MustCompile(`^/enforced_blocks/bucket/([^/]+)$`)
)

// newHCPServer starts a loopback HCP Packer API and its token endpoint; both
// stop when the test ends.
func newHCPServer(t *testing.T) *hcpServer {
	t.Helper()
	s := &hcpServer{
		t:        t,
		buckets:  map[string]bool{},
		versions: map[string]string{},
		builds:   map[string]string{},
	}
	s.api = httptest.NewServer(http.HandlerFunc(s.serveAPI))
	s.auth = httptest.NewTLSServer(http.HandlerFunc(s.serveAuth))
	t.Cleanup(func() {
		s.api.Close()
		s.auth.Close()
		if u := s.unexpectedRequests(); len(u) > 0 {
			t.Errorf("the fake HCP API got requests it does not know: %s", strings.Join(u, "; "))
		}
	})
	return s
}

// env returns the variables that point Packer's HCP client at s.
func (s *hcpServer) env() map[string]string {
	return map[string]string{
		"HCP_API_ADDRESS":     strings.TrimPrefix(s.api.URL, "http://"),
		"HCP_API_TLS":         "disabled",
		"HCP_AUTH_URL":        s.auth.URL,
		"HCP_AUTH_TLS":        "insecure",
		"HCP_CLIENT_ID":       hcpClientID,
		"HCP_CLIENT_SECRET":   hcpClientSecret,
		"HCP_ORGANIZATION_ID": hcpOrg,
		"HCP_PROJECT_ID":      hcpProject,
	}
}

func (s *hcpServer) serveAuth(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if r.Method != http.MethodPost || r.URL.Path != "/oauth2/token" || !ok || id != hcpClientID || secret != hcpClientSecret {
		s.mu.Lock()
		s.unexpected = append(s.unexpected, "auth "+r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, map[string]interface{}{"error": "invalid_client"})
		return
	}
	s.mu.Lock()
	s.tokens++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]interface{}{
		"access_token": hcpToken,
		"token_type":   "Bearer",
		"expires_in":   3600,
	})
}

func (s *hcpServer) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := r.URL.Path
	s.mu.Lock()
	s.requests = append(s.requests, request{Method: r.Method, Path: path, Body: body})
	s.mu.Unlock()

	if r.Header.Get("Authorization") != "Bearer "+hcpToken {
		s.fail(w, r, http.StatusUnauthorized, 16, "no or wrong bearer token")
		return
	}
	rel, ok := strings.CutPrefix(path, hcpPrefix)
	if !ok {
		s.fail(w, r, http.StatusNotFound, 5, "unknown organization or project")
		return
	}

	var m []string
	match := func(re *regexp.Regexp, method string) bool {
		m = re.FindStringSubmatch(rel)
		return m != nil && r.Method == method
	}
	switch {
	case match(reBucket, http.MethodGet):
		s.mu.Lock()
		exists := s.buckets[m[1]]
		s.mu.Unlock()
		if !exists {
			writeJSON(w, http.StatusNotFound, grpcError(5, "bucket not found"))
			return
		}
		writeJSON(w, http.StatusOK, map[string]interface{}{"bucket": map[string]interface{}{"name": m[1]}})
	case match(reBucket, http.MethodPatch):
		writeJSON(w, http.StatusOK, map[string]interface{}{"bucket": map[string]interface{}{"name": m[1]}})
	case reBuckets.MatchString(rel) && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		var b struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(body, &b)
		s.mu.Lock()
		s.buckets[b.Name] = true
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]interface{}{"bucket": map[string]interface{}{"name": b.Name}})
	case match(reVersion, http.MethodGet):
		s.mu.Lock()
		tt, exists := s.versions[m[1]+"/"+m[2]]
		s.mu.Unlock()
		if !exists {
			writeJSON(w, http.StatusConflict, grpcError(10, "version not found"))
			return
		}
		writeJSON(w, http.StatusOK, map[string]interface{}{"version": version(m[1], m[2], tt)})
	case match(reVersions, http.MethodPost):
		var b struct {
			Fingerprint  string `json:"fingerprint"`
			TemplateType string `json:"template_type"`
		}
		_ = json.Unmarshal(body, &b)
		s.mu.Lock()
		s.versions[m[1]+"/"+b.Fingerprint] = b.TemplateType
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]interface{}{"version": version(m[1], b.Fingerprint, b.TemplateType)})
	case match(reBuilds, http.MethodGet):
		writeJSON(w, http.StatusOK, map[string]interface{}{"builds": []interface{}{}})
	case match(reBuilds, http.MethodPost):
		var b struct {
			ComponentType string `json:"component_type"`
			PackerRunUUID string `json:"packer_run_uuid"`
		}
		_ = json.Unmarshal(body, &b)
		s.mu.Lock()
		s.nextID++
		id := fmt.Sprintf("build-%d", s.nextID)
		s.builds[id] = b.ComponentType
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]interface{}{"build": map[string]interface{}{
			"id": id, "component_type": b.ComponentType, "packer_run_uuid": b.PackerRunUUID,
			"status": "BUILD_UNSET", "artifacts": []interface{}{},
		}})
	case match(reBuild, http.MethodPatch):
		var b struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(body, &b)
		if b.Status == statusDone {
			if s.delayDone > 0 {
				time.Sleep(s.delayDone)
			}
			if s.failDone {
				writeJSON(w, http.StatusInternalServerError, grpcError(13, "injected failure: the registry is down"))
				return
			}
		}
		s.mu.Lock()
		ct := s.builds[m[3]]
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]interface{}{"build": map[string]interface{}{
			"id": m[3], "component_type": ct, "status": b.Status,
		}})
	case match(reEnforced, http.MethodGet):
		writeJSON(w, http.StatusNotFound, grpcError(5, "no enforced blocks"))
	default:
		s.fail(w, r, http.StatusNotFound, 12, "not implemented by the fake HCP API")
	}
}

func (s *hcpServer) fail(w http.ResponseWriter, r *http.Request, status, code int, msg string) {
	s.mu.Lock()
	s.unexpected = append(s.unexpected, r.Method+" "+r.URL.Path+": "+msg)
	s.mu.Unlock()
	writeJSON(w, status, grpcError(code, msg))
}

func version(bucket, fingerprint, templateType string) map[string]interface{} {
	v := map[string]interface{}{
		"id": "ver-" + fingerprint, "bucket_name": bucket, "fingerprint": fingerprint,
		"name": "v0", "builds": []interface{}{},
	}
	if templateType != "" {
		v["template_type"] = templateType
	}
	return v
}

func grpcError(code int, msg string) map[string]interface{} {
	return map[string]interface{}{"code": code, "message": msg, "details": []interface{}{}}
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *hcpServer) unexpectedRequests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unexpected...)
}

// Requests returns every API request received so far.
func (s *hcpServer) Requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

// artifact is an artifact of a build update, as HCP Packer stores it.
type artifact struct {
	ExternalIdentifier string `json:"external_identifier"`
	Region             string `json:"region"`
}

// buildUpdate is the body of a PATCH of a build.
type buildUpdate struct {
	BuildID                  string            `json:"-"`
	ComponentType            string            `json:"-"`
	Status                   string            `json:"status"`
	Labels                   map[string]string `json:"labels"`
	Artifacts                []artifact        `json:"artifacts"`
	Platform                 string            `json:"platform"`
	SourceExternalIdentifier string            `json:"source_external_identifier"`
	PackerRunUUID            string            `json:"packer_run_uuid"`
	Metadata                 json.RawMessage   `json:"metadata"`
}

// Updates returns the decoded bodies of the build updates (PATCH …/builds/{id})
// that have the given status, "" for all.
func (s *hcpServer) Updates(status string) []buildUpdate {
	s.t.Helper()
	var out []buildUpdate
	for _, r := range s.Requests() {
		if r.Method != http.MethodPatch {
			continue
		}
		rel := strings.TrimPrefix(r.Path, hcpPrefix)
		m := reBuild.FindStringSubmatch(rel)
		if m == nil {
			continue
		}
		var u buildUpdate
		if err := json.Unmarshal(r.Body, &u); err != nil {
			s.t.Fatalf("decoding the build update %s: %v\n%s", r.Path, err, r.Body)
		}
		s.mu.Lock()
		u.BuildID, u.ComponentType = m[3], s.builds[m[3]]
		s.mu.Unlock()
		if status == "" || u.Status == status {
			out = append(out, u)
		}
	}
	return out
}

// Done returns the final update (status BUILD_DONE) of each build, by the
// build's HCP name (its component type), failing the test when a build was
// completed twice.
func (s *hcpServer) Done() map[string]buildUpdate {
	s.t.Helper()
	out := map[string]buildUpdate{}
	for _, u := range s.Updates(statusDone) {
		if _, dup := out[u.ComponentType]; dup && !s.failDone {
			s.t.Errorf("build %s was completed twice", u.ComponentType)
		}
		out[u.ComponentType] = u
	}
	return out
}

// DoneOne returns the only completed build, failing the test otherwise.
func (s *hcpServer) DoneOne() buildUpdate {
	s.t.Helper()
	done := s.Done()
	if len(done) != 1 {
		s.t.Fatalf("want exactly one BUILD_DONE update, got %d: %v\nrequests:\n%s", len(done), keys(done), s.describe())
	}
	for _, u := range done {
		return u
	}
	panic("unreachable")
}

// describe lists the recorded requests, for failure messages.
func (s *hcpServer) describe() string {
	var b strings.Builder
	for _, r := range s.Requests() {
		fmt.Fprintf(&b, "  %s %s %s\n", r.Method, strings.TrimPrefix(r.Path, hcpPrefix), r.Body)
	}
	return b.String()
}

// artifactSet returns the artifacts of u as a set of "id@region".
func artifactSet(u buildUpdate) map[string]bool {
	set := map[string]bool{}
	for _, a := range u.Artifacts {
		set[a.ExternalIdentifier+"@"+a.Region] = true
	}
	return set
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
