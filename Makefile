# onebrc: a Go toolkit for the One Billion Row Challenge.
# `make` (or `make help`) lists the targets; README.md explains them.

ROWS     ?= 1000000000
STATIONS ?= classic
SEED     ?= 1
# The default data file is the 1B-row classic one. Other ROWS, STATIONS or
# SEED get their own file name, so a small run never passes for the big one.
ifeq ($(ROWS)-$(STATIONS)-$(SEED),1000000000-classic-1)
DATA ?= data/measurements.txt
else
DATA ?= data/measurements-$(ROWS)-$(STATIONS)-seed$(SEED).txt
endif
RUNS       ?=
BENCHFLAGS ?=
SCALEFLAGS ?=
# WITH_DUCKDB=1 adds solutions/duckdb (its own module, cgo, ~1 GB download)
# to bench, verify and scale: cmd/run reads it from the environment.
GO         ?= go

.DEFAULT_GOAL := help
.PHONY: help generate bench scale files test verify compare diff profile clean

help: ## list the targets and variables
	@echo "usage: make TARGET [ROWS=1e9] [STATIONS=classic|10k|numbered] [SEED=1] [DATA=path]"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "  DATA now: $(DATA)"

need = @test -e $(1) || { echo "make $@: $(1) is not built yet ($(2))"; exit 1; }

gen = $(GO) run ./cmd/gen --rows $(ROWS) --stations $(STATIONS) --seed $(SEED) --out $(DATA)

generate: ## write DATA (ROWS rows of STATIONS) and its expected output DATA:.txt=.out
	$(call need,cmd/gen/main.go,the generator: issue 3)
	$(gen) $(if $(FORCE),--force)

$(DATA):
	$(call need,cmd/gen/main.go,the generator: issue 3)
	$(gen)

bench: $(DATA) ## build, verify and time every solution on DATA (generating it if missing); writes results/
	$(call need,cmd/run/main.go,the harness: issue 5)
	$(GO) run ./cmd/run bench --file $(DATA) $(if $(RUNS),--runs $(RUNS)) $(BENCHFLAGS)

scale: ## time solutions against rows and cores: make scale SCALEFLAGS="--rows 1e6,1e7,1e8 --solutions '1*'"
	$(call need,cmd/run/main.go,the harness: issue 5)
	$(GO) run ./cmd/run scale --stations $(STATIONS) --seed $(SEED) $(SCALEFLAGS)

files: ## compare data files round by round: make files FILES="data/a.txt data/b.txt" FILESFLAGS="--solutions '27-*'"
	$(call need,cmd/run/main.go,the harness: issue 5)
	$(GO) run ./cmd/run files $(FILESFLAGS) $(FILES)

test: ## gofmt check, go vet, go test: exactly what CI runs
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test ./...

verify: $(DATA) ## run every solution once on DATA and compare with DATA's .out
	$(call need,cmd/run/main.go,the harness: issue 5)
	$(GO) run ./cmd/run verify $(DATA)

compare: ## benchstat between two raw result files: make compare OLD=results/a.txt NEW=results/b.txt
	@test -n "$(OLD)" -a -n "$(NEW)" || { echo "make compare: set OLD=... and NEW=... to two raw files in results/"; exit 2; }
	$(call need,cmd/run/main.go,the harness: issue 5)
	$(GO) run ./cmd/run compare $(OLD) $(NEW)

diff: ## show a step's code as a diff against the previous step's (tests, docs and a cport/ C version aside): make diff STEP=05
	@test -n "$(STEP)" || { echo "make diff: set STEP=NN, e.g. make diff STEP=05"; exit 2; }
	@cur=$$(ls -d solutions/$(STEP)-*/ 2>/dev/null | head -1); \
	test -n "$$cur" || { echo "make diff: no solutions/$(STEP)-*/ directory"; exit 2; }; \
	prev=$$(ls -d solutions/[0-9][0-9]-*/ | sort | awk -v c="$$cur" '$$0 == c {print p; exit} {p = $$0}'); \
	test -n "$$prev" || { echo "make diff: $$cur is the first step"; exit 2; }; \
	diff -ruN -x '*_test.go' -x '*.md' -x '*.txt' -x '*.pprof' -x '*.pgo' -x cport $${prev%/} $${cur%/} || true

profile: ## print the top functions of a step's CPU profile: make profile STEP=10
	@test -n "$(STEP)" || { echo "make profile: set STEP=NN, e.g. make profile STEP=10"; exit 2; }
	@p=$$(ls results/profiles/$(STEP)-*.pprof 2>/dev/null | head -1); \
	test -n "$$p" || { echo "make profile: no results/profiles/$(STEP)-*.pprof; run: go run ./cmd/run bench --profile --file $(DATA)"; exit 2; }; \
	$(GO) tool pprof -top -nodecount=25 $$p

clean: ## remove built binaries and generated data (data/)
	rm -rf bin data
