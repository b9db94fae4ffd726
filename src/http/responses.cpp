#include "http/responses.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace it::http {

Response jsonResponse(int status, const boost::json::value& value) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(value);
  return r;
}

Response errorResponse(int status, std::string_view message) {
  return jsonResponse(status, boost::json::object{{"error", message}});
}

}  // namespace it::http
