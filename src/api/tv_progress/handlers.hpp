#pragma once

#include <vector>

#include "http/router.hpp"
#include "service/tv_progress_service.hpp"

namespace it::api::tv_progress {

// The original Flask app's four endpoints, with its paths, status codes and messages:
//   GET  /api/show_episode?username=&tv_show=   GET /api/show_user?username=
//   POST /api/update_episode (201)              GET /api/show_all (admin; limit, cursor)
// `tv` must outlive the routes.
std::vector<http::Route> routes(service::TvProgressService& tv);

}  // namespace it::api::tv_progress
