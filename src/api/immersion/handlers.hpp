#pragma once

#include <string>
#include <vector>

#include "http/router.hpp"
#include "service/metadata_service.hpp"
#include "service/progress_service.hpp"
#include "service/sync_service.hpp"

namespace it::api::immersion {

// What the immersion handlers work with; must outlive the routes.
struct Dependencies {
  service::SyncService& sync;
  service::ProgressService& progress;
  service::MetadataService& metadata;
};

// The original Lambda service's endpoints (GET /progress, GET /shows, POST /sync, PUT /show, POST
// /syncmovies, POST /syncyoutube, POST /syncspotify), and ours beside them: GET /tvdb/search,
// GET /tmdb/search and POST /api/movies. Each acts for the caller only.
std::vector<http::Route> routes(const Dependencies& deps);

// The bodies of GET /progress and GET /api/activity, written straight into a string (the same
// bytes boost::json::serialize makes of the same document, in the same field order).
std::string progressBody(const service::ProgressReport& report);
std::string activityBody(const service::ActivityReport& report);

// The trend as Java's Double.toString would print the common cases ("100.0", "-12.5",
// "122.22222222222223"): shortest round-trip digits, with ".0" on whole numbers.
std::string formatTrend(double value);

}  // namespace it::api::immersion
