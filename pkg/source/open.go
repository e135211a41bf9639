package source

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/go-git/go-git/v5/storage/memory"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Repo is a network repo: a plain folder, a local git repository, or a clone in memory.
// Its methods, and the file systems it returns, are safe for concurrent use.
type Repo struct {
	location string // as given, less any credentials in a URL
	opts     options
	git      *git.Repository // nil for a plain folder
	root     *os.Root        // the folder on disk; nil for a clone or a bare repository
	sub      string          // the folder's path in its work tree, slash-separated; "" for the top

	mu       sync.Mutex // guards git storage, which go-git does not make safe for concurrent use
	fetched  bool       // origin was fetched once already
	fetchErr error      // why that fetch failed
}

// Option changes how Open reaches a repository.
type Option func(*options)

type options struct {
	username   string
	token      string
	sshKey     string
	passphrase string
	keyring    string
}

// WithToken sets the password for https basic auth, such as an access token.
// Callers read it from the environment variable NETOPS_GIT_TOKEN.
func WithToken(token string) Option {
	return func(o *options) { o.token = token }
}

// WithUsername sets the user name for https basic auth (default "x-access-token"),
// and for ssh when the URL names no user (default "git"). Credentials in an https
// URL are used when neither WithToken nor WithUsername is given.
func WithUsername(u string) Option {
	return func(o *options) { o.username = u }
}

// WithSSHKey sets the private key file, and its passphrase, for ssh URLs.
func WithSSHKey(path string, passphrase string) Option {
	return func(o *options) { o.sshKey, o.passphrase = path, passphrase }
}

// WithKeyring gives the armored PGP public keys whose signatures Verify accepts.
func WithKeyring(armored string) Option {
	return func(o *options) { o.keyring = armored }
}

