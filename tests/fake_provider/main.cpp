// qwen-fake-provider: a loopback OpenAI-compatible model server and chat.qwen.ai OAuth server
// for tests, benchmarks and the demo. The contract is README.md next to this file.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app.hpp"
#include "idle_exit.hpp"
#include "options.hpp"
#include "request_log.hpp"
#include "server.hpp"

namespace {

// Written under a temporary name then renamed, so a reader never sees a half-written port.
void write_port_file(const std::string &path, unsigned short port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << port << "\n";
    if (!f.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

}  // namespace

int main(int argc, char **argv) {
  std::optional<fake::Options> options;
  try {
    options = fake::parse_options(argc, argv);
  } catch (const std::exception &e) {
    std::cerr << "qwen-fake-provider: " << e.what() << "\n";
    return 2;
  }
  if (!options) return 0;  // --help

  try {
    // A client that disconnects mid-write must cost an error code, not the process.
    std::signal(SIGPIPE, SIG_IGN);
    boost::asio::io_context ioc(1);
    fake::RequestLog log(options->log_file);
    fake::App app(*options, log);
    fake::IdleExit idle(ioc, std::chrono::seconds(options->idle_exit_seconds), [&] {
      std::cerr << "qwen-fake-provider: no request for " << options->idle_exit_seconds << " s, exiting\n";
      ioc.stop();
    });
    fake::ServerHooks hooks;
    hooks.handle = [&app](const fake::Request &req) { return app.handle(req); };
    hooks.on_request = [&idle] { idle.touch(); };
    hooks.stop = [&ioc] { ioc.stop(); };
    auto listener = std::make_shared<fake::Listener>(ioc, options->port, std::move(hooks));
    app.set_port(listener->port());

    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&ioc](boost::system::error_code ec, int) {
      if (!ec) ioc.stop();
    });

    listener->start();
    idle.start();
    if (!options->port_file.empty()) write_port_file(options->port_file, listener->port());
    std::cout << "listening 127.0.0.1:" << listener->port() << std::endl;
    ioc.run();
  } catch (const std::exception &e) {
    std::cerr << "qwen-fake-provider: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
