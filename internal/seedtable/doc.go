// Package seedtable parses the network table of the seed architecture document, kept word for word as a fixture, into rows.
package seedtable
