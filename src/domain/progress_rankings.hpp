#pragma once

#include <vector>

#include "domain/progress.hpp"

namespace it::domain {

// The per-group lists of GET /progress, for computeProgress: groups ranked by items watched,
// most first, in an order that never depends on hash iteration. Pure functions, no I/O.

// Episodes per TVDB series; untagged folders together as one unnamed entry.
std::vector<ShowProgress> showProgress(const ProgressInput& input);
// Videos per YouTube channel.
std::vector<ChannelProgress> channelProgress(const ProgressInput& input);
// Episodes per Spotify show.
std::vector<SpotifyShowProgress> spotifyShowProgress(const ProgressInput& input);

}  // namespace it::domain
