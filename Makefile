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

# What `make run` needs: a compiler, CMake, the codec and CLI libraries, gnuplot and zstd.
RUN_PACKAGES := cmake ninja-build g++ pkg-config \
  libcli11-dev libfmt-dev nlohmann-json3-dev libzstd-dev liblz4-dev libdeflate-dev libxxhash-dev \
  libexpected-dev gnuplot-nox zstd
# What `make test` and the other targets add: the test and benchmark libraries, clang for
# the fuzzers, the RTL tools, the Python package's dependencies, HDF5, llvm's coverage tools
# (and Node.js with npm, below).
APT_PACKAGES := $(RUN_PACKAGES) clang libclang-rt-14-dev libgtest-dev libgmock-dev libbenchmark-dev \
  verilator iverilog opensta qflow-tech-osu018 \
  pybind11-dev python3-dev python3-numpy python3-pytest python3-pip python3-setuptools \
  python3-numcodecs python3-zarr python3-torch python3-distributed \
  libhdf5-dev python3-h5py hdf5-tools llvm
# The release tree as `make test` builds it: every optional part on, so that a missing tool
# fails the build instead of leaving a stage out (a plain configure turns off what it cannot
# find: CMakeLists.txt).
RELEASE_OPTIONS = -DEBPC_BUILD_TESTS=ON -DEBPC_BUILD_BENCH=ON -DEBPC_WITH_RTL=ON -DEBPC_WITH_PYTHON=ON \
  -DEBPC_WITH_HDF5=ON -DPython3_EXECUTABLE=$(PYTHON)
# The extra tools of `make hw-fpga` / `make hw-pnr` (not part of make test): nextpnr for the
# iCE40 place and route, icestorm's icepack/icetime, and qflow's placer and router for the
# OSU 0.18 um cells.
HW_PACKAGES := nextpnr-ice40 fpga-icestorm qflow graywolf qrouter

# The Python package (python/, README "Python") is built and tested with Debian's
# interpreter: the python3 first on PATH may be another one without numpy or torch.
PYTHON      ?= /usr/bin/python3
PY_INSTALL_DIR := $(BUILD)/python-install
# Debian 12's pip refuses to install outside a virtual environment unless told
# (PEP 668); older pips do not know the flag.
# pip's default as root on Debian is /usr/local/lib/python3.X/dist-packages (PREFIX's
# default); another PREFIX is passed on (Debian's pip then uses PREFIX/local/lib/...).
PIP_PREFIX  = $(if $(filter /usr/local,$(PREFIX)),,--prefix $(PREFIX))
PIP_SYSTEM  := $(shell $(PYTHON) -m pip install --help 2>/dev/null | grep -q -- --break-system-packages && echo --break-system-packages)

SAMPLE := $(sort $(wildcard data/fmaps-sample/mobilenet_v2-kite/*.npy))
# Every shipped dataset (a directory of data/ with a manifest.json), so that a new network's
# directory is picked up without editing this file; data/fmaps-sample is the codec sample,
# not a dataset of the study.
EVAL_DATASETS := $(filter-out data/fmaps-sample,$(patsubst %/manifest.json,%,$(sort $(wildcard data/*/manifest.json))))
RESULTS ?= $(BUILD)/results

.PHONY: all deps deps-run build build-cli run measure ebpcx-study test test-release test-asan test-fuzz test-extract test-python bench synth synth-lanes deps-hw hw-fpga hw-pnr hw-report rtl-lint install clean fuzz-build fuzz-campaign fuzz-coverage

all: build

# Installs the Debian packages of $(1) that are missing (needs root or sudo); $(2) = node: also
# Node.js and npm.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ "$(2)" = node ]; then \
	  command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	  command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	fi; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install,$(APT_PACKAGES),node)

deps-hw: deps
	$(call apt_install,$(HW_PACKAGES))

deps-run:
	$(call apt_install,$(RUN_PACKAGES))

