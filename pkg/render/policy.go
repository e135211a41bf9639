package render

// PolicyInput is the rendered objects as the policy stage reads them in input.rendered: each target's
// name (a site's, or the cluster's for its shared components) maps to the target's objects, in order,
// each a copy of the object as it is applied. An object names its target in its netops.dev/site label
// and the plan entity it comes from in its netops.dev/source annotation, as file:line. Every value is
// a JSON value: maps, lists, strings, bools, int64 and float64.
func PolicyInput(r *Result) map[string][]map[string]any {
	out := make(map[string][]map[string]any, len(r.Targets))
	for _, t := range r.Targets {
		objs := make([]map[string]any, len(t.Objects))
		for i, o := range t.Objects {
			objs[i] = o.DeepCopy().Object
		}
		out[t.Name] = objs
	}
	return out
}
