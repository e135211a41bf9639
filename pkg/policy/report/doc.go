// Package report writes the result of a policy check as text, JSON, Markdown for a pull request comment, JUnit XML or SARIF 2.1.0.
package report
