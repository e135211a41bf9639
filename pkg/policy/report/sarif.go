package report

import (
	"encoding/json"
	"io"

	"github.com/netops/netops/pkg/policy"
)

// SARIF writes a SARIF 2.1.0 log with one run: the rules, and a result per finding at its file and
// line. An excepted finding carries an external suppression; with a base, baselineState says whether a
// finding is new.
type SARIF struct{}

// SARIFVersion and SARIFSchema are the SARIF version written and its JSON schema.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name,omitempty"`
	ShortDescription     sarifMessage  `json:"shortDescription"`
	FullDescription      *sarifMessage `json:"fullDescription,omitempty"`
	DefaultConfiguration sarifConfig   `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

func (SARIF) Output(w io.Writer, r Report) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "netops", InformationURI: "https://github.com/netops/netops"}}, Results: []sarifResult{}}
	index := map[string]int{}
	for i, rule := range r.Result.Rules {
		index[rule.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(rule))
	}
	for _, f := range r.Result.Findings {
		run.Results = append(run.Results, sarifResultOf(f, index[f.Rule]))
	}
	for _, f := range r.Result.Excepted {
		res := sarifResultOf(f, index[f.Rule])
		res.Suppressions = []sarifSuppression{{Kind: "external", Justification: f.Exception.Reason}}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}})
}

func sarifRuleOf(rule policy.Rule) sarifRule {
	s := sarifRule{ID: rule.ID, Name: rule.Title, ShortDescription: sarifMessage{Text: rule.Title},
		DefaultConfiguration: sarifConfig{Level: level(rule.Severity)}}
	if s.ShortDescription.Text == "" {
		s.ShortDescription.Text = rule.ID
	}
	if rule.Description != "" {
		s.FullDescription = &sarifMessage{Text: rule.Description}
	}
	return s
}

func sarifResultOf(f policy.Finding, ruleIndex int) sarifResult {
	loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: f.Pos.File}}
	if f.Pos.Line > 0 {
		loc.Region = &sarifRegion{StartLine: f.Pos.Line, StartColumn: f.Pos.Col}
	}
	return sarifResult{
		RuleID: f.Rule, RuleIndex: ruleIndex, Level: level(f.Severity), Message: sarifMessage{Text: f.Message},
		Locations:           []sarifLocation{{PhysicalLocation: loc}},
		PartialFingerprints: map[string]string{"netopsFinding/v1": f.Key()},
		BaselineState:       baseline(f.Status),
	}
}

func level(s policy.Severity) string {
	if s == policy.Deny {
		return "error"
	}
	return "warning"
}

func baseline(s policy.Status) string {
	switch s {
	case policy.StatusNew:
		return "new"
	case policy.StatusExisting:
		return "unchanged"
	}
	return ""
}
