# HealthHub estate. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

GO     ?= go
STACK  ?= production
BIN    := bin
TOOLS  := $(CURDIR)/.cache/bin

STATICCHECK_VERSION := v0.7.0
STATICCHECK         := $(TOOLS)/staticcheck

# The Pulumi CLI for the engine tests, built from the module proxy (tools/pulumi) when no
# pulumi of this version is on PATH. The tests find it through PULUMI_ROOT.
PULUMI_VERSION := v3.259.0
PULUMI_ROOT    := $(CURDIR)/.cache/pulumi
PULUMI         := $(PULUMI_ROOT)/bin/pulumi
export PULUMI_ROOT

# The Pulumi home of the tests: the engine finds the Kubernetes provider plugin here, and a
# developer's own ~/.pulumi is left alone.
PULUMI_HOME := $(CURDIR)/.cache/pulumi-home
export PULUMI_HOME

# A real Kubernetes control plane and the Kubernetes provider plugin for the engine tests, built
# from the module proxy (tools/kube, tools/kubeprovider). The SDK in go.mod is pinned to the
# plugin's version, so the engine raises no version warning. The tests find the binaries
# through HEALTHHUB_KUBE_BIN.
KUBE_VERSION          := v1.34.1
KUBE_PROVIDER_VERSION := 4.24.0
KUBE_BIN              := $(CURDIR)/.cache/kube/bin
KUBE_PLUGIN           := $(PULUMI_HOME)/plugins/resource-kubernetes-v$(KUBE_PROVIDER_VERSION)/pulumi-resource-kubernetes
HEALTHHUB_KUBE_BIN    := $(KUBE_BIN)
export HEALTHHUB_KUBE_BIN
KUBE_LDFLAGS := -s -w -X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) \
  -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34 \
  -X k8s.io/component-base/version.gitTreeState=clean

.PHONY: help build test unit lint plan plan-json policy tools cli kube bench bench-kube bench-catalog mutation fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

build: ## build the Pulumi program, the estate CLI and the policy pack into bin/
	$(GO) build -o $(BIN)/healthhub .
	$(GO) build -o $(BIN)/estate ./cmd/estate
	$(GO) build -o $(BIN)/healthhub-policy ./policy

test: lint unit ## everything CI runs: lint, then every test

unit: cli kube $(BIN)/healthhub-policy ## go test ./... (component, rule, stack, plan, CLI and engine tests)
	HEALTHHUB_POLICY_PACK=$(CURDIR)/$(BIN)/healthhub-policy $(GO) test -count=1 ./...

lint: $(STATICCHECK) ## go vet, gofmt and staticcheck
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(STATICCHECK) ./...

plan: ## offline plan of STACK (default production): tree, policy verdicts, counts
	$(GO) run ./cmd/estate plan $(STACK)

plan-json: ## offline plan of STACK as JSON in plan.json
	$(GO) run ./cmd/estate plan $(STACK) --json --out plan.json > /dev/null
	@echo "wrote plan.json"

policy: $(BIN)/healthhub-policy ## build the CrossGuard policy pack binary bin/healthhub-policy

# Rebuilt only when a source it can depend on changes, so the engine tests share one build.
$(BIN)/healthhub-policy: go.mod go.sum $(shell find policy internal -name '*.go' -not -name '*_test.go' 2>/dev/null)
	$(GO) build -o $@ ./policy

tools: $(STATICCHECK) cli ## install the pinned lint tools and the Pulumi CLI into .cache

cli: $(PULUMI) ## build the Pulumi CLI $(PULUMI_VERSION) into .cache/pulumi/bin (once)

$(PULUMI): tools/pulumi/go.mod tools/pulumi/go.sum
	cd tools/pulumi && $(GO) build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
	  -o $(PULUMI) github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

kube: $(KUBE_BIN)/etcd $(KUBE_BIN)/kube-apiserver $(KUBE_BIN)/kube-controller-manager $(KUBE_PLUGIN) ## build etcd, kube-apiserver $(KUBE_VERSION), kube-controller-manager and the Kubernetes provider plugin (once)

