// Package components runs what netops renders against the real components it is rendered for.
package components