// scpLike matches the scp-like ssh form of a git URL, such as git@github.com:org/repo.git.
var scpLike = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:`)

// Open opens the network repo at location: a local folder in a git work tree, its top or
// a folder below (read in place; at a revision, the same folder of that revision), a
// local folder that is not in a git repository (only its files on disk can be read), or a URL (file://, https://, http://, ssh://, git@host:path), cloned
// into memory with all branches and tags. Close releases it.
func Open(ctx context.Context, location string, opts ...Option) (*Repo, error) {
	r := &Repo{}
	for _, opt := range opts {
		if opt != nil {
			opt(&r.opts)
		}
	}
	location = r.opts.takeCredentials(location)
	r.location = Redact(location)
	if err := r.opts.check(); err != nil {
		return nil, err
	}
	if err := r.open(ctx, location); err != nil {
		return nil, err
	}
	return r, nil
}

// Close releases the folder on disk, if any.
func (r *Repo) Close() error {
	if r.root == nil {
		return nil
	}
	return r.root.Close()
}

// Location is where the repository was opened from.
func (r *Repo) Location() string { return r.location }

func (o options) check() error {
	if o.keyring == "" {
		return nil
	}
	if _, err := openpgp.ReadArmoredKeyRing(strings.NewReader(o.keyring)); err != nil {
		return fmt.Errorf("reading the keyring given with WithKeyring: %w; give ASCII-armored public keys (gpg --armor --export KEYID)", err)
	}
	return nil
}

func (r *Repo) open(ctx context.Context, location string) error {
	if strings.Contains(location, "://") {
		return r.clone(ctx, location)
	}
	if _, err := os.Stat(location); err == nil {
		return r.openFolder(location)
	}
	if scpLike.MatchString(location) {
		return r.clone(ctx, location)
	}
	return fmt.Errorf("%s does not exist; give a folder, or a git URL such as https://host/org/repo.git", location)
}

// takeCredentials moves the user and password of an http(s) URL into the options,
// unless WithToken or WithUsername gave some, and returns the URL without them,
// so that no error shows them.
func (o *options) takeCredentials(location string) string {
	u, err := url.Parse(location)
	if err != nil || u.User == nil || !strings.HasPrefix(u.Scheme, "http") {
		return location
	}
	if o.token == "" && o.username == "" {
		o.username = u.User.Username()
		o.token, _ = u.User.Password()
	}
	u.User = nil
	return u.String()
}

// Redact drops the user and password from a URL other than ssh://, where the user is no secret, so
// that errors and reports can name the URL: a token often stands as the user.
func Redact(location string) string {
	u, err := url.Parse(location)
	if err != nil || u.User == nil || u.Scheme == "ssh" {
		return location
	}
	u.User = nil
	return u.String()
}

func (r *Repo) openFolder(location string) error {
	if resolved, err := filepath.EvalSymlinks(location); err == nil {
		location = resolved // find the work tree that the folder is in, not the one its link is in
	}
	repo, err := git.PlainOpenWithOptions(location, &git.PlainOpenOptions{EnableDotGitCommonDir: true, DetectDotGit: true})
	if err != nil && !errors.Is(err, git.ErrRepositoryNotExists) {
		return fmt.Errorf("opening git repository %s: %w; check that its .git folder is intact", r.location, err)
	}
	r.git = repo
	if repo != nil && isBare(repo) {
		return nil
	}
	if repo != nil {
		if r.sub, err = subfolder(repo, location); err != nil {
			return fmt.Errorf("finding %s in its git work tree: %w", r.location, err)
		}
	}
	r.root, err = os.OpenRoot(location)
	if err != nil {
		return fmt.Errorf("opening folder %s: %w; give a folder you can read", r.location, err)
	}
	return nil
}

// subfolder is the path of folder in the work tree of repo: "" for its top.
func subfolder(repo *git.Repository, folder string) (string, error) {
	wt, err := repo.Worktree()
	if err != nil {
		return "", err
	}
	top, err := filepath.EvalSymlinks(wt.Filesystem.Root())
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(folder)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(top, abs)
	switch {
	case err != nil || rel == ".":
		return "", err
	case rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		return "", fmt.Errorf("it is outside the work tree at %s; give a folder inside it", top)
	}
	return filepath.ToSlash(rel), nil
}

func isBare(repo *git.Repository) bool {
	_, err := repo.Worktree()
	return errors.Is(err, git.ErrIsBareRepository)
}

func (r *Repo) clone(ctx context.Context, url string) error {
	if err := checkScheme(url); err != nil {
		return err
	}
	auth, err := r.auth(url)
	if err != nil {
		return err
	}
	repo, err := git.CloneContext(ctx, memory.NewStorage(), nil, &git.CloneOptions{
		URL:  url,
		Auth: auth,
		Tags: git.AllTags,
	})
	if err != nil {
		return cloneError(r.location, err)
	}
	r.git = repo
	return nil
}

func checkScheme(location string) error {
	scheme, _, found := strings.Cut(location, "://")
	if !found {
		return nil // scp-like ssh
	}
	switch scheme {
	case "file", "http", "https", "ssh":
		return nil
	}
	return fmt.Errorf("cannot clone %s: scheme %q is not supported; use https://, ssh://, git@host:path or file://", Redact(location), scheme)
}

func cloneError(location string, err error) error {
	hint := "check the URL, the network and the credentials"
	var hostKey *knownhosts.KeyError
	switch {
	case errors.As(err, &hostKey) && len(hostKey.Want) == 0:
		hint = "the server's SSH host key is not in known_hosts; add it (ssh-keyscan HOST >> ~/.ssh/known_hosts), or set SSH_KNOWN_HOSTS to a file that holds it"
	case errors.As(err, &hostKey):
		hint = "the server's SSH host key differs from the one in known_hosts: it changed, or something is in the way; find out which before you replace it"
	case strings.Contains(err.Error(), "ssh: unable to authenticate"): // x/crypto/ssh has no error type for it
		hint = "the server did not accept the SSH key; give a key (NETOPS_GIT_SSH_KEY) whose public half can read the repository, such as a deploy key"
	case errors.Is(err, transport.ErrAuthenticationRequired):
		hint = "the server did not get or did not accept credentials; set NETOPS_GIT_TOKEN to a token that can read the repository (https), or give an SSH key"
	case errors.Is(err, transport.ErrAuthorizationFailed):
		hint = "the server refused the credentials; check that the token or key can read this repository"
	case errors.Is(err, transport.ErrRepositoryNotFound):
		hint = "there is no repository there, or the credentials cannot see it; check the URL"
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		hint = "the repository has no commits; push one first"
	}
	return fmt.Errorf("cloning %s: %w; %s", location, err, hint)
}

// auth picks the credentials for a URL, or nil for go-git's defaults.
func (r *Repo) auth(url string) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, fmt.Errorf("parsing git URL %s: %w; give a URL such as https://host/org/repo.git", Redact(url), err)
	}
	switch ep.Protocol {
	case "http", "https":
		return r.opts.basicAuth(), nil
	case "ssh":
		return r.opts.sshAuth(ep.User)
	}
	return nil, nil
}

func (o options) basicAuth() transport.AuthMethod {
	if o.token == "" && o.username == "" {
		return nil
	}
	user := o.username
	if user == "" {
		user = "x-access-token"
	}
	return &githttp.BasicAuth{Username: user, Password: o.token}
}

func (o options) sshAuth(user string) (transport.AuthMethod, error) {
	if o.sshKey == "" {
		return nil, nil
	}
	if user == "" {
		user = o.username
	}
	if user == "" {
		user = "git"
	}
	keys, err := gitssh.NewPublicKeysFromFile(user, o.sshKey, o.passphrase)
	if err != nil {
		return nil, fmt.Errorf("reading SSH key %s: %w; give a private key file and its passphrase, if it has one", o.sshKey, err)
	}
	return keys, nil
}
