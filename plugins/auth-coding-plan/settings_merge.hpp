// settings_merge.hpp — the Coding Plan's part of Qwen Code's settings.json, by
// Qwen Code's own rule (0.24.4 applyModelProvidersPatch, mergeStrategy
// "prepend-and-remove-owned"): the entries of modelProviders.openai that
// Coding Plan owns are replaced by its ten, put first; every other entry is
// kept, in its order, exactly as it was. Pure functions over JSON text, so the
// rule and its refusals are tested without a host.
#pragma once

#include <optional>
#include <string>

namespace coding_plan {

// The ten modelProviders.openai entries Qwen Code writes for `base_url`, as compact JSON (an array), each
// {"id", "name", ["description",] "baseUrl", "envKey", "generationConfig"} in Qwen Code's key order.
std::string plan_entries_json(const std::string &base_url);

// providerMetadata["coding-plan"].version: Qwen Code's computeModelListVersion, the SHA-256 (hex) of
// JSON.stringify of the entries above, so Qwen Code sees its own template and offers no update.
std::string model_list_version(const std::string &base_url);

// Whether an entry (JSON object text) is one Coding Plan owns: envKey BAILIAN_CODING_PLAN_API_KEY and a
// baseUrl that is one of the two regions' or `chosen_base_url` (a custom endpoint this sign-in uses).
bool is_owned_entry(const std::string &entry_json, const std::string &chosen_base_url);

struct MergeResult {
  std::string json;     // the new modelProviders.openai array, compact; empty when `problem` is set
  std::string problem;  // why the list is not edited (a value in the way), or empty
};

// The new modelProviders.openai for `existing` (its JSON text, nullopt when absent): the plan's entries
// for `base_url` first, then the entries it does not own, in order. A value that is not an array, or an
// entry that is not an object, is someone else's shape: refused with `problem`, nothing to write.
MergeResult merge_owned_entries(const std::optional<std::string> &existing, const std::string &base_url);

// Why the whole settings (JSON text of the file) cannot take the sign-in's edits without replacing
// something the user wrote (modelProviders, security, security.auth, model, providerMetadata or env
// that is not an object; modelProviders.openai that is not a list of objects), or nullopt.
std::optional<std::string> settings_shape_problem(const std::string &settings_json);

}  // namespace coding_plan
