// The terminal front-end's rendering in-process, without a terminal: the bench's ~1 MB Markdown answer
// (bench/tty_render.py's markdown_answer, every element repeated) fed in 4-byte deltas as the fake provider
// streams it, rendered with colour (MarkdownStream: raw tail, cuts, md4c, layout, code colours) against what
// the raw path does with each delta (terminal_safe). The whole-process rows in bench/measure.py add the
// transfer and the terminal's kernel side; this one shows the renderer's own cost.
#include <benchmark/benchmark.h>

#include <qwen/sdk/terminal_text.hpp>

#include <string>
#include <vector>

#include "code_highlight.hpp"
#include "markdown_stream.hpp"

namespace {

std::string markdown_answer(size_t size = 1 << 20) {
  std::string out;
  for (int n = 0; out.size() < size; ++n) {
    const std::string s = std::to_string(n);
    out += "## Section " + s + "\n\n"
           "A paragraph with *emphasis*, **strong text**, `inline code` and [a link](https://example.com/" + s + "). "
           "It goes on for a while so that it has to be wrapped at the terminal's width, like a model's answer "
           "usually does when it explains something at length.\n\n"
           "- first point of " + s + "\n- second point, with `code`\n  - a nested point\n\n"
           "> a quoted remark\n\n"
           "```python\ndef f" + s + "(x):\n    return x * " + s + "\n```\n\n"
           "| name | value |\n|:-----|------:|\n| alpha | " + s + " |\n| beta | 42 |\n\n";
  }
  return out + "END-OF-ANSWER\n";
}

const std::string &answer() {
  static const std::string a = markdown_answer();
  return a;
}

constexpr size_t kDelta = 4;

void BM_markdown_stream_rendered(benchmark::State &state) {
  const std::string &a = answer();
  for (auto _ : state) {
    tty_frontend::MarkdownStream stream(true, [] { return tty_frontend::ScreenSize{120, 40}; });
    size_t bytes = 0;
    for (size_t at = 0; at < a.size(); at += kDelta) bytes += stream.feed(std::string_view(a).substr(at, kDelta)).size();
    bytes += stream.finish().size();
    benchmark::DoNotOptimize(bytes);
    state.counters["written_per_answer_byte"] = double(bytes) / double(a.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * a.size()));
}

void BM_markdown_stream_raw(benchmark::State &state) {
  const std::string &a = answer();
  for (auto _ : state) {
    size_t bytes = 0;
    for (size_t at = 0; at < a.size(); at += kDelta)
      bytes += qwen::sdk::terminal_safe(std::string_view(a).substr(at, kDelta)).size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * a.size()));
}

// The share of the rendering that is the code blocks' syntax colours (GNU source-highlight): the answer's
// code blocks highlighted on their own, as the renderer does at each closing fence.
void BM_code_colours_only(benchmark::State &state) {
  const std::string &a = answer();
  std::vector<std::string_view> blocks;
  for (size_t at = a.find("```python\n"); at != std::string::npos; at = a.find("```python\n", at)) {
    const size_t start = at + 10;
    const size_t end = a.find("\n```\n", start);
    blocks.push_back(std::string_view(a).substr(start, end - start));
    at = end + 5;
  }
  for (auto _ : state) {
    size_t lines = 0;
    for (const std::string_view b : blocks) lines += tty_frontend::highlight_code(b, "python").value_or(std::vector<std::string>{}).size();
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * a.size()));
}

}  // namespace

BENCHMARK(BM_markdown_stream_rendered)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_markdown_stream_raw)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_code_colours_only)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
