package report

import (
	"encoding/xml"
	"io"

	"github.com/netops/netops/pkg/policy"
)

// JUnit writes one test suite with a test case per rule that found nothing and per finding: a deny
// fails, a warning passes with its message as output, and an excepted finding is skipped.
type JUnit struct{}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Class   string        `xml:"classname,attr"`
	Name    string        `xml:"name,attr"`
	File    string        `xml:"file,attr,omitempty"`
	Line    int           `xml:"line,attr,omitempty"`
	Failure *junitFailure `xml:"failure"`
	Skipped *junitSkipped `xml:"skipped"`
	Output  string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func (JUnit) Output(w io.Writer, r Report) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{suiteOf(r)}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func suiteOf(r Report) junitSuite {
	suite := junitSuite{Name: "netops check " + r.Repo}
	seen := map[string]bool{}
	for _, f := range r.Result.Findings {
		seen[f.Rule] = true
		c := findingCase(f)
		if f.Severity == policy.Deny {
			c.Failure = &junitFailure{Message: f.Message, Type: string(f.Severity), Text: f.Pos.String() + ": " + f.Message}
			suite.Failures++
		} else {
			c.Output = "warn: " + f.Message
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, f := range r.Result.Excepted {
		seen[f.Rule] = true
		c := findingCase(f)
		c.Skipped = &junitSkipped{Message: "excepted: " + f.Exception.Reason}
		suite.Cases = append(suite.Cases, c)
		suite.Skipped++
	}
	for _, rule := range r.Result.Rules {
		if !seen[rule.ID] {
			suite.Cases = append(suite.Cases, junitCase{Class: rule.ID, Name: rule.ID + ": " + rule.Title})
		}
	}
	suite.Tests = len(suite.Cases)
	return suite
}

func findingCase(f policy.Finding) junitCase {
	return junitCase{Class: f.Rule, Name: f.Entity, File: f.Pos.File, Line: f.Pos.Line}
}
