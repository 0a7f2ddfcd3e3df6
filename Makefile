# Osprey top-level Makefile.
#   make            build bin/osprey-server (release, -O2)
#   make deps       install the Debian packages the build, tests and comparisons need
#   make run        deps + build + start osprey-server in the foreground with ./redis.conf
#   make test       deps + build + every test (unit, integration, tcl-compat subset)
#   make compat     the full upstream Redis 7.0.15 suite run (tcl-compat/)
#   make bench      side-by-side benchmark against the real redis-server
# Variants: BUILD=release (default), BUILD=debug, BUILD=asan (ASan + UBSan).

BUILD ?= release
CXX ?= g++
PKGS := libuv hiredis spdlog lua5.1 lua5.1-cjson lua5.1-bitop liblzf

CXXFLAGS_COMMON := -std=c++20 -Wall -Wextra -Wno-unused-parameter -MMD -MP -I. \
                   $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -DSPDLOG_FMT_EXTERNAL
ifeq ($(BUILD),debug)
  CXXFLAGS_MODE := -O0 -g3
else ifeq ($(BUILD),asan)
  CXXFLAGS_MODE := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
  LDFLAGS_MODE := -fsanitize=address,undefined
else
  CXXFLAGS_MODE := -O2 -g
endif
# jemalloc, as Redis ships with: size classes without per-chunk headers, and the allocator
# statistics INFO memory reports. ASan builds keep the C library's malloc (ASan replaces it).
ifneq ($(BUILD),asan)
  PKGS += jemalloc
  CXXFLAGS_MODE += -DOSPREY_JEMALLOC
endif
CXXFLAGS += $(CXXFLAGS_COMMON) $(CXXFLAGS_MODE)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lfmt -lpthread
LDFLAGS += $(LDFLAGS_MODE)

