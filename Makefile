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
BINDIR ?= bin
COMMON_SRC := $(wildcard common/*.cpp)
SERVER_SRC := $(filter-out server/main.cpp,$(wildcard server/*.cpp))
UNIT_SRC := $(wildcard tests/unit/*.cpp)
COMMON_OBJ := $(COMMON_SRC:%.cpp=$(OBJDIR)/%.o)
SERVER_OBJ := $(SERVER_SRC:%.cpp=$(OBJDIR)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.cpp=$(OBJDIR)/%.o)

.PHONY: all deps run test unit integration busy system compat compat-smoke bench clean
all: $(BINDIR)/osprey-server

$(BINDIR)/osprey-server: $(COMMON_OBJ) $(SERVER_OBJ) $(OBJDIR)/server/main.o
	@mkdir -p $(BINDIR)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BINDIR)/unit-tests: $(COMMON_OBJ) $(SERVER_OBJ) $(UNIT_OBJ)
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

test: deps
	@$(MAKE) --no-print-directory all $(BINDIR)/unit-tests
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory busy
	@# compat-smoke fetches the upstream suite, whose old-encoding RDB files system reads
	@$(MAKE) --no-print-directory compat-smoke
	@$(MAKE) --no-print-directory system
	@$(MAKE) --no-print-directory bench-smoke

compat: deps
	@$(MAKE) --no-print-directory all
	tcl-compat/run.sh --full

busy: $(BINDIR)/osprey-server
	python3 tests/integration/test_busy.py $(BINDIR)/osprey-server

# Whole-server scenarios checked against the real redis-server: persistence, the RDB format
# both ways, replication to a real replica and from a real master (test_replica: ~40 s),
# COMMAND INFO / DOCS.
system: $(BINDIR)/osprey-server
	python3 tests/integration/test_persistence.py $(BINDIR)/osprey-server
	python3 tests/integration/test_rdb.py $(BINDIR)/osprey-server
	python3 tests/integration/test_replication.py $(BINDIR)/osprey-server
	python3 tests/integration/test_replica.py $(BINDIR)/osprey-server
	python3 tests/integration/test_command_docs.py $(BINDIR)/osprey-server

compat-smoke: $(BINDIR)/osprey-server
	tcl-compat/run.sh --ci --server $(BINDIR)/osprey-server --jobs 2 --timeout 60 --unit-timeout 300 --budget 1500

bench: deps
	@$(MAKE) --no-print-directory all
	python3 bench/bench.py --osprey $(BINDIR)/osprey-server $(BENCH_ARGS)

.PHONY: bench-smoke
bench-smoke: $(BINDIR)/osprey-server
	python3 bench/bench.py --smoke --osprey $(BINDIR)/osprey-server

clean:
	rm -rf build bin

-include $(COMMON_OBJ:.o=.d) $(SERVER_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(OBJDIR)/server/main.d
