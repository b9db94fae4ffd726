#pragma once

#include <iosfwd>
#include <string>

#include "aws/dynamodb_client.hpp"

namespace it::aws {

// The two originals' tables: the original Lambda service's single immersion table (pk/sk
// strings) and the original Flask app's TV-progress table (hash username, range tv_show).
struct TableNames {
  std::string immersion = "immersion_tracker";  // IMMERSION_TRACKER_TABLE
  std::string tv_progress = "tv_show_tracker";  // DYNAMODB_TABLE (the Flask original's name)
};

// The names from the environment variables above, else the defaults.
TableNames tableNamesFromEnvironment();

// `immersion-tracker dynamodb create-tables`: creates both tables (PAY_PER_REQUEST), waits
// until they are ACTIVE and prints their ARN and status, as the original setup script did; a
// table that exists is left alone ("Table <name> already exists"). With `sample_data`, puts
// the original script's three TV-progress items. Throws AwsError.
void createTables(DynamoDbClient& dynamodb, const TableNames& names, bool sample_data,
                  std::ostream& out);

}  // namespace it::aws
