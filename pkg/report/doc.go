// Package report builds a self-contained HTML page of a network plan's address space, with the findings of a check and the changes against a base marked where they apply.
package report
