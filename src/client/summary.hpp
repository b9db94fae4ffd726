#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace it::client {

// The progress summary exactly as the original sync_episodes.py prints it from the body of
// GET /progress: the lines after "Retrieving progress summary..." and its blank line, each
// ending in "\n". Lenient about missing fields (treated as 0, null or empty). Throws nothing.
std::string formatProgressSummary(const boost::json::object& progress);

}  // namespace it::client
