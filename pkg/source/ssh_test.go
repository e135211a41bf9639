package source_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netops/netops/pkg/source"
)

// TestOpenSSH clones over ssh:// with a key, from an SSH server on loopback that runs the git CLI's
// upload-pack, and checks the host key against SSH_KNOWN_HOSTS.
func TestOpenSSH(t *testing.T) {
	up, shas := upstream(t)
	srv := newSSHServer(t)
	url := fmt.Sprintf("ssh://git@%s%s", srv.addr, up)

	t.Run("key and known host", func(t *testing.T) {
		t.Setenv("SSH_KNOWN_HOSTS", srv.knownHosts(t, srv.hostKey))
		repo := open(t, url, source.WithSSHKey(srv.clientKey, ""))
		if got := readAt(t, repo, shas[0], "sites/ams.yaml"); got != yaml("ams") {
			t.Errorf("sites/ams.yaml at the first commit over ssh = %q", got)
		}
		if srv.users() != "git" {
			t.Errorf("the server saw users %q; want git", srv.users())
		}
	})
	t.Run("host key differs", func(t *testing.T) {
		other, _ := newSSHKey(t)
		t.Setenv("SSH_KNOWN_HOSTS", srv.knownHosts(t, other.PublicKey()))
		_, err := source.Open(context.Background(), url, source.WithSSHKey(srv.clientKey, ""))
		var keyErr *knownhosts.KeyError
		if err == nil || !errors.As(err, &keyErr) {
			t.Fatalf("Open with a host key that known_hosts does not hold: %v; want a knownhosts.KeyError", err)
		}
		if !strings.Contains(err.Error(), "differs from the one in known_hosts") {
			t.Errorf("the error lacks its hint: %v", err)
		}
	})
	t.Run("host not in known_hosts", func(t *testing.T) {
		t.Setenv("SSH_KNOWN_HOSTS", filepath.Join(t.TempDir(), "empty"))
		writeFile(t, os.Getenv("SSH_KNOWN_HOSTS"), "\n")
		_, err := source.Open(context.Background(), url, source.WithSSHKey(srv.clientKey, ""))
		if err == nil || !strings.Contains(err.Error(), "is not in known_hosts; add it") {
			t.Fatalf("Open of a host that known_hosts lacks: %v; want a hint to add it", err)
		}
	})
	t.Run("key the server refuses", func(t *testing.T) {
		t.Setenv("SSH_KNOWN_HOSTS", srv.knownHosts(t, srv.hostKey))
		_, other := newSSHKey(t)
		_, err := source.Open(context.Background(), url, source.WithSSHKey(other, ""))
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("Open with a key the server does not know: %v; want an authentication error", err)
		}
		if !strings.Contains(err.Error(), "did not accept the SSH key") {
			t.Errorf("the error lacks its hint: %v", err)
		}
	})
	t.Run("unreadable key", func(t *testing.T) {
		_, err := source.Open(context.Background(), url, source.WithSSHKey(filepath.Join(t.TempDir(), "missing"), ""))
		if err == nil || !strings.Contains(err.Error(), "reading SSH key") {
			t.Fatalf("Open with a missing key file: %v; want it named", err)
		}
	})
}

// sshServer serves git-upload-pack over SSH on loopback, to one client key.
type sshServer struct {
	addr      string
	hostKey   ssh.PublicKey
	clientKey string // the client's private key file

	mu   sync.Mutex
	seen []string // the users that logged in
}

func newSSHServer(t *testing.T) *sshServer {
	host, _ := newSSHKey(t)
	client, clientKey := newSSHKey(t)
	s := &sshServer{hostKey: host.PublicKey(), clientKey: clientKey}
	want := string(client.PublicKey().Marshal())
	config := &ssh.ServerConfig{PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		if string(key.Marshal()) != want {
			return nil, errors.New("unknown key")
		}
		s.mu.Lock()
		s.seen = append(s.seen, c.User())
		s.mu.Unlock()
		return nil, nil
	}}
	config.AddHostKey(host)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { serveConn(conn, config) })
		}
	})
	return s
}

func (s *sshServer) users() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.seen, ",")
}

// knownHosts writes a known_hosts file that holds key for the server's address.
func (s *sshServer) knownHosts(t *testing.T, key ssh.PublicKey) string {
	name := filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(s.addr)}, key)
	if err := os.WriteFile(name, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func serveConn(conn net.Conn, config *ssh.ServerConfig) {
	defer conn.Close()
	_, chans, reqs, err := ssh.NewServerConn(conn, config)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "sessions only")
			continue
		}
		ch, reqs, err := nc.Accept()
		if err != nil {
			return
		}
		go serveSession(ch, reqs)
	}
}

// serveSession runs the one command a git client asks for, git-upload-pack '<path>', with the git CLI.
func serveSession(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		if req.Type != "exec" {
			req.Reply(req.Type == "env", nil)
			continue
		}
		var payload struct{ Command string }
		if err := ssh.Unmarshal(req.Payload, &payload); err != nil || !strings.HasPrefix(payload.Command, "git-upload-pack ") {
			req.Reply(false, nil)
			return
		}
		req.Reply(true, nil)
		path := strings.Trim(strings.TrimPrefix(payload.Command, "git-upload-pack "), "'")
		cmd := exec.Command("git", "upload-pack", path)
		cmd.Env = append(os.Environ(), gitEnv...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
		status := struct{ Status uint32 }{}
		if err := cmd.Run(); err != nil {
			status.Status = 1
		}
		ch.SendRequest("exit-status", false, ssh.Marshal(&status))
		return
	}
}

// newSSHKey makes an ed25519 key: its signer, and its private key file in OpenSSH's format.
func newSSHKey(t *testing.T) (ssh.Signer, string) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(name, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return signer, name
}
