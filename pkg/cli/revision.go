package cli

import (
	"time"

	"github.com/netops/netops/pkg/source"
)

// revisionJSON is a source.Revision as netops's JSON documents show it.
type revisionJSON struct {
	Ref     string     `json:"ref,omitempty"`
	Hash    string     `json:"hash,omitempty"`
	Subject string     `json:"subject,omitempty"`
	Time    *time.Time `json:"time,omitempty"`
	Signed  bool       `json:"signed,omitempty"`
	Signer  string     `json:"signer,omitempty"`
}

func revisionOf(r source.Revision) revisionJSON {
	j := revisionJSON{Ref: r.Ref, Hash: r.Hash, Subject: r.Subject, Signed: r.Signed, Signer: r.Signer}
	if !r.Time.IsZero() {
		t := r.Time.UTC()
		j.Time = &t
	}
	return j
}
