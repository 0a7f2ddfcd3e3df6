// tests/unit/test_main.cpp — the single main() for every doctest unit test file.
//
// Tests write only in temp directories: the server saves in its working directory (`dir`
// defaults to "."), so the tests run inside a fresh directory under $TMPDIR, removed at
// the end, and never in the directory they were started from.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/osprey-unit.XXXXXX";
  if (!mkdtemp(templ.data()) || chdir(templ.c_str()) != 0) {
    std::perror("unit-tests: cannot make and enter a temp directory");
    return 2;
  }
  doctest::Context ctx(argc, argv);
  int rc = ctx.run();
  std::error_code ec;
  std::filesystem::current_path("/", ec);
  std::filesystem::remove_all(templ, ec);
  return rc;
}
