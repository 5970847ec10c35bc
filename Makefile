# Build, test and measure the Maelstrom broadcast node. `make help` lists the targets.

GO       ?= go
BIN      := bin/node
SHARED   ?= ../shared
FUZZTIME ?= 10s
# The fuzz targets, as package:Target.
FUZZ_TARGETS := ./internal/vec:FuzzVec ./codec:FuzzDecode ./codec:FuzzParseInt ./codec:FuzzAppendInts ./codec:FuzzAppendString ./codec:FuzzDecodeLong ./codec:FuzzIntStream ./codec:FuzzStream ./node:FuzzHandle ./bench/cluster:FuzzParseEnvelope ./bench/cluster:FuzzParseReply

# benchstat, pinned, fetched through the Go module proxy on first use.
BENCHSTAT := $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
COUNT     ?= 6
BENCH     ?= .
BENCHTIME ?= 1s
OLD       ?= out/bench-old.txt
NEW       ?= out/bench.txt
PROFDIR   ?= pprof
FRESH     := out/pprof

# The node as of the start of the high-rate work, for same-run comparisons
# (make reference; the cluster bench's -bin bin/node-ref).
REF ?= 7a2cb12

.PHONY: help demo build test unit race cases regress fuzz lint tidy clean bench benchcmp e2e pipebench reference profile profile-diff lab tradeoff jitter seeds overload contention

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

demo: build ## a 5-node cluster with partitions for 20 s on the local bench; prints the summary and where the plots are
	$(GO) run ./bench/cmd/cluster -bin ./$(BIN) -node-count 5 -time-limit 20 -rate 10 -nemesis partition -nemesis-interval 5

build: ## build the node into bin/node
	$(GO) build -o $(BIN) .

test: lint unit race cases regress ## everything CI runs but fuzzing: lint, unit tests, race tests, sample cases, bench regressions

unit: ## go test -short over both modules (the long tests are left to regress), and the portable build of the packages with assembly (-tags purego)
	$(GO) test -short ./... ./bench/...
	$(GO) test -short -tags purego ./internal/... ./codec/ ./set/

regress: ## the long tests, one at a time: 1 GiB lines, 1,000 simulated nodes, a flooded node, the bench's process tests, Maelstrom fidelity, 3d limits on the 25-node setting, end to end
	$(GO) test -p 1 -count 1 -run 'GiB|Scale|WarmsUp' ./node/ ./gossip/
	$(GO) test -p 1 -parallel 1 -count 1 ./bench/cluster/
	$(GO) test -p 1 -count 1 -run 'TestRun$$|TestSweepNode|TestSweepJitter' ./bench/loadgen/ ./bench/tradeoff/

race: ## the node's packages under the race detector (the short tests)
	$(GO) test -race -short ./internal/... ./codec/ ./set/ ./gossip/ ./node/ .

cases: build ## the exercise's sample cases, byte for byte (skipped when ../shared is absent)
	@if [ -x $(SHARED)/run-cases ]; then $(SHARED)/run-cases ./$(BIN) $(SHARED)/cases; \
	else echo "cases: $(SHARED)/run-cases not found, skipped"; fi

fuzz: ## run each fuzz target for FUZZTIME (a duration, default 10s, or a count such as 50000x)
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done

lint: ## gofmt and go vet, here and for windows/amd64 (no Unix descriptors) and darwin/arm64 (no assembly)
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... ./bench/...
	GOOS=windows GOARCH=amd64 $(GO) vet ./... ./bench/...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./... ./bench/...

tidy: ## fail when either module's go.mod or go.sum is not tidy
	GOWORK=off $(GO) mod tidy -diff
	cd bench && GOWORK=off $(GO) mod tidy -diff

bench: ## micro benchmarks, ours and baseline: COUNT rounds over every benchmark BENCH selects, BENCHTIME each (the whole matrix takes tens of minutes), benchstat format -> out/bench.txt
	@mkdir -p out
	$(GO) test -c -o out/micro.test ./bench/micro/
	@# Rounds, not -count: -count repeats each benchmark back to back, so a
	@# slow spell of a shared machine can fall on one benchmark and miss its
	@# twin; a round runs every one once, and each spell falls on all alike.
	@: > $(NEW); for i in $$(seq $(COUNT)); do echo "bench: round $$i of $(COUNT)" >&2; \
		out/micro.test -test.run '^$$' -test.bench '$(BENCH)' -test.benchtime $(BENCHTIME) -test.timeout 0 > out/bench-round.txt; \
		st=$$?; cat out/bench-round.txt; cat out/bench-round.txt >> $(NEW); rm -f out/bench-round.txt; [ $$st -eq 0 ] || exit $$st; \
	done
	$(BENCHSTAT) -col /impl $(NEW)

benchcmp: ## compare two bench files: make benchcmp OLD=a.txt NEW=b.txt
	$(BENCHSTAT) $(OLD) $(NEW)