$(KUBE_BIN)/etcd: tools/kube/go.mod tools/kube/go.sum tools/kube/etcd/main.go
	cd tools/kube && $(GO) build -ldflags "-s -w" -o $@ ./etcd

$(KUBE_BIN)/kube-apiserver $(KUBE_BIN)/kube-controller-manager: $(KUBE_BIN)/%: tools/kube/go.mod tools/kube/go.sum
	cd tools/kube && $(GO) build -ldflags "$(KUBE_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/$*
	@$@ --version | grep -qx 'Kubernetes $(KUBE_VERSION)' || { echo "$@ is not $(KUBE_VERSION)"; rm -f $@; exit 1; }

# The provider's own main embeds generated files its module download lacks: stamp copies the
# schema and mapping from the module, with the version set, for tools/kubeprovider to embed.
$(KUBE_BIN)/pulumi-resource-kubernetes: tools/kubeprovider/go.mod tools/kubeprovider/go.sum tools/kubeprovider/main.go tools/kubeprovider/stamp/main.go
	cd tools/kubeprovider && $(GO) run ./stamp "$$($(GO) list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)" gen $(KUBE_PROVIDER_VERSION)
	cd tools/kubeprovider && $(GO) build -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$(KUBE_PROVIDER_VERSION)" -o $@ .

$(KUBE_PLUGIN): $(KUBE_BIN)/pulumi-resource-kubernetes $(PULUMI)
	$(PULUMI) plugin install resource kubernetes $(KUBE_PROVIDER_VERSION) --file $< --reinstall

$(STATICCHECK):
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

bench: ## print cold and warm build times of the program and the offline plan time
	@TIMEFORMAT='%R s wall, %U s user, %S s sys'; \
	cold=$$(mktemp -d); \
	echo "== cold build of the program (empty build cache, modules already downloaded)"; \
	time GOCACHE=$$cold $(GO) build -o /dev/null . ; \
	rm -rf $$cold; \
	echo "== warm build of the program (build cache kept, main package touched)"; \
	$(GO) build -o /dev/null . ; touch main.go; \
	time $(GO) build -o /dev/null . ; \
	echo "== offline plan of the production stack, and the policy rules alone"; \
	$(GO) test -run '^$$' -bench '^Benchmark(PlanProduction|RenderText|RulesProduction)$$' -benchtime 20x -benchmem ./stacks/aws/

bench-kube: cli kube ## print the control plane's start time and the workloads' up and no-change preview on it
	$(GO) test -run '^$$' -bench '^BenchmarkKube' -benchtime 3x ./cmd/estate/ | grep -E '^Benchmark|^ok|FAIL'

bench-catalog: ## plan time as the service catalog grows: 41, 410 and 4100 functions
	$(GO) test -run '^$$' -bench 'PlanCatalog/functions=(41|410)$$' -benchtime 3x -benchmem ./stacks/aws/
	$(GO) test -run '^$$' -bench 'PlanCatalog/functions=4100$$' -benchtime 1x -benchmem ./stacks/aws/

mutation: ## flip every guarded property of the production plans (AWS, GCP, Azure) and print the detection rates
	@rc=0; \
	for t in 'aws TestMutation' 'gcp TestGCP(Mutation|Catalogue)' 'azure TestAzure(Mutation|Catalogue)'; do \
	  set -- $$t; echo "== $$1 (./stacks/$$1/)"; \
	  out=$$($(GO) test -count=1 -run "$$2" -v ./stacks/$$1/ 2>&1) || rc=1; \
	  echo "$$out" | grep -E 'mutation test:|^(--- |ok|FAIL)|Error|missed' || true; \
	done; exit $$rc

fuzz: ## fuzz the config loader for FUZZTIME (default 30s)
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-30s} ./internal/config/

clean: ## remove build outputs (keeps the Go build cache)
	rm -rf $(BIN) plan.json
