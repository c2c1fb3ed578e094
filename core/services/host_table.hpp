// host_table.hpp — the qwen_host function table handed to each plugin.
// Each plugin gets its own table whose host_ctx names the plugin, so config
// lookups reach its own [plugins.<id>] table and auth plugins cannot call the
// front-end-only services. Every entry point catches C++ exceptions: nothing
// but status codes crosses the boundary.
#pragma once

#include <qwen/plugin.h>

#include <memory>
#include <string>

#include "services/host_backend.hpp"

namespace qwen::services {

class HostTable {
 public:
  HostTable(HostBackend &backend, std::string plugin_id, int32_t plugin_kind);
  HostTable(const HostTable &) = delete;
  HostTable &operator=(const HostTable &) = delete;

  const qwen_host *get() const { return &table_; }
  HostBackend &backend() const { return backend_; }
  const std::string &plugin_id() const { return plugin_id_; }
  int32_t plugin_kind() const { return plugin_kind_; }

 private:
  HostBackend &backend_;
  std::string plugin_id_;
  int32_t plugin_kind_;
  qwen_host table_{};
};

// Copies `message` into `err` (truncated, NUL-terminated) and returns `status`.
qwen_status fill_error(qwen_error *err, qwen_status status, const std::string &message);

}  // namespace qwen::services
