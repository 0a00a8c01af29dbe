package e2e

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The hosts Packer's plugin installer talks to: it asks releases.hashicorp.com
// first (official plugins only: it answers 404 for others, as the real one
// does), then GitHub's API for the versions and github.com for the files.
const (
	hostReleases = "releases.hashicorp.com"
	hostAPI      = "api.github.com"
	hostGitHub   = "github.com"
	// releaseRepo is the repository of the source address
	// github.com/packer-enrich/enrich.
	releaseRepo = "packer-enrich/packer-plugin-enrich"
)

// githubStandIn stands in for GitHub on loopback. Packer's GitHub client
// uses Go's default transport, which honours HTTPS_PROXY and SSL_CERT_FILE:
// the stand-in is a CONNECT proxy that answers for the installer's hosts
// itself, with certificates of a test CA, and refuses every other host. It
// never dials anything.
type githubStandIn struct {
	t       *testing.T
	proxy   net.Listener
	caFile  string
	tags    []string
	release string // the directory served as the release of every tag
	conns   chan net.Conn
	tunnels *chanListener
	server  *http.Server

	mu       sync.Mutex
	requests []string // "host/path" of every request served
	refused  []string // CONNECT targets refused
}

// newGitHubStandIn serves the files of dir as the GitHub release of each of
// tags (such as "v0.1.0") of packer-enrich/packer-plugin-enrich.
func newGitHubStandIn(t *testing.T, dir string, tags ...string) *githubStandIn {
	t.Helper()
	caPEM, leaf := testCertificates(t, hostAPI, hostGitHub, hostReleases)
	g := &githubStandIn{
		t:       t,
		caFile:  filepath.Join(t.TempDir(), "ca.pem"),
		tags:    tags,
		release: dir,
		conns:   make(chan net.Conn),
	}
	if err := os.WriteFile(g.caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	if g.proxy, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	g.server = &http.Server{
		Handler:           http.HandlerFunc(g.serveHTTP),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	g.tunnels = &chanListener{conns: g.conns, addr: g.proxy.Addr(), done: make(chan struct{})}
	go func() { _ = g.server.ServeTLS(g.tunnels, "", "") }()
	go g.acceptProxy()
	t.Cleanup(func() {
		_ = g.proxy.Close()
		_ = g.server.Close()
	})
	return g
}

// env is what points Packer at the stand-in.
func (g *githubStandIn) env() map[string]string {
	return map[string]string{
		"HTTPS_PROXY":   "http://" + g.proxy.Addr().String(),
		"SSL_CERT_FILE": g.caFile,
		"SSL_CERT_DIR":  filepath.Dir(g.caFile),
	}
}

// served returns the requests served so far and the CONNECT targets refused.
func (g *githubStandIn) served() (requests, refused []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.requests...), append([]string(nil), g.refused...)
}

// acceptProxy answers CONNECT requests: a tunnel to one of the installer's
// hosts ends here, in the TLS server; anything else is refused.
func (g *githubStandIn) acceptProxy() {
	for {
		c, err := g.proxy.Accept()
		if err != nil {
			return
		}
		go g.connect(c)
	}
}

func (g *githubStandIn) connect(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		_ = c.Close()
		return
	}
	host, port, _ := net.SplitHostPort(req.Host)
	if req.Method != http.MethodConnect || port != "443" ||
		(host != hostAPI && host != hostGitHub && host != hostReleases) || br.Buffered() > 0 {
		g.mu.Lock()
		g.refused = append(g.refused, req.Method+" "+req.Host)
		g.mu.Unlock()
		_, _ = c.Write([]byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
		_ = c.Close()
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	if _, err := c.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		_ = c.Close()
		return
	}
	select {
	case g.conns <- c:
	case <-g.tunnels.done:
		_ = c.Close()
	}
}

// serveHTTP answers as GitHub does for the installer's three requests: the
// list of tags, and a release's SHA256SUMS and zip files.
func (g *githubStandIn) serveHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.requests = append(g.requests, r.Host+r.URL.Path)
	g.mu.Unlock()
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case r.Host == hostAPI && r.URL.Path == "/repos/"+releaseRepo+"/git/matching-refs/tags":
		refs := make([]map[string]any, 0, len(g.tags))
		for _, tag := range g.tags {
			refs = append(refs, map[string]any{
				"ref":    "refs/tags/" + tag,
				"url":    "https://api.github.com/repos/" + releaseRepo + "/git/refs/tags/" + tag,
				"object": map[string]string{"type": "commit", "sha": strings.Repeat("0", 40)},
			})
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(refs)
	case r.Host == hostGitHub && strings.HasPrefix(r.URL.Path, "/"+releaseRepo+"/releases/download/"):
		rest := strings.TrimPrefix(r.URL.Path, "/"+releaseRepo+"/releases/download/")
		tag, name, ok := strings.Cut(rest, "/")
		if !ok || !g.hasTag(tag) || name == "" || strings.Contains(name, "/") || path.Clean(name) != name {
			http.NotFound(w, r)
			return
		}
		data, err := os.ReadFile(filepath.Join(g.release, name)) //nolint:gosec // a file name of the request, no directories
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(data)
	default:
		http.NotFound(w, r)
	}
}

func (g *githubStandIn) hasTag(tag string) bool {
	for _, t := range g.tags {
		if t == tag {
			return true
		}
	}
	return false
}

// chanListener is a net.Listener of the connections the proxy tunnels.
type chanListener struct {
	conns chan net.Conn
	addr  net.Addr
	once  sync.Once
	done  chan struct{}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }

// testCertificates makes a CA (returned as PEM, for SSL_CERT_FILE) and a
// certificate it signed for hosts.
func testCertificates(t *testing.T, hosts ...string) ([]byte, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "enrich acceptance test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	if caPEM == nil {
		t.Fatal(errors.New("encoding the CA"))
	}
	return caPEM, tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}
}
