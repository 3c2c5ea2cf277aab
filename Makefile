# ebpc: the two set-up commands are `make run` and `make test` (see README.md).
# Both install what is missing (Debian 12, apt-get), then build and run.

JOBS        ?= $(shell nproc)
BUILD       ?= build
RELEASE_DIR := $(BUILD)/release
ASAN_DIR    := $(BUILD)/asan
FUZZ_DIR    := $(BUILD)/fuzz
FUZZ_SECONDS ?= 20
PREFIX      ?= /usr/local
CMAKE_COMMON := -G Ninja -DEBPC_WERROR=ON

APT_PACKAGES := cmake ninja-build g++ clang libclang-rt-14-dev pkg-config \
  libcli11-dev libfmt-dev nlohmann-json3-dev libzstd-dev liblz4-dev libdeflate-dev libxxhash-dev \
  libexpected-dev libgtest-dev libgmock-dev libbenchmark-dev gnuplot-nox zstd \
  verilator iverilog opensta qflow-tech-osu018

SAMPLE := $(sort $(wildcard data/fmaps-sample/mobilenet_v2-kite/*.npy))
RESULTS ?= $(BUILD)/results

.PHONY: all deps build run measure test test-release test-asan test-fuzz test-extract bench synth rtl-lint install clean

all: build

# Installs the Debian packages that are missing (needs root or sudo).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(RELEASE_DIR)/build.ninja: | deps
	cmake -S . -B $(RELEASE_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release

build: deps $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS)

# The main job on the data that ships in the repo: the paper's study on the shipped
# MobileNetV2 dataset (tables on stdout; results.csv, summary.md and plots in $(RESULTS)),
# with the authors' evaluation quirks and the hardware model's words/cycle.
run: build
	$(RELEASE_DIR)/tools/ebpc/ebpc eval data/mobilenet_v2 --out $(RESULTS) --quirks --hw \
	  --formats fixed8,fixed12,fixed16,float16,bfloat16,float32

# Every codec on the fixed8 sample of the shared feature maps.
measure: build
	$(RELEASE_DIR)/tools/ebpc/ebpc measure $(SAMPLE)

test: test-release test-asan test-fuzz test-extract
	@echo "make test: all test stages passed"

test-release: build
	cd $(RELEASE_DIR) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B $(ASAN_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEBPC_SANITIZE=ON -DEBPC_BUILD_BENCH=OFF
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -LE slow

# libFuzzer (clang): every decoder target runs for FUZZ_SECONDS from the committed corpus.
test-fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEBPC_FUZZ=ON \
	  -DEBPC_BUILD_TESTS=OFF -DEBPC_BUILD_TOOLS=OFF -DEBPC_BUILD_BENCH=OFF -DEBPC_WITH_HW=OFF -DEBPC_WITH_EVAL=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh $(FUZZ_DIR)/fuzz

# The feature-map extractor (node, pinned npm dependencies): one real MobileNetV2
# extraction checked against its manifest, and the shipped dataset against its files.
test-extract: deps
	bash tests/extract/run.sh

bench: build
	$(RELEASE_DIR)/bench/ebpc_bench

# Our RTL (rtl/, docs/hardware.md "Our RTL"): area and timing in one open flow (YoWASP Yosys
# 0.55 pinned in rtl/synth/package-lock.json, OSU 0.18 um cells, OpenSTA), one table row per
# top, W and abc mode; netlists and reports in $(BUILD)/synth.
synth: deps
	bash rtl/synth/synth.sh $(BUILD)/synth

# Verilator lint (-Wall) of both tops at every tested W, B.
rtl-lint: deps
	@for top in ebpc_encoder ebpc_decoder; do for wb in 8:8 16:8 16:16; do \
	  w=$${wb%%:*}; b=$${wb##*:}; echo "verilator --lint-only -Wall $$top W=$$w B=$$b"; \
	  (cd rtl && verilator --lint-only -Wall -GW=$$w -GB=$$b --top-module $$top $$(cat $$top.f)) || exit 1; \
	done; done

install: build
	cmake --install $(RELEASE_DIR) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
