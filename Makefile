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

.PHONY: help build test unit lint plan plan-json policy tools cli bench bench-catalog mutation fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

build: ## build the Pulumi program, the estate CLI and the policy pack into bin/
	$(GO) build -o $(BIN)/healthhub .
	$(GO) build -o $(BIN)/estate ./cmd/estate
	$(GO) build -o $(BIN)/healthhub-policy ./policy

test: lint unit ## everything CI runs: lint, then every test

unit: cli $(BIN)/healthhub-policy ## go test ./... (component, rule, stack, plan, CLI and engine tests)
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

bench-catalog: ## plan time as the service catalog grows: 41, 410 and 4100 functions
	$(GO) test -run '^$$' -bench 'PlanCatalog/functions=(41|410)$$' -benchtime 3x -benchmem ./stacks/aws/
	$(GO) test -run '^$$' -bench 'PlanCatalog/functions=4100$$' -benchtime 1x -benchmem ./stacks/aws/

mutation: ## flip every guarded property of the production plan and print the detection rate
	@out=$$($(GO) test -count=1 -run 'TestMutation' -v ./stacks/aws/ 2>&1); rc=$$?; \
	echo "$$out" | grep -E 'mutation test:|^(--- |ok|FAIL)|Error|missed'; exit $$rc

fuzz: ## fuzz the config loader for FUZZTIME (default 30s)
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-30s} ./internal/config/

clean: ## remove build outputs (keeps the Go build cache)
	rm -rf $(BIN) plan.json
