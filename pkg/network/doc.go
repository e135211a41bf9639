// Package network is the resolved model of a network plan: sites, tenants, networks, addresses, services, VPNs and clusters, each with its source location.
package network
