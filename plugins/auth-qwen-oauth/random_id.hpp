// random_id.hpp — unpredictable bytes and ids from the operating system's CSPRNG.
#pragma once

#include <cstddef>
#include <string>

namespace qwen_oauth {

// `count` bytes from OpenSSL's RAND_bytes; throws qwen::sdk::Error when the generator fails.
std::string random_bytes(size_t count);

// A random (version 4) UUID in its usual text form, for x-request-id.
std::string random_uuid();

}  // namespace qwen_oauth
