// Package plan computes what applying a rendered network would change, object by object and field by field, and sums it up in network terms.
package plan
