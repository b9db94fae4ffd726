#pragma once

#include <cstdint>

namespace boost::json {
class value;
}

namespace it::api::tv_progress {

enum class NumberCheck {
  kOk,
  kNotInteger,   // fraction, boolean, non-numeric text, out of range (> 2^31 - 1)
  kNotPositive,  // zero or negative
};

// Reads a season or episode number: a JSON integer (or an integral number such as 3.0) or a
// string holding one ("3", " 3 ", "+3"), from 1 to 2^31 - 1. Booleans and fractions are
// rejected, unlike the original's int() which took true as 1 and 3.9 as 3.
NumberCheck parseEpisodeNumber(const boost::json::value& v, std::int64_t& out);

}  // namespace it::api::tv_progress
