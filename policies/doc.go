// Package policies embeds netops's built-in Rego policies, which the policy stage runs on every plan.
package policies
