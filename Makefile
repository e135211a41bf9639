# netops: build, test and benchmark. `make help` lists the targets.
GO        ?= go
BIN       ?= bin
CACHE     ?= $(or $(NETOPS_CACHE),$(HOME)/.cache/netops)
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/netops/netops/pkg/cli.Version=$(VERSION)

TESTENV    = $(shell hack/testenv/build.sh --with-kubectl)
# The real components the tests run; NETOPS_REQUIRE_COMPONENTS makes a missing one fail, not skip.
COMPONENTS = NETOPS_REQUIRE_COMPONENTS=1 NETOPS_METALLB=$(shell hack/components/build.sh metallb)

.PHONY: help build test vet bench demo fuzz testenv clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## build bin/netops
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/netops ./cmd/netops

vet: ## go vet and gofmt
	$(GO) vet ./...
	@test -z "$$(gofmt -l pkg cmd policies manifests internal 2>/dev/null)" || { gofmt -l pkg cmd policies manifests internal; echo "gofmt needed"; exit 1; }

test: vet ## the whole test suite, against a real kube-apiserver, and one run of every benchmark
	KUBEBUILDER_ASSETS=$(TESTENV) $(COMPONENTS) $(GO) test -count=1 ./...
	KUBEBUILDER_ASSETS=$(TESTENV) $(GO) test -count=1 -run '^$$' -bench . -benchtime 1x ./... > /dev/null

testenv: ## build kube-apiserver, etcd and kubectl from the Go module proxy, once per version
	hack/testenv/build.sh --with-kubectl

bench: ## benchmarks; writes BENCHMARKS.md
	$(GO) run ./hack/bench $(BENCHFLAGS)

demo: build ## check and plan the example network repo, offline
	$(BIN)/netops check --repo examples/homelab
	$(BIN)/netops plan --repo examples/homelab --offline

FUZZTIME ?= 2m

fuzz: ## fuzz the loader, the policy check, the YAML writer and the render, each for FUZZTIME (2m)
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) ./pkg/load
	$(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5x ./pkg/policy
	$(GO) test -run '^$$' -fuzz '^FuzzYAML$$' -fuzztime $(FUZZTIME) ./pkg/render
	$(GO) test -run '^$$' -fuzz '^FuzzRender$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5x ./pkg/render

clean: ## remove build output
	rm -rf $(BIN)
