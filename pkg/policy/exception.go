package policy

import (
	"time"

	"github.com/netops/netops/pkg/network"
)

// The rules that netops itself checks, about the repo's exceptions.
var exceptionRules = []Rule{
	{ID: "policy.exception-expired", Severity: Warn, Source: "builtin",
		Title:       "Exceptions in date",
		Description: "An exception past its expiry date covers nothing: renew it with a reason, or fix what it covered."},
	{ID: "policy.exception-unused", Severity: Warn, Source: "builtin",
		Title:       "Exceptions in use",
		Description: "An exception that covers no finding is stale: remove it."},
}

// except moves the findings that an exception in date covers to excepted. An expired exception covers
// nothing and becomes a finding itself, as does one that covers nothing.
func except(found []Finding, exceptions []*network.Exception, today time.Time) (kept, excepted []Finding) {
	active := map[[2]string]*network.Exception{}
	for _, e := range exceptions {
		if expired(e, today) {
			kept = append(kept, exceptionFinding(e, "policy.exception-expired",
				"the exception for "+e.Rule+" on "+e.Entity+" expired on "+e.Expires+"; renew it with a reason, or fix what it covered"))
			continue
		}
		active[[2]string{e.Rule, e.Entity}] = e
	}
	used := map[*network.Exception]bool{}
	for _, f := range found {
		e := active[[2]string{f.Rule, f.Entity}]
		if e == nil {
			kept = append(kept, f)
			continue
		}
		f.Exception, used[e] = e, true
		excepted = append(excepted, f)
	}
	for _, e := range exceptions {
		if active[[2]string{e.Rule, e.Entity}] == e && !used[e] {
			kept = append(kept, exceptionFinding(e, "policy.exception-unused",
				"the exception for "+e.Rule+" on "+e.Entity+" covers no finding; remove it"))
		}
	}
	return kept, excepted
}

// expired reports whether today is past an exception's expiry date. A date that does not parse has
// passed: the loader rejects it, so only a plan built in code can have one.
func expired(e *network.Exception, today time.Time) bool {
	if e.Expires == "" {
		return false
	}
	d, err := time.Parse(time.DateOnly, e.Expires)
	return err != nil || today.Format(time.DateOnly) > d.Format(time.DateOnly)
}

func exceptionFinding(e *network.Exception, rule, msg string) Finding {
	return Finding{Rule: rule, Severity: Warn, Entity: Entity(e), Message: msg, Pos: e.Pos, Source: "builtin"}
}
