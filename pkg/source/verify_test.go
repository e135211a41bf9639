package source_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/go-git/go-git/v5"

	"github.com/netops/netops/pkg/source"
)

func TestVerify(t *testing.T) {
	signer := newKey(t, "Net Ops")
	stranger := newKey(t, "Stranger")
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	signed := goGitCommit(t, repo, dir, "signed plan", map[string]string{"a.yaml": "a\n"}, &git.CommitOptions{SignKey: signer})
	unsigned := goGitCommit(t, repo, dir, "unsigned plan", map[string]string{"b.yaml": "b\n"}, nil)

	src := open(t, dir, source.WithKeyring(publicKey(t, signer)))
	rev, err := src.Verify(context.Background(), signed.String())
	if err != nil {
		t.Fatalf("Verify of the signed commit: %v", err)
	}
	if !rev.Signed || rev.Signer != "Net Ops <netops@example.com>" || rev.Hash != signed.String() || rev.Subject != "signed plan" {
		t.Errorf("Revision = %+v, want signed by Net Ops", rev)
	}

	_, err = src.Verify(context.Background(), "HEAD")
	sigErr := asSignatureError(t, err)
	if sigErr.Hash != unsigned.String() || !strings.Contains(err.Error(), "not signed") {
		t.Errorf("Verify(HEAD) = %v, want the unsigned commit %s", err, unsigned)
	}

	other := open(t, dir, source.WithKeyring(publicKey(t, stranger)))
	_, err = other.Verify(context.Background(), signed.String())
	asSignatureError(t, err)
	if !errors.Is(err, pgperrors.ErrUnknownIssuer) || !strings.Contains(err.Error(), "not in the keyring") {
		t.Errorf("Verify with another key = %v, want an unknown signer", err)
	}
}

func TestVerifyNeedsKeyring(t *testing.T) {
	dir := cliRepo(t)
	commit(t, dir, "plan", map[string]string{"a.yaml": "a\n"})
	_, err := open(t, dir).Verify(context.Background(), "HEAD")
	var sigErr *source.SignatureError
	if err == nil || errors.As(err, &sigErr) || !strings.Contains(err.Error(), "no keyring") {
		t.Errorf("Verify without a keyring = %v, want an error saying no keyring was given", err)
	}
	_, err = source.Open(context.Background(), dir, source.WithKeyring("not a key"))
	if err == nil || !strings.Contains(err.Error(), "WithKeyring") {
		t.Errorf("Open with a bad keyring = %v, want an error about the keyring", err)
	}
}

func newKey(t *testing.T, name string) *openpgp.Entity {
	t.Helper()
	key, err := openpgp.NewEntity(name, "", "netops@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// publicKey exports the armored public key, as gpg --armor --export does.
func publicKey(t *testing.T, key *openpgp.Entity) string {
	t.Helper()
	var b strings.Builder
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := key.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func asSignatureError(t *testing.T, err error) *source.SignatureError {
	t.Helper()
	var sigErr *source.SignatureError
	if !errors.As(err, &sigErr) {
		t.Fatalf("error = %v (%T), want a *source.SignatureError", err, err)
	}
	return sigErr
}