e2e: build ## end to end: node, baseline and cat on one 2M-line stream, medians of 3 runs
	$(GO) build -o bin/baseline ./bench/cmd/baseline
	$(GO) run ./bench/cmd/loadgen -bin $(BIN) -baseline bin/baseline -runs 3

pipebench: build ## the node and the baseline against cat through the same pipes: big reads, giant syncs, one message at a time, start-up -> out/pipebench/
	$(GO) build -o bin/baseline ./bench/cmd/baseline
	@mkdir -p out/pipebench
	$(GO) run ./bench/cmd/pipebench -bin ./$(BIN) -baseline bin/baseline -out out/pipebench/results.json > out/pipebench/tables.md && cat out/pipebench/tables.md

reference: ## build the node as of commit REF into bin/node-ref (from git history), to measure against in the same run
	@rm -rf out/ref && mkdir -p out/ref bin
	git archive $(REF) | tar -x -C out/ref
	cd out/ref && $(GO) build -o ../../bin/node-ref .
	rm -rf out/ref

jitter: build ## the default node on the efficiency setting at delivery jitters of 0, 2, 5, 10 and 20 ms, 3 runs each (about 8 min) -> out/
	$(GO) run ./bench/cmd/tradeoff -bin ./$(BIN) -sweep jitter -jitters 0,2,5,10,20 -runs 3

seeds: build ## the default node on the efficiency setting, bench seeds 1 to 10: every run's figures and the medians (about 6 min)
	$(GO) run ./bench/cmd/tradeoff -bin ./$(BIN) -variants balanced -runs 10

overload: build ## 25 nodes at 5,000 requests/s for 60 s, then 100/s for 30 s: per-phase stable latency and node CPU
	$(GO) run ./bench/cmd/cluster -bin ./$(BIN) -node-count 25 -latency 100 -rate-schedule 5000:60,100:30

contention: build ## the efficiency setting, 3 seeds, with the nodes at the bench's priority beside two busy loops
	$(GO) run ./bench/cmd/tradeoff -bin ./$(BIN) -variants none -variant 'contention=node-nice=-1,background-load=2' -runs 3

profile: ## CPU and allocation profiles of the merge and end-to-end benchmarks -> $(PROFDIR)/
	@mkdir -p $(PROFDIR)
	# CPU and allocations in separate runs: recording every allocation's
	# stack (-memprofilerate 1) would dominate the CPU profile.
	$(GO) test -run '^$$' -bench 'SyncMerge/1M/seq/empty/impl=ours' -benchtime 1000x -o $(PROFDIR)/micro.test \
		-cpuprofile $(PROFDIR)/merge.cpu.pprof ./bench/micro/
	$(GO) test -run '^$$' -bench 'SyncMerge/1M/seq/empty/impl=ours' -benchtime 1000x -memprofilerate 1 -o $(PROFDIR)/micro.test \
		-memprofile $(PROFDIR)/merge.mem.pprof ./bench/micro/
	$(GO) test -run '^$$' -bench 'SyncMerge/1M/sorted-sparse/empty/impl=ours' -benchtime 1000x -o $(PROFDIR)/micro.test \
		-cpuprofile $(PROFDIR)/sparse.cpu.pprof ./bench/micro/
	$(GO) test -run '^$$' -bench '^BenchmarkRun$$' -benchtime 5x -o $(PROFDIR)/node.test \
		-cpuprofile $(PROFDIR)/e2e.cpu.pprof ./bench/micro/
	$(GO) test -run '^$$' -bench '^BenchmarkRun$$' -benchtime 5x -memprofilerate 1 -o $(PROFDIR)/node.test \
		-memprofile $(PROFDIR)/e2e.mem.pprof ./bench/micro/
	rm -f $(PROFDIR)/micro.test $(PROFDIR)/node.test

profile-diff: ## fresh profiles into out/pprof, then the top of each against the committed ones in pprof/
	$(MAKE) --no-print-directory profile PROFDIR=$(FRESH)
	@for p in merge.cpu sparse.cpu e2e.cpu; do echo "== $$p: fresh minus reference (positive = more time now)"; \
		$(GO) tool pprof -top -nodecount 15 -diff_base pprof/$$p.pprof $(FRESH)/$$p.pprof 2>/dev/null | sed -n '/flat%/,$$p'; done
	@for p in merge.mem e2e.mem; do echo "== $$p: allocated objects, fresh minus reference"; \
		$(GO) tool pprof -top -nodecount 15 -sample_index=alloc_objects -diff_base pprof/$$p.pprof $(FRESH)/$$p.pprof 2>/dev/null | sed -n '/flat%/,$$p'; done

tradeoff: build ## the trade-off sweep: every variant 3 times on the 25-node efficiency setting (about 15 min) -> out/tradeoff-*
	$(GO) run ./bench/cmd/tradeoff -bin ./$(BIN)

lab: ## the convergence lab: rounds until all nodes hold a value, against epidemic theory -> out/lab/
	$(GO) run ./bench/cmd/convergence -out out/lab

clean: ## remove build output
	rm -rf bin out
