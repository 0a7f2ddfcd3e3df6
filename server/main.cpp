// server/main.cpp — osprey-server's command line, as redis-server's:
//   osprey-server [/path/to/redis.conf] [--directive value ...] [-]
//   osprey-server -v | --version
//   osprey-server -h | --help
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "server/server.h"

static void usage() {
  fprintf(stderr,
          "Usage: ./osprey-server [/path/to/redis.conf] [options] [-]\n"
          "       ./osprey-server - (read config from stdin)\n"
          "       ./osprey-server -v or --version\n"
          "       ./osprey-server -h or --help\n"
          "\n"
          "Examples:\n"
          "       ./osprey-server (run the server with default conf)\n"
          "       echo 'maxmemory 128mb' | ./osprey-server -\n"
          "       ./osprey-server /etc/redis/6379.conf\n"
          "       ./osprey-server --port 7777\n"
          "       ./osprey-server /etc/myredis.conf --loglevel verbose -\n"
          "       ./osprey-server /etc/myredis.conf --loglevel verbose\n"
          "\n");
  exit(1);
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty()) {
    if (args[0] == "-v" || args[0] == "--version") {
      printf("Redis server v=%s sha=00000000:0 malloc=libc bits=64 build=osprey-%s\n",
             osprey::kRedisVersion, osprey::kOspreyVersion);
      return 0;
    }
    if (args[0] == "-h" || args[0] == "--help") usage();
  }
  std::string config_path;
  size_t first = 0;
  // The first argument is the config file unless it starts with "--" (or is "-").
  if (!args.empty() && args[0].rfind("--", 0) != 0 && args[0] != "-") {
    config_path = args[0];
    first = 1;
  }
  std::vector<std::string> overrides(args.begin() + static_cast<long>(first), args.end());
  return osprey::serverMain(config_path, overrides, argv[0]);
}
