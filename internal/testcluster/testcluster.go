package testcluster

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
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

// Cluster is a started control plane, with a client of all rights and a kubeconfig file for the
// commands and components that the tests run against it.
type Cluster struct {
	Env        *envtest.Environment
	Config     *rest.Config
	Client     client.Client
	KubeConfig string // the path of a kubeconfig file that reaches the API server
}

// Start starts a control plane of New that keeps its certificates and its kubeconfig file in dir.
// Stop it with c.Env.Stop.
func Start(dir string) (*Cluster, error) {
	certs := filepath.Join(dir, "certs")
	if err := os.MkdirAll(certs, 0o700); err != nil {
		return nil, err
	}
	c := &Cluster{Env: New(certs, ""), KubeConfig: filepath.Join(dir, "kubeconfig")}
	var err error
	if c.Config, err = c.Env.Start(); err != nil {
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	if c.Client, err = client.New(c.Config, client.Options{}); err == nil {
		err = os.WriteFile(c.KubeConfig, c.Env.KubeConfig, 0o600)
	}
	if err != nil {
		_ = c.Env.Stop()
		return nil, err
	}
	return c, nil
}
