// qwen — the host's entry point; everything else is in qwen_core.
#include "app/application.hpp"

int main(int argc, char **argv) {
  return qwen::app::run_qwen(argc, argv);
}
