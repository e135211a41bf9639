// Package components runs what netops renders against the real components: their own binaries, with the rendered args, env and ports.
package components
