// Package scaffold writes a small, valid, commented network repo to start a new network from.
package scaffold
