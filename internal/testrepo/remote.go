package testrepo

// BareRemote makes an empty bare repository in a temporary directory and
// adds it to r as the remote name; it returns the bare repository's path.
func (r *Repo) BareRemote(name string) string {
	r.T.Helper()
	bare := Init(r.T, "--bare")
	r.Git("remote", "add", name, bare.Dir)
	return bare.Dir
}

// Push pushes refspecs (such as "main" or "v1.0.0") to the remote, which
// updates r's remote-tracking refs of it as git push does.
func (r *Repo) Push(remote string, refspecs ...string) {
	r.T.Helper()
	r.Git(append([]string{"push", "-q", remote}, refspecs...)...)
}
