package manifests

import (
	"context"
	"fmt"

	"github.com/tektoncd/pipeline/pkg/apis/config"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	triggersv1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
)

// Context is the context Tekton's defaulting and validation run in: the configuration of a
// Tekton server installed with its defaults. In v1.15.1 that enables the beta API fields,
// which include matrix, array results and resolvers.
func Context(ctx context.Context) context.Context {
	cfg := &config.Config{
		Defaults:     config.DefaultConfig.DeepCopy(),
		FeatureFlags: config.DefaultFeatureFlags.DeepCopy(),
	}
	return config.ToContext(ctx, cfg)
}

// defaultable is a Tekton object: SetDefaults, then Validate, as Tekton's webhook does.
type defaultable interface {
	apis.Defaultable
	apis.Validatable
}

// Validate defaults a Tekton object and validates it as Tekton's admission webhook would
// on create, and a Triggers object as Triggers' webhook would. Other objects pass.
func Validate(ctx context.Context, o Object) error {
	d, ok := o.Value.(defaultable)
	if !ok {
		return nil
	}
	ctx = apis.WithinCreate(Context(ctx))
	// The API server names an object from its generateName before Tekton's webhook sees it.
	if m, ok := o.Value.(metav1.Object); ok && m.GetName() == "" && m.GetGenerateName() != "" {
		m.SetName(m.GetGenerateName() + "x7k2p")
	}
	d.SetDefaults(ctx)
	if ferr := d.Validate(ctx); ferr != nil {
		return fmt.Errorf("%s is invalid: %w", o, ferr)
	}
	return nil
}

// Tekton Pipelines' and Triggers' types implement defaultable.
var (
	_ defaultable = (*triggersv1.EventListener)(nil)
	_ defaultable = (*triggersv1.TriggerBinding)(nil)
	_ defaultable = (*triggersv1.TriggerTemplate)(nil)
	_ defaultable = (*v1.Task)(nil)
	_ defaultable = (*v1.Pipeline)(nil)
	_ defaultable = (*v1.TaskRun)(nil)
	_ defaultable = (*v1.PipelineRun)(nil)
)
