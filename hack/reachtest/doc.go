// Package reachtest holds reachability truth tables written from the example plans' intent, and
// what an evaluator needs to run them over netops's rendered NetworkPolicies.
package reachtest
