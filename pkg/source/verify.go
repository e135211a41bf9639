package source

import (
	"context"
	"errors"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Verify checks that the commit at rev carries a PGP signature made by a key in
// the keyring given with WithKeyring; if not, it returns a *SignatureError.
// rev "" is HEAD. The Revision returned says who signed.
func (r *Repo) Verify(ctx context.Context, rev string) (Revision, error) {
	if r.opts.keyring == "" {
		return Revision{}, fmt.Errorf("cannot check the signature of revision %q in %s: no keyring was given; pass WithKeyring with the armored public keys allowed to sign", rev, r.location)
	}
	if rev == "" {
		rev = "HEAD"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.commit(ctx, rev)
	if err != nil {
		return Revision{}, err
	}
	signer, err := r.signer(rev, c)
	if err != nil {
		return Revision{}, err
	}
	rv := newRevision(rev, c)
	rv.Signed, rv.Signer = true, signer
	return rv, nil
}

// signer checks the signature of c and says who made it.
func (r *Repo) signer(rev string, c *object.Commit) (string, error) {
	if c.PGPSignature == "" {
		return "", &SignatureError{Rev: rev, Hash: c.Hash.String(), Reason: "the commit is not signed"}
	}
	key, err := c.Verify(r.opts.keyring)
	if err != nil {
		return "", &SignatureError{Rev: rev, Hash: c.Hash.String(), Reason: signatureReason(err), Err: err}
	}
	return signerName(key), nil
}

func signatureReason(err error) string {
	if errors.Is(err, pgperrors.ErrUnknownIssuer) {
		return "it was signed by a key that is not in the keyring"
	}
	return fmt.Sprintf("the signature does not check out: %v", err)
}

func signerName(e *openpgp.Entity) string {
	if id := e.PrimaryIdentity(); id != nil {
		return id.Name
	}
	return e.PrimaryKey.KeyIdString()
}
