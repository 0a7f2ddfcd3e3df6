// tests/unit/test_main.cpp — the single main() for every doctest unit test file.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
