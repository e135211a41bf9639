package testcluster

import (
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// ServiceRange is the service CIDR of every test control plane: a webhook, APIService or conversion
// webhook makes the API server call a Service's cluster IP, and in this range that call stays on
// this machine's loopback.
const ServiceRange = "127.200.0.0/24"

// New is an envtest environment whose API server takes its service IPs from ServiceRange. certDir,
// when not empty, is where the API server keeps its certificates; assets, when not empty, is the
// folder of kube-apiserver and etcd (else KUBEBUILDER_ASSETS).
func New(certDir, assets string) *envtest.Environment {
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	api := env.ControlPlane.GetAPIServer()
	if certDir != "" {
		api.CertDir = certDir
	}
	api.Configure().Set("service-cluster-ip-range", ServiceRange)
	return env
}
