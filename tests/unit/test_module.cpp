// tests/unit/test_module.cpp — MODULE as Redis 7.0.15 answers it with no module loaded
// (replies recorded from the real server): the enable-module-command refusal, an empty
// LIST, LOAD / LOADEX of a missing file, UNLOAD of an unknown name, HELP, arity and
// unknown subcommands.
#include <doctest/doctest.h>

#include "common/config.h"
#include "tests/unit/harness.h"

using osprey::cfg;
using osprey::PROTECTED_ACTION_LOCAL;
using osprey::PROTECTED_ACTION_NO;
using osprey::PROTECTED_ACTION_YES;
using osprey::test::TestServer;

namespace {

const char* kNotAllowed =
    "-ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.\r\n";
const char* kLoadError = "-ERR Error loading the extension. Please check the server logs.\r\n";

}  // namespace

TEST_CASE("MODULE with enable-module-command no (the default)") {
  TestServer ts;
  CHECK(cfg().enable_module_command == PROTECTED_ACTION_NO);
  CHECK(ts.run({"MODULE", "LOAD", "/nonexistent/osprey-test.so"}) == kNotAllowed);
  CHECK(ts.run({"MODULE", "LOADEX", "/nonexistent/osprey-test.so"}) == kNotAllowed);
  CHECK(ts.run({"MODULE", "UNLOAD", "foo"}) == kNotAllowed);
  // LIST and HELP are not protected: they answer whatever the setting.
  CHECK(ts.run({"MODULE", "LIST"}) == "*0\r\n");
  CHECK(ts.run({"MODULE", "HELP"}).rfind("*11\r\n+MODULE <subcommand> [<arg> [value] [opt] ...]. "
                                         "Subcommands are:\r\n+LIST\r\n", 0) == 0);
  // Arity is checked before the setting.
  CHECK(ts.run({"MODULE", "LOAD"}) == "-ERR wrong number of arguments for 'module|load' command\r\n");
}

TEST_CASE("MODULE with enable-module-command yes / local") {
  TestServer ts;
  for (int mode : {PROTECTED_ACTION_YES, PROTECTED_ACTION_LOCAL}) {  // the fake client is local
    cfg().enable_module_command = mode;
    CHECK(ts.run({"MODULE", "LIST"}) == "*0\r\n");
    CHECK(ts.run({"MODULE", "LOAD", "/nonexistent/osprey-test.so"}) == kLoadError);
    CHECK(ts.run({"MODULE", "LOAD", "/nonexistent/osprey-test.so", "a", "b"}) == kLoadError);
    CHECK(ts.run({"MODULE", "LOADEX", "/nonexistent/osprey-test.so"}) == kLoadError);
    CHECK(ts.run({"MODULE", "LOADEX", "/nonexistent/osprey-test.so", "CONFIG", "a"}) == kLoadError);
    CHECK(ts.run({"MODULE", "LOADEX", "/nonexistent/osprey-test.so", "CONFIG", "a", "b", "ARGS", "x"}) ==
          kLoadError);
    CHECK(ts.run({"MODULE", "LOADEX", "/nonexistent/osprey-test.so", "foo"}) == kLoadError);
    CHECK(ts.run({"MODULE", "UNLOAD", "foo"}) ==
          "-ERR Error unloading module: no such module with that name\r\n");
    CHECK(ts.run({"MODULE", "LIST", "extra"}) ==
          "-ERR wrong number of arguments for 'module|list' command\r\n");
    CHECK(ts.run({"MODULE", "UNLOAD"}) == "-ERR wrong number of arguments for 'module|unload' command\r\n");
    CHECK(ts.run({"MODULE", "UNLOAD", "a", "b"}) ==
          "-ERR wrong number of arguments for 'module|unload' command\r\n");
    CHECK(ts.run({"MODULE", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try MODULE HELP.\r\n");
    CHECK(ts.run({"MODULE"}) == "-ERR wrong number of arguments for 'module' command\r\n");
    CHECK(ts.run({"MODULE", "HELP"}) ==
          "*11\r\n"
          "+MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
          "+LIST\r\n+    Return a list of loaded modules.\r\n"
          "+LOAD <path> [<arg> ...]\r\n"
          "+    Load a module library from <path>, passing to it any optional arguments.\r\n"
          "+LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]\r\n"
          "+    Load a module library from <path>, while passing it module configurations and "
          "optional arguments.\r\n"
          "+UNLOAD <name>\r\n+    Unload a module.\r\n"
          "+HELP\r\n+    Prints this help.\r\n");
  }
}
