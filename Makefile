# Build, test and measure the Maelstrom broadcast node. `make help` lists the targets.

GO       ?= go
BIN      := bin/node
SHARED   ?= ../shared
FUZZTIME ?= 10s
# The fuzz targets, as package:Target.
FUZZ_TARGETS := ./codec:FuzzDecode ./codec:FuzzParseInt ./codec:FuzzAppendInts ./codec:FuzzAppendString ./codec:FuzzDecodeLong ./node:FuzzHandle

.PHONY: help build test unit race cases fuzz lint tidy clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build the node into bin/node
	$(GO) build -o $(BIN) .

test: lint unit race cases ## everything CI runs but fuzzing: lint, unit tests, race tests, sample cases

unit: ## go test ./...
	$(GO) test ./...

race: ## the node's packages under the race detector
	$(GO) test -race ./codec/ ./set/ ./gossip/ ./node/ .

cases: build ## the exercise's sample cases, byte for byte (skipped when ../shared is absent)
	@if [ -x $(SHARED)/run-cases ]; then $(SHARED)/run-cases ./$(BIN) $(SHARED)/cases; \
	else echo "cases: $(SHARED)/run-cases not found, skipped"; fi

fuzz: ## run each fuzz target for FUZZTIME (a duration, default 10s, or a count such as 50000x)
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done

lint: ## gofmt and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

tidy: ## fail when go.mod or go.sum are not tidy
	$(GO) mod tidy -diff

clean: ## remove build output
	rm -rf bin out
