package plan

import "strings"

// maxLineDiff bounds the size of the table a line diff builds; longer texts are shown whole.
const maxLineDiff = 1 << 18

// lineDiff compares two multi-line texts line by line, as "- old" and "+ new" lines, leaving out
// the lines they share. It reports false when either is not a multi-line text.
func lineDiff(before, after any) ([]string, bool) {
	a, aok := before.(string)
	b, bok := after.(string)
	if !aok || !bok || !strings.Contains(a+b, "\n") {
		return nil, false
	}
	x, y := strings.Split(strings.TrimSuffix(a, "\n"), "\n"), strings.Split(strings.TrimSuffix(b, "\n"), "\n")
	if len(x)*len(y) > maxLineDiff {
		return append(prefixed("- ", x), prefixed("+ ", y)...), true
	}
	return editScript(x, y), true
}

func prefixed(p string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = p + l
	}
	return out
}

// editScript walks a longest-common-subsequence table of x and y into removals and additions.
func editScript(x, y []string) []string {
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			out, i = append(out, "- "+x[i]), i+1
		default:
			out, j = append(out, "+ "+y[j]), j+1
		}
	}
	return out
}