build: deps
	cmake -S . -B $(RELEASE_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release $(RELEASE_OPTIONS) >/dev/null
	cmake --build $(RELEASE_DIR) -j $(JOBS)

# The CLI alone, for `make run`: a tree that does not exist yet is configured with the
# defaults (what is not installed is left out); one that `make test` configured keeps its
# options.
build-cli: deps-run
	[ -f $(RELEASE_DIR)/build.ninja ] || cmake -S . -B $(RELEASE_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target ebpc_cli

# The main job on the data that ships in the repo: the paper's study on every shipped
# dataset, one network each (tables on stdout, among them the networks next to the paper;
# results.csv, summary.md and plots in $(RESULTS)), with the authors' evaluation quirks and
# the hardware model's words/cycle.
run: build-cli
	$(RELEASE_DIR)/tools/ebpc/ebpc eval $(EVAL_DATASETS) --out $(RESULTS) --quirks --hw

# Every codec on the fixed8 sample of the shared feature maps.
measure: build-cli
	$(RELEASE_DIR)/tools/ebpc/ebpc measure $(SAMPLE)

# The EBPC-X design study (docs/ebpcx.md; not part of make test): ratios of candidate
# mechanisms on every shipped dataset, EBPC and zstd from the release CLI; rewrites
# docs/ebpcx_tables.md, docs/ebpcx_ablation.{tsv,gp,png}; scratch in $(BUILD)/ebpcx-study.
# --full (the default here, ~20 min on one core) codes every whole map with the adaptive
# coder too; EBPCX_FLAGS= runs it on a subsample (~8 min).
EBPCX_FLAGS ?= --full
ebpcx-study: build
	nice -n 10 $(PYTHON) bench/ebpcx_study.py --cli $(RELEASE_DIR)/tools/ebpc/ebpc \
	  --work $(BUILD)/ebpcx-study --out docs $(EBPCX_FLAGS)

test: test-release test-python test-asan test-fuzz test-extract
	@echo "make test: all test stages passed"

test-release: build
	cd $(RELEASE_DIR) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B $(ASAN_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEBPC_SANITIZE=ON -DEBPC_BUILD_TESTS=ON -DEBPC_BUILD_BENCH=OFF
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -LE slow

# libFuzzer (clang): every decoder target runs for FUZZ_SECONDS from the committed corpus.
fuzz-build: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEBPC_FUZZ=ON \
	  -DEBPC_BUILD_TESTS=OFF -DEBPC_BUILD_TOOLS=OFF -DEBPC_BUILD_BENCH=OFF -DEBPC_WITH_HW=OFF -DEBPC_WITH_EVAL=ON
	cmake --build $(FUZZ_DIR) -j $(JOBS)

test-fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh $(FUZZ_DIR)/fuzz

# The deep campaign (not in `make test`; about 95 minutes on 2 cores): each decoder and parser
# target CAMPAIGN_SECONDS (900) from the committed corpus, two at a time, then the grown
# corpora minimised and written back to fuzz/corpus (commit them). docs/fuzzing.md has the
# figures. fuzz-coverage replays the committed corpora in an llvm-cov build.
CAMPAIGN_SECONDS ?= 900
CAMPAIGN_TARGETS ?= ebpc_decode ebpc_lanes ebpcx_decode container stream_reader c_api npy py_buffers \
  zvc_decode zrle_decode bpc_decode eval_inputs ebpc_roundtrip
fuzz-campaign: fuzz-build
	CAMPAIGN_SECONDS=$(CAMPAIGN_SECONDS) CAMPAIGN_JOBS=$(JOBS) CAMPAIGN_OUT=$(BUILD)/fuzz-campaign \
	  bash fuzz/campaign.sh $(FUZZ_DIR)/fuzz $(CAMPAIGN_TARGETS)

COVERAGE_DIR := $(BUILD)/coverage
fuzz-coverage: deps
	CC=clang CXX=clang++ cmake -S . -B $(COVERAGE_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DEBPC_COVERAGE=ON \
	  -DEBPC_BUILD_BENCH=OFF -DEBPC_WITH_HW=OFF -DEBPC_WITH_RTL=OFF -DEBPC_WITH_PYTHON=OFF -DEBPC_WITH_HDF5=OFF
	cmake --build $(COVERAGE_DIR) -j $(JOBS) --target fuzz_replays
	bash fuzz/coverage.sh $(COVERAGE_DIR) $(BUILD)/fuzz-coverage

# The feature-map extractor (node, pinned npm dependencies): per network one real
# extraction of one photo checked against its manifest and the shipped maps, and every
# shipped dataset against its files (tests/extract/run.sh).
test-extract: deps
	bash tests/extract/run.sh

# The Python package: the extension from the release tree, its pytest suite against the
# CLI and the converted MobileNetV2 (npm nsfwjs, tools/extract's pinned packages), then an offline pip install (reusing the release tree) into a scratch directory,
# whose copy is tested too (entry point for numcodecs included). The HDF5 plugin's tests
# (python/tests/test_hdf5.py) read the release tree's libh5ebpc.so through HDF5_PLUGIN_PATH
# and must not skip here (EBPC_WITH_HDF5=ON also for a tree configured before libhdf5-dev).
test-python: build
	[ -d tools/extract/node_modules/nsfwjs ] || npm ci --prefix tools/extract --no-audit --no-fund --loglevel=error
	PYTHONPATH=$(CURDIR)/$(RELEASE_DIR)/python EBPC_CLI=$(CURDIR)/$(RELEASE_DIR)/tools/ebpc/ebpc \
	  HDF5_PLUGIN_PATH=$(CURDIR)/$(RELEASE_DIR)/hdf5-plugins EBPC_REQUIRE_HDF5=1 \
	  EBPC_REQUIRE_CLI=1 EBPC_REQUIRE_MODELS=1 $(PYTHON) -m pytest -q -p no:cacheprovider python/tests
	rm -rf $(PY_INSTALL_DIR)
	EBPC_CMAKE_BUILD_DIR=$(CURDIR)/$(RELEASE_DIR) $(PYTHON) -m pip install -q --no-build-isolation --no-deps \
	  --no-index --target $(PY_INSTALL_DIR) .
	cd $(BUILD) && PYTHONPATH=$(CURDIR)/$(PY_INSTALL_DIR) EBPC_CLI=$(CURDIR)/$(RELEASE_DIR)/tools/ebpc/ebpc \
	  EBPC_REQUIRE_CLI=1 EBPC_EXPECT_INSTALLED=$(CURDIR)/$(PY_INSTALL_DIR) $(PYTHON) -m pytest -q -p no:cacheprovider \
	  $(CURDIR)/python/tests/test_installed.py $(CURDIR)/python/tests/test_numcodecs.py

bench: build
	$(RELEASE_DIR)/bench/ebpc_bench

# Our RTL (rtl/, docs/hardware.md "Our RTL"): area and timing in one open flow (YoWASP Yosys
# 0.55 pinned in rtl/synth/package-lock.json, OSU 0.18 um cells, OpenSTA), one table row per
# top, W and abc mode; netlists and reports in $(BUILD)/synth. Then the lane tops
# (docs/hardware.md "Lanes") at W = B = 8, LANES 1, 2, 4, 8 (`make synth-lanes` alone).
synth: deps
	bash rtl/synth/synth.sh $(BUILD)/synth
	$(MAKE) --no-print-directory synth-lanes

SYNTH_LANES_CONFIGS = $(foreach t,ebpc_encoder_lanes ebpc_decoder_lanes,$(foreach l,1 2 4 8,$(t):8:8:$(l)))
synth-lanes: deps
	SYNTH_CONFIGS="$(SYNTH_LANES_CONFIGS)" bash rtl/synth/synth.sh $(BUILD)/synth

# Our RTL on an FPGA and through an ASIC place and route (docs/hardware.md "iCE40" and "Place
# and route"; not part of make test, CI does not run them). hw-fpga: the lane tops at W = B = 8,
# LANES 1, 2, 4, 8 on an iCE40-HX8K (YoWASP Yosys synth_ice40, nextpnr-ice40, fixed seed):
# LUTs, flip-flops, fmax. hw-pnr: the lane tops at W = B = 8, LANES 1 and 4 through qflow's
# graywolf and qrouter on the OSU 0.18 um cells, OpenSTA with the routed RC delays: area,
# utilisation, worst path (qrouter capped at PNR_ROUTE_TIMEOUT s per top). hw-report: both,
# writing docs/hardware_fpga.tsv and docs/hardware_pnr.tsv.
HW_FPGA_TSV ?= $(BUILD)/fpga/hardware_fpga.tsv
HW_PNR_TSV  ?= $(BUILD)/pnr/hardware_pnr.tsv
PNR_ROUTE_TIMEOUT ?= 900
hw-fpga: deps-hw
	FPGA_TSV=$(HW_FPGA_TSV) bash rtl/synth/fpga.sh $(BUILD)/fpga

hw-pnr: deps-hw
	PNR_TSV=$(HW_PNR_TSV) PNR_ROUTE_TIMEOUT=$(PNR_ROUTE_TIMEOUT) bash rtl/synth/pnr.sh $(BUILD)/pnr

hw-report:
	$(MAKE) --no-print-directory hw-fpga HW_FPGA_TSV=$(CURDIR)/docs/hardware_fpga.tsv
	$(MAKE) --no-print-directory hw-pnr HW_PNR_TSV=$(CURDIR)/docs/hardware_pnr.tsv

# Verilator lint (-Wall) of both tops at every tested W, B.
rtl-lint: deps
	@for top in ebpc_encoder ebpc_decoder; do for wb in 8:8 16:8 16:16; do \
	  w=$${wb%%:*}; b=$${wb##*:}; echo "verilator --lint-only -Wall $$top W=$$w B=$$b"; \
	  (cd rtl && verilator --lint-only -Wall -GW=$$w -GB=$$b --top-module $$top $$(cat $$top.f)) || exit 1; \
	done; done
	@for top in ebpc_encoder_lanes ebpc_decoder_lanes; do for l in 1 2 4 8; do for wb in 8:8 16:8 16:16; do \
	  w=$${wb%%:*}; b=$${wb##*:}; echo "verilator --lint-only -Wall $$top W=$$w B=$$b LANES=$$l"; \
	  (cd rtl && verilator --lint-only -Wall -GW=$$w -GB=$$b -GLANES=$$l --top-module $$top $$(cat $$top.f)) || exit 1; \
	done; done; done

install: build
	cmake --install $(RELEASE_DIR) --prefix $(PREFIX)
	EBPC_CMAKE_BUILD_DIR=$(CURDIR)/$(RELEASE_DIR) $(PYTHON) -m pip install --no-build-isolation --no-deps --no-index \
	  $(PIP_SYSTEM) $(PIP_PREFIX) .

clean:
	rm -rf $(BUILD)
