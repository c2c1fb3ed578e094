#include "chat/chunk_reader.hpp"

#include <vector>

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

}  // namespace

ChunkFields read_chunk(std::string_view json, const char *part) {
  ChunkFields fields;
  ChunkSax sax(fields, part);
  bool ok = nlohmann::json::sax_parse(json.begin(), json.end(), &sax);
  fields.valid = ok && sax.top_was_object();
  return fields;
}

}  // namespace qwen::chat
