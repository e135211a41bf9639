// Package policy checks a network plan against netops's built-in Rego policies and the repo's own, and returns findings that carry the file:line of the entity each is about.
package policy
