package load

import "slices"

// Kinds lists the kinds of plan documents, in the order the README describes them.
func Kinds() []string { return slices.Clone(kinds) }

// NewDocument returns a pointer to the struct that a document of kind decodes into, field by field as
// its yaml tags say, or nil for an unknown kind. pkg/schema walks these types to describe the format.
func NewDocument(kind string) any {
	if !slices.Contains(kinds, kind) {
		return nil
	}
	return newOfKind(kind)
}
