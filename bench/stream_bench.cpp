// In-process throughput of the streaming path: the SSE decoder alone, the
// decoder plus the chat parser (JSON per event), and memchr over the same
// bytes as the floor any line-based decoder must pay.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>

#include "chat/stream_parser.hpp"
#include "net/sse_decoder.hpp"

namespace {

// About 10 MB of an OpenAI-compatible stream with ~1 KiB deltas, as the fake provider sends for __bytes:N.
const std::string &stream_bytes() {
  static const std::string s = [] {
    std::string out;
    std::string piece(1000, 'x');
    const std::string event =
        "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
        "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" +
        piece + "\"}}]}\n\n";
    while (out.size() < 10'000'000) out += event;
    out += "data: [DONE]\n\n";
    return out;
  }();
  return s;
}

constexpr size_t kReadSize = 100 * 1024;  // at most what libcurl hands over per callback (CURLOPT_BUFFERSIZE)

void BM_memchr_lines(benchmark::State &state) {
  const std::string &s = stream_bytes();
  for (auto _ : state) {
    size_t lines = 0;
    const char *p = s.data();
    const char *end = p + s.size();
    while ((p = static_cast<const char *>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) != nullptr) {
      ++lines;
      ++p;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
}

void BM_sse_decoder(benchmark::State &state) {
  const std::string &s = stream_bytes();
  for (auto _ : state) {
    qwen::net::SseDecoder d;
    size_t bytes = 0;
    for (size_t off = 0; off < s.size(); off += kReadSize)
      d.feed(std::string_view(s).substr(off, kReadSize), [&](const qwen::net::SseEvent &e) { bytes += e.data.size(); });
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
}

void BM_chat_stream_parser(benchmark::State &state) {
  const std::string &s = stream_bytes();
  for (auto _ : state) {
    size_t text = 0;
    qwen::chat::StreamParser p({[&](std::string_view piece) {
                                  text += piece.size();
                                  return true;
                                },
                                {}});
    p.set_content_type("text/event-stream");
    for (size_t off = 0; off < s.size(); off += kReadSize) p.feed(std::string_view(s).substr(off, kReadSize));
    p.finish();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
}

}  // namespace

BENCHMARK(BM_memchr_lines)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sse_decoder)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_chat_stream_parser)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
