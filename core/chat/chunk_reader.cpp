#include "chat/chunk_reader.hpp"

#include <simdjson.h>

#include <memory>
#include <vector>

#include "util/utf8.hpp"

namespace qwen::chat {
namespace {

// Where a container sits, as far as the fields we read are concerned.
enum class Role { Other, Root, Choices, FirstChoice, Part, Usage };

class ChunkSax {
 public:
  using json = nlohmann::json;
  ChunkSax(ChunkFields &out, const char *part) : out_(out), part_(part) {}

  bool null() { return value_done(); }
  bool boolean(bool) { return value_done(); }
  bool number_integer(json::number_integer_t v) { return number(v); }
  bool number_unsigned(json::number_unsigned_t v) { return number(static_cast<json::number_integer_t>(v)); }
  bool number_float(json::number_float_t, const json::string_t &) { return value_done(); }
  bool binary(json::binary_t &) { return value_done(); }
  bool string(json::string_t &s) {
    if (in(Role::Part) && key() == "content")
      out_.content = std::move(s);
    else if (in(Role::FirstChoice) && key() == "finish_reason")
      out_.finish_reason = std::move(s);
    return value_done();
  }
  bool key(json::string_t &k) {
    stack_.back().key = std::move(k);
    if (stack_.back().role == Role::Root && stack_.back().key == "error") out_.has_error = true;
    return true;
  }
  bool start_object(std::size_t) {
    Role role = Role::Other;
    if (stack_.empty())
      role = Role::Root;
    else if (in(Role::Root) && key() == "usage")
      role = Role::Usage;
    else if (in(Role::Choices) && stack_.back().index == 0)
      role = Role::FirstChoice;
    else if (in(Role::FirstChoice) && key() == part_)
      role = Role::Part;
    if (role == Role::Usage) out_.usage = json::object();
    stack_.push_back({role, {}, 0, false});
    return true;
  }
  bool end_object() { return end_container(); }
  bool start_array(std::size_t) {
    Role role = in(Role::Root) && key() == "choices" ? Role::Choices : Role::Other;
    if (role == Role::Choices) out_.has_choices = true;
    stack_.push_back({role, {}, 0, true});
    return true;
  }
  bool end_array() { return end_container(); }
  bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &) { return false; }

  bool top_was_object() const { return top_was_object_; }

 private:
  struct Frame {
    Role role;
    std::string key;
    size_t index;
    bool is_array;
  };

  bool in(Role r) const { return !stack_.empty() && stack_.back().role == r; }
  const std::string &key() const { return stack_.back().key; }

  bool number(json::number_integer_t v) {
    if (in(Role::Usage) && out_.usage) (*out_.usage)[key()] = v;
    return value_done();
  }
  // After any value: the next element of an array has the next index.
  bool value_done() {
    if (!stack_.empty() && stack_.back().is_array) ++stack_.back().index;
    return true;
  }
  bool end_container() {
    bool was_object = !stack_.back().is_array;
    stack_.pop_back();
    if (stack_.empty()) top_was_object_ = was_object;
    return value_done();
  }

  ChunkFields &out_;
  std::string part_;
  std::vector<Frame> stack_;
  bool top_was_object_ = false;
};

// The same fields with simdjson, which validates the whole document (UTF-8 included) several times faster
// than nlohmann's lexer. Members are visited in order and each match overwrites the last, as the SAX pass does.
namespace sj = simdjson::dom;

void read_choice(const sj::object &choice, std::string_view part, ChunkFields &out) {
  for (auto field : choice) {
    std::string_view text;
    sj::object object;
    if (field.key == "finish_reason" && field.value.get(text) == simdjson::SUCCESS) {
      out.finish_reason = std::string(text);
    } else if (field.key == part && field.value.get(object) == simdjson::SUCCESS) {
      for (auto member : object) {
        if (member.key == "content" && member.value.get(text) == simdjson::SUCCESS) out.content = std::string(text);
      }
    }
  }
}

void read_usage(const sj::object &usage, ChunkFields &out) {
  out.usage = nlohmann::json::object();
  for (auto field : usage) {
    int64_t signed_value = 0;
    uint64_t unsigned_value = 0;
    if (field.value.type() == sj::element_type::INT64 && field.value.get(signed_value) == simdjson::SUCCESS)
      (*out.usage)[std::string(field.key)] = signed_value;
    else if (field.value.type() == sj::element_type::UINT64 && field.value.get(unsigned_value) == simdjson::SUCCESS)
      (*out.usage)[std::string(field.key)] =  // as the SAX pass: cast to the signed type
          static_cast<nlohmann::json::number_integer_t>(unsigned_value);
  }
}

// False when simdjson refused the text; the SAX pass then decides (it also takes a leading BOM, integers
// beyond 64 bits and any depth, which simdjson refuses).
bool read_with_simdjson(std::string_view json, std::string_view part, ChunkFields &out) {
  constexpr size_t kKeepParserBelow = 64u << 10;  // a parser keeps buffers (~15x) for the largest document it saw
  thread_local sj::parser reused;
  std::unique_ptr<sj::parser> big;
  sj::parser &parser = json.size() < kKeepParserBelow ? reused : *(big = std::make_unique<sj::parser>());
  sj::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return false;
  sj::object top;
  out.valid = root.get(top) == simdjson::SUCCESS;
  if (!out.valid) return true;
  for (auto field : top) {
    sj::object usage;
    sj::array choices;
    if (field.key == "error") {
      out.has_error = true;
    } else if (field.key == "usage" && field.value.get(usage) == simdjson::SUCCESS) {
      read_usage(usage, out);
    } else if (field.key == "choices" && field.value.get(choices) == simdjson::SUCCESS) {
      out.has_choices = true;
      sj::object first;
      auto it = choices.begin();
      if (it != choices.end() && (*it).get(first) == simdjson::SUCCESS) read_choice(first, part, out);
    }
  }
  return true;
}

}  // namespace

ChunkFields read_chunk(std::string_view json, const char *part) {
  ChunkFields fields;
  if (read_with_simdjson(json, part, fields)) return fields;
  fields = ChunkFields();
  ChunkSax sax(fields, part);
  bool ok = nlohmann::json::sax_parse(json.begin(), json.end(), &sax);
  fields.valid = ok && sax.top_was_object();
  // Bytes that are not UTF-8 (a server that cut a character in two, or sent Latin-1) spoil one character, not
  // the whole answer: they become U+FFFD, as a browser shows them, and the rest is read as usual.
  if (!fields.valid && util::first_invalid_utf8(json)) return read_chunk(util::repair_utf8(json), part);
  return fields;
}

}  // namespace qwen::chat
