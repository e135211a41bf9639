package manifests

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// The Tekton Triggers types (triggers.tekton.dev/v1beta1) that netops's triggers use.
// The Triggers module cannot be fetched here, so these mirror its field names and JSON tags
// exactly, for the fields netops uses; strict decoding then rejects any other field.

// EventListener receives webhooks and creates resources from triggers.
type EventListener struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              EventListenerSpec `json:"spec"`
}

// EventListenerSpec is the spec of an EventListener.
type EventListenerSpec struct {
	ServiceAccountName string                 `json:"serviceAccountName,omitempty"`
	Triggers           []EventListenerTrigger `json:"triggers,omitempty"`
	Resources          *ListenerResources     `json:"resources,omitempty"`
}

// ListenerResources configures the EventListener's pod.
type ListenerResources struct {
	KubernetesResource *KubernetesResource `json:"kubernetesResource,omitempty"`
}

// KubernetesResource is the EventListener's Deployment and Service.
type KubernetesResource struct {
	Replicas    *int32             `json:"replicas,omitempty"`
	ServiceType corev1.ServiceType `json:"serviceType,omitempty"`
	ServicePort *int32             `json:"servicePort,omitempty"`
	Spec        *WithPodSpec       `json:"spec,omitempty"`
}

// WithPodSpec is knative's duck type holding a pod template.
type WithPodSpec struct {
	Template corev1.PodTemplateSpec `json:"template,omitempty"`
}

// EventListenerTrigger is one trigger of an EventListener.
type EventListenerTrigger struct {
	Name               string                `json:"name,omitempty"`
	Bindings           []*TriggerSpecBinding `json:"bindings,omitempty"`
	Template           *TriggerSpecTemplate  `json:"template,omitempty"`
	TriggerRef         string                `json:"triggerRef,omitempty"`
	Interceptors       []*TriggerInterceptor `json:"interceptors,omitempty"`
	ServiceAccountName string                `json:"serviceAccountName,omitempty"`
}

// TriggerSpecBinding refers to a TriggerBinding, or sets one param.
type TriggerSpecBinding struct {
	Name       string  `json:"name,omitempty"`
	Value      *string `json:"value,omitempty"`
	Ref        string  `json:"ref,omitempty"`
	Kind       string  `json:"kind,omitempty"`
	APIVersion string  `json:"apiversion,omitempty"`
}

// TriggerSpecTemplate refers to a TriggerTemplate.
type TriggerSpecTemplate struct {
	Ref        *string              `json:"ref,omitempty"`
	APIVersion string               `json:"apiversion,omitempty"`
	Spec       *TriggerTemplateSpec `json:"spec,omitempty"`
}

// TriggerInterceptor filters or changes an event before its bindings run.
type TriggerInterceptor struct {
	Name   *string             `json:"name,omitempty"`
	Ref    InterceptorRef      `json:"ref,omitempty"`
	Params []InterceptorParams `json:"params,omitempty"`
}

// InterceptorRef names an interceptor, such as the ClusterInterceptor "github" or "cel".
type InterceptorRef struct {
	Name       string `json:"name,omitempty"`
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
}

// InterceptorParams is one param of an interceptor; its value is any JSON.
type InterceptorParams struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// TriggerBinding takes values out of an event.
type TriggerBinding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              TriggerBindingSpec `json:"spec"`
}

// TriggerBindingSpec lists the params a binding sets.
type TriggerBindingSpec struct {
	Params []BindingParam `json:"params,omitempty"`
}

// BindingParam is a param name and the expression of its value, such as $(body.after).
type BindingParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// TriggerTemplate creates resources from the params bindings set.
type TriggerTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              TriggerTemplateSpec `json:"spec"`
}

// TriggerTemplateSpec declares params and the resources to create.
type TriggerTemplateSpec struct {
	Params            []TemplateParam        `json:"params,omitempty"`
	ResourceTemplates []runtime.RawExtension `json:"resourcetemplates,omitempty"`
}

// TemplateParam is a param a TriggerTemplate declares.
type TemplateParam struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Default     *string `json:"default,omitempty"`
}
