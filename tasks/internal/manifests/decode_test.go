package manifests_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"

	"github.com/netops/netops/tasks/internal/manifests"
)

const task = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: t
spec:
  steps:
    - name: s
      image: busybox
      script: echo hi
`

func TestDecodeIsStrict(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
	}{
		{"unknown field", strings.Replace(task, "      script:", "      scrpit: x\n      script:", 1), `unknown field "scrpit"`},
		{"duplicate key", strings.Replace(task, "  name: t\n", "  name: t\n  name: u\n", 1), `key "name" already set`},
		{"unknown kind", strings.Replace(task, "kind: Task", "kind: Tusk", 1), `unknown kind "Tusk"`},
		{"no name", strings.Replace(task, "  name: t\n", "  labels: {}\n", 1), "has no metadata.name"},
		{"triggers field", "apiVersion: triggers.tekton.dev/v1beta1\nkind: TriggerBinding\nmetadata: {name: b}\nspec:\n  parms: []\n", `unknown field "parms"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := manifests.Decode([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Decode error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadFileSplitsDocuments(t *testing.T) {
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("# a comment\n---\n" + task + "---\n" + strings.Replace(task, "name: t\n", "name: u\n", 1))}}
	objs, err := manifests.LoadAll(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].Name != "t" || objs[1].Name != "u" || objs[1].Index != 1 {
		t.Fatalf("objects = %v, want Task/t and Task/u", objs)
	}
	if _, ok := objs[0].Value.(*v1.Task); !ok {
		t.Errorf("Value is a %T, want *v1.Task", objs[0].Value)
	}
}

func TestValidateRunsTektonValidation(t *testing.T) {
	o, err := manifests.Decode([]byte(strings.Replace(task, "      image: busybox\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := manifests.Validate(context.Background(), o); err == nil || !strings.Contains(err.Error(), "spec.steps[0].Image") {
		t.Errorf("Validate = %v, want the missing image reported", err)
	}
}