OBJDIR ?= build/$(BUILD)
# release in bin/, the variants in their own directory (bin/asan/, bin/debug/)
BINDIR ?= $(if $(filter release,$(BUILD)),bin,bin/$(BUILD))
COMMON_SRC := $(wildcard common/*.cpp)
SERVER_SRC := $(filter-out server/main.cpp,$(wildcard server/*.cpp))
UNIT_SRC := $(wildcard tests/unit/*.cpp)
COMMON_OBJ := $(COMMON_SRC:%.cpp=$(OBJDIR)/%.o)
SERVER_OBJ := $(SERVER_SRC:%.cpp=$(OBJDIR)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.cpp=$(OBJDIR)/%.o)
SENTINEL_SRC := $(wildcard sentinel/*.cpp)
SENTINEL_OBJ := $(SENTINEL_SRC:%.cpp=$(OBJDIR)/%.o)
# The pure parsers of sentinel/ are unit tested with the server's tests.
SENTINEL_UNIT_OBJ := $(OBJDIR)/sentinel/info_parse.o

.PHONY: all deps run test unit integration busy system compat compat-smoke bench clean
all: $(BINDIR)/osprey-server $(BINDIR)/osprey-sentinel

$(BINDIR)/osprey-server: $(COMMON_OBJ) $(SERVER_OBJ) $(OBJDIR)/server/main.o
	@mkdir -p $(BINDIR)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BINDIR)/osprey-sentinel: $(COMMON_OBJ) $(SENTINEL_OBJ)
	@mkdir -p $(BINDIR)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BINDIR)/unit-tests: $(COMMON_OBJ) $(SERVER_OBJ) $(UNIT_OBJ) $(SENTINEL_UNIT_OBJ)
	@mkdir -p $(BINDIR)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OBJDIR)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c -o $@ $<

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	./bin/osprey-server ./redis.conf

unit: $(BINDIR)/unit-tests
	./$(BINDIR)/unit-tests

integration: $(BINDIR)/osprey-server
	python3 tests/integration/run.py --reference --server $(BINDIR)/osprey-server

# Every core for the build (-Otarget keeps each compiler's messages in one piece); after
# each step tests/tree_guard.sh fails the run if the step wrote in the project tree.
NPROC := $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -ge 2 ] && echo $$n || echo 2)
TEST_STEP = $(MAKE) --no-print-directory $(1) && tests/tree_guard.sh check "make $(1)"

test: deps
	@tests/tree_guard.sh start
	@$(MAKE) --no-print-directory -j$(NPROC) -Otarget all $(BINDIR)/unit-tests
	@$(call TEST_STEP,selfcheck)
	@$(call TEST_STEP,unit)
	@$(call TEST_STEP,integration)
	@$(call TEST_STEP,busy)
	@# compat-smoke fetches the upstream suite, whose old-encoding RDB files system reads
	@$(call TEST_STEP,compat-smoke)
	@$(call TEST_STEP,system)
	@$(call TEST_STEP,asan)
	@$(call TEST_STEP,fuzz-replay)
	@$(call TEST_STEP,bench-smoke)

# The sanitizer build (ASan + UBSan + LSan, bin/asan/, build/asan/) runs the integration
# cases, the busy test and the system tests again; any sanitizer report fails the step
# (tests/sanitize_run.sh). Each step prints its time.
ASAN_BIN := bin/asan/osprey-server
.PHONY: asan
asan:
	@$(MAKE) --no-print-directory BUILD=asan -j$(NPROC) -Otarget $(ASAN_BIN)
	tests/sanitize_run.sh "asan integration" -- python3 tests/integration/run.py --server $(ASAN_BIN) --pending tests/integration/pending-asan.txt
	OSPREY_TEST_TIME_SCALE=4 tests/sanitize_run.sh "asan busy" -- python3 tests/integration/test_busy.py $(ASAN_BIN)
	tests/sanitize_run.sh "asan persistence" -- python3 tests/integration/test_persistence.py $(ASAN_BIN)
	tests/sanitize_run.sh "asan rdb" -- python3 tests/integration/test_rdb.py $(ASAN_BIN)
	tests/sanitize_run.sh "asan replication" -- python3 tests/integration/test_replication.py $(ASAN_BIN)
	tests/sanitize_run.sh "asan command docs" -- python3 tests/integration/test_command_docs.py $(ASAN_BIN)

# Checks of the test machinery itself: the Makefile's build options, the Tcl harness's
# verdict (a skiplist entry that passes fails the run).
.PHONY: selfcheck
selfcheck: $(BINDIR)/osprey-server
	tests/test_make.sh
	python3 tcl-compat/test_harness.py $(BINDIR)/osprey-server

compat: deps
	@$(MAKE) --no-print-directory all
	tcl-compat/run.sh --full
	tcl-compat/run-sentinel.sh

busy: $(BINDIR)/osprey-server
	python3 tests/integration/test_busy.py $(BINDIR)/osprey-server

# Whole-server scenarios checked against the real redis-server: persistence, the RDB format
# both ways, replication to a real replica and from a real master (test_replica: ~40 s),
# maxmemory and STICK, non-atomic scripts, COMMAND INFO / DOCS, ACL files, Sentinel (watching
# real redis-servers, then Osprey servers).
system: $(BINDIR)/osprey-server $(BINDIR)/osprey-sentinel
	python3 tests/integration/test_persistence.py $(BINDIR)/osprey-server
	python3 tests/integration/test_rdb.py $(BINDIR)/osprey-server
	python3 tests/integration/test_replication.py $(BINDIR)/osprey-server
	python3 tests/integration/test_replica.py $(BINDIR)/osprey-server
	python3 tests/integration/test_maxmemory.py $(BINDIR)/osprey-server
	python3 tests/integration/test_nonatomic.py $(BINDIR)/osprey-server
	python3 tests/integration/test_command_docs.py $(BINDIR)/osprey-server
	/usr/bin/python3 tests/integration/test_acl_file.py $(BINDIR)/osprey-server
	python3 tests/integration/test_sentinel.py $(BINDIR)/osprey-sentinel
	python3 tests/integration/test_sentinel.py $(BINDIR)/osprey-sentinel /usr/bin/redis-sentinel $(BINDIR)/osprey-server

compat-smoke: $(BINDIR)/osprey-server
	tcl-compat/run.sh --ci --server $(BINDIR)/osprey-server --jobs 2 --timeout 60 --unit-timeout 300 --budget 1500

bench: deps
	@$(MAKE) --no-print-directory all
	python3 bench/bench.py --osprey $(BINDIR)/osprey-server $(BENCH_ARGS)

.PHONY: bench-smoke
bench-smoke: $(BINDIR)/osprey-server
	python3 bench/bench.py --smoke --osprey $(BINDIR)/osprey-server

# ---- libFuzzer targets (tests/fuzz/, README there): clang with fuzzer + ASan + UBSan.
# `make fuzz FUZZ_SECONDS=N` runs each target N seconds on its corpus (new inputs go to
# build/fuzz/corpus/, crashes to build/fuzz/artifacts/); `make fuzz-replay` (in make test)
# runs every input of the committed corpora once.
FUZZ_CXX ?= clang++
FUZZ_OBJDIR := build/fuzz
FUZZ_BINDIR := bin/fuzz
FUZZ_TARGETS := resp rdb restore lua config
FUZZ_SECONDS ?= 60
FUZZ_PKGS := $(filter-out jemalloc,$(PKGS))
FUZZ_CXXFLAGS := $(CXXFLAGS_COMMON) -O1 -g -fno-omit-frame-pointer -Wno-unused-command-line-argument \
                 -fsanitize=fuzzer-no-link,address,undefined
FUZZ_LDLIBS := $(shell pkg-config --libs $(FUZZ_PKGS) 2>/dev/null) -lfmt -lpthread
FUZZ_LIB_OBJ := $(COMMON_SRC:%.cpp=$(FUZZ_OBJDIR)/%.o) $(SERVER_SRC:%.cpp=$(FUZZ_OBJDIR)/%.o) \
                $(FUZZ_OBJDIR)/tests/unit/harness.o
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BINDIR)/fuzz_%)

$(FUZZ_OBJDIR)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -c -o $@ $<

$(FUZZ_BINDIR)/fuzz_%: $(FUZZ_OBJDIR)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	@mkdir -p $(FUZZ_BINDIR)
	$(FUZZ_CXX) -fsanitize=fuzzer,address,undefined -o $@ $^ $(FUZZ_LDLIBS)

.PHONY: fuzz fuzz-build fuzz-replay
fuzz-build:
	@$(MAKE) --no-print-directory -j$(NPROC) -Otarget $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-replay:
	@$(MAKE) --no-print-directory fuzz-build
	tests/fuzz/run.sh replay 0 $(FUZZ_TARGETS)

clean:
	rm -rf build bin

-include $(COMMON_OBJ:.o=.d) $(SERVER_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(OBJDIR)/server/main.d $(SENTINEL_OBJ:.o=.d)
-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_TARGETS:%=$(FUZZ_OBJDIR)/tests/fuzz/fuzz_%.d)
