#pragma once

#include <string>
#include <vector>

#include "api/immersion/metadata.hpp"
#include "http/router.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace it::api::immersion {

// What the immersion handlers work with; must outlive the routes.
struct Dependencies {
  storage::Store& store;
  const Clock& clock;
  MetadataService& metadata;
  // The zone of users without a time zone of their own (already checked to exist).
  std::string default_time_zone;
};

// Seed 004's endpoints (GET /progress, GET /shows, POST /sync, PUT /show, POST /syncmovies,
// POST /syncyoutube, POST /syncspotify) and GET /tvdb/search. Each acts for the caller only.
std::vector<http::Route> routes(const Dependencies& deps);

}  // namespace it::api::immersion
