// deploy/aws/deploy.sh run against a real moto_server (--endpoint-url) with a dummy Lambda
// package, then everything it made read back with boto3: the two tables and their keys, the
// secret, the role and its policy (exactly the actions the function calls, none on "*"), the one
// function (custom runtime, environment, reserved concurrency), the REST API with its REQUEST
// authorizer, every route of both originals as an AWS_PROXY integration to the function, the
// UNAUTHORIZED gateway response and the stage with its throttling. A second run must update in
// place (new code, configuration, limits and secret; no second API, function, role, resource or
// permission), and --delete must remove the API, function and role but keep the data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "support/moto_server.hpp"
#include "support/process.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// The original's region; moto keeps state per region, so the checks read the same one.
constexpr const char* kRegion = "ap-southeast-2";

fs::path repoRoot() { return fs::weakly_canonical(fs::path(__FILE__).parent_path() / ".." / ".."); }

// A Lambda package: a zip with an executable `bootstrap` shell script saying `version`.
constexpr const char* kMakeZip = R"(
import sys, zipfile
path, version = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(path, "w") as z:
    info = zipfile.ZipInfo("bootstrap")
    info.external_attr = 0o755 << 16
    z.writestr(info, "#!/bin/sh\necho " + version + "\n")
)";

// Everything deploy.sh may have made in one region of a moto_server, as one JSON document. It
// reads methods one by one (get-method), not the way deploy.sh does (get-resources --embed).
constexpr const char* kInspect = R"(
import json, sys, urllib.parse
import boto3
endpoint, region = sys.argv[1], sys.argv[2]
def client(service):
    return boto3.client(service, endpoint_url=endpoint, region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test")
def document(d):
    return json.loads(urllib.parse.unquote(d)) if isinstance(d, str) else d

out = {"tables": {}, "secrets": {}, "roles": {}, "functions": {}, "apis": []}
ddb = client("dynamodb")
for name in ddb.list_tables()["TableNames"]:
    t = ddb.describe_table(TableName=name)["Table"]
    out["tables"][name] = {
        "keys": [k["AttributeName"] + ":" + k["KeyType"] for k in t["KeySchema"]],
        "types": {a["AttributeName"]: a["AttributeType"] for a in t["AttributeDefinitions"]},
        "billing": t.get("BillingModeSummary", {}).get("BillingMode", ""),
        "status": t["TableStatus"]}
sm = client("secretsmanager")
for s in sm.list_secrets()["SecretList"]:
    out["secrets"][s["Name"]] = sm.get_secret_value(SecretId=s["ARN"])["SecretString"]
iam = client("iam")
for r in iam.list_roles()["Roles"]:
    name = r["RoleName"]
    out["roles"][name] = {
        "arn": r["Arn"], "trust": document(r["AssumeRolePolicyDocument"]),
        "policies": {p: document(iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"])
                     for p in iam.list_role_policies(RoleName=name)["PolicyNames"]}}
lam = client("lambda")
for f in lam.list_functions()["Functions"]:
    name = f["FunctionName"]
    c = lam.get_function_configuration(FunctionName=name)
    try:
        statements = json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]
    except lam.exceptions.ResourceNotFoundException:
        statements = []
    # Absent (null here) when nothing is reserved.
    concurrency = lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
    out["functions"][name] = {
        "arn": c["FunctionArn"], "runtime": c.get("Runtime", ""), "handler": c.get("Handler", ""),
        "architectures": c.get("Architectures", []), "role": c["Role"],
        "memory": c["MemorySize"], "timeout": c["Timeout"], "code_sha256": c["CodeSha256"],
        "env": c.get("Environment", {}).get("Variables", {}), "permissions": statements,
        "concurrency": concurrency}
gw = client("apigateway")
for a in gw.get_rest_apis()["items"]:
    api_id = a["id"]
    api = {"id": api_id, "name": a["name"], "resources": {},
           "authorizers": gw.get_authorizers(restApiId=api_id)["items"]}
    for r in gw.get_resources(restApiId=api_id)["items"]:
        methods = {}
        for m in r.get("resourceMethods", {}):
            got = gw.get_method(restApiId=api_id, resourceId=r["id"], httpMethod=m)
            i = got.get("methodIntegration", {})
            methods[m] = {"authorizationType": got.get("authorizationType", ""),
                          "authorizerId": got.get("authorizerId", ""),
                          "integration": {"type": i.get("type", ""),
                                          "httpMethod": i.get("httpMethod", ""),
                                          "uri": i.get("uri", "")}}
        api["resources"][r["path"]] = methods
    try:
        g = gw.get_gateway_response(restApiId=api_id, responseType="UNAUTHORIZED")
        api["unauthorized"] = {"statusCode": g.get("statusCode", ""),
                               "responseParameters": g.get("responseParameters", {}),
                               "responseTemplates": g.get("responseTemplates", {})}
    except gw.exceptions.NotFoundException:
        api["unauthorized"] = None
    stages = gw.get_stages(restApiId=api_id)["item"]
    api["stages"] = {s["stageName"]: s["deploymentId"] for s in stages}
    # Per stage, its method settings by "resource path/method" ("*/*" for all of them).
    api["method_settings"] = {s["stageName"]: s.get("methodSettings", {}) for s in stages}
    api["deployments"] = sorted((d["createdDate"].timestamp(), d["id"])
                                for d in gw.get_deployments(restApiId=api_id)["items"])
    api["deployments"] = [d[1] for d in api["deployments"]]
    out["apis"].append(api)
print(json.dumps(out, default=str))
)";

// method, path, authorization: the routes of both originals, ours the sync client uses, and the
// open health check.
struct Route {
  const char* method;
  const char* path;
  const char* authorization;
};
constexpr Route kRoutes[] = {
    {"GET", "/progress", "CUSTOM"},      {"GET", "/shows", "CUSTOM"},
    {"POST", "/sync", "CUSTOM"},         {"PUT", "/show", "CUSTOM"},
    {"POST", "/syncyoutube", "CUSTOM"},  {"POST", "/syncspotify", "CUSTOM"},
    {"POST", "/syncmovies", "CUSTOM"},   {"GET", "/api/show_episode", "CUSTOM"},
    {"GET", "/api/show_user", "CUSTOM"}, {"POST", "/api/update_episode", "CUSTOM"},
    {"GET", "/api/show_all", "CUSTOM"},  {"GET", "/tvdb/search", "CUSTOM"},
    {"GET", "/tmdb/search", "CUSTOM"},   {"GET", "/api/providers", "CUSTOM"},
    {"POST", "/api/movies", "CUSTOM"},   {"GET", "/healthz", "NONE"},
};

// The names and limits a deployment was made with (deploy.sh's defaults unless changed).
struct Names {
  std::string prefix = "immersion-tracker";
  std::string immersion_table = "immersion_tracker";
  std::string tv_table = "tv_show_tracker";
  std::string secret = "immersion_tracker_api";
  std::string stage = "prod";
  int reserved_concurrency = 10;  // 0: none reserved
  double throttle_rate = 20;      // requests per second, for the stage's */* methods
  double throttle_burst = 40;
};

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::set<std::string> keys(const json::object& o) {
  std::set<std::string> out;
  for (const auto& [k, v] : o) out.emplace(k);
  return out;
}

// Every action the role's inline policies allow on a resource (ARN or "*").
std::set<std::string> allowedActions(const json::object& role) {
  std::set<std::string> out;
  for (const auto& [name, policy] : role.at("policies").as_object()) {
    for (const auto& s : policy.at("Statement").as_array()) {
      const auto& st = s.as_object();
      if (str(st.at("Effect")) != "Allow") continue;
      const auto& action = st.at("Action");
      if (action.is_string()) {
        out.insert(str(action));
      } else {
        for (const auto& a : action.as_array()) out.insert(str(a));
      }
    }
  }
  return out;
}

std::string policyText(const json::object& role) { return json::serialize(role.at("policies")); }

// The number o[key], or -1 when it is missing or not a number.
double number(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_number() ? v->to_number<double>() : -1;
}

class DeployE2E : public MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped()) return;
    if (findInPath("aws").empty()) GTEST_SKIP() << "the aws CLI is not installed";
    python3_ = findInPath("python3");
    if (python3_.empty() || run({python3_, "-c", "import boto3"}).exit_code != 0) {
      GTEST_SKIP() << "python3 with boto3 is not installed";
    }
    bash_ = findInPath("bash");
    // Only moto: test credentials, no profile or config of the machine, and no
    // AWS_ENDPOINT_URL, so a call that missed --endpoint-url would fail instead of being
    // quietly routed to moto.
    env_.set("AWS_ACCESS_KEY_ID", "test");
    env_.set("AWS_SECRET_ACCESS_KEY", "test");
    env_.set("AWS_CONFIG_FILE", dir_.path() + "/no-aws-config");
    env_.set("AWS_SHARED_CREDENTIALS_FILE", dir_.path() + "/no-aws-credentials");
    for (const char* name :
         {"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION",
          "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"}) {
      env_.unset(name);
    }
  }

  std::string makeZip(const std::string& version) {
    std::string script = dir_.path() + "/make_zip.py";
    std::ofstream(script) << kMakeZip;
    std::string zip = dir_.path() + "/lambda-" + version + ".zip";
    auto r = run({python3_, script, zip, version});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return zip;
  }

  // Runs deploy.sh against moto in kRegion; the exit code and its whole output.
  RunResult deploy(const std::vector<std::string>& args) {
    std::vector<std::string> argv{bash_,
                                  (repoRoot() / "deploy/aws/deploy.sh").string(),
                                  "--endpoint-url",
                                  moto_->url(),
                                  "--region",
                                  kRegion};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }

  json::object inspect() {
    // Not "inspect.py": that name would hide Python's own inspect module from boto3.
    std::string script = dir_.path() + "/moto_state.py";
    std::ofstream(script) << kInspect;
    auto r = run({python3_, script, moto_->url(), kRegion});
    if (r.exit_code != 0) throw std::runtime_error("reading moto's state failed: " + r.err);
    return json::parse(r.out).as_object();
  }

  // Checks one complete deployment named `n` in `state`; returns the API's id.
  std::string expectDeployed(const json::object& state, const Names& n) {
    // Tables: the originals' key schemas, on demand.
    const auto& tables = state.at("tables").as_object();
    EXPECT_EQ(keys(tables), (std::set<std::string>{n.immersion_table, n.tv_table}));
    if (tables.contains(n.immersion_table)) {
      const auto& t = tables.at(n.immersion_table).as_object();
      EXPECT_EQ(json::serialize(t.at("keys")), R"(["pk:HASH","sk:RANGE"])");
      EXPECT_EQ(json::serialize(t.at("types")), R"({"pk":"S","sk":"S"})");
      EXPECT_EQ(str(t.at("billing")), "PAY_PER_REQUEST");
      EXPECT_EQ(str(t.at("status")), "ACTIVE");
    }
    if (tables.contains(n.tv_table)) {
      const auto& t = tables.at(n.tv_table).as_object();
      EXPECT_EQ(json::serialize(t.at("keys")), R"(["username:HASH","tv_show:RANGE"])");
      EXPECT_EQ(json::serialize(t.at("types")), R"({"username":"S","tv_show":"S"})");
      EXPECT_EQ(str(t.at("billing")), "PAY_PER_REQUEST");
    }

    // The secret.
    EXPECT_TRUE(state.at("secrets").as_object().contains(n.secret));

    // One role, assumable by Lambda, allowed exactly what the function calls: not
    // secretsmanager:DescribeSecret (it only reads the value), nor cloudwatch:PutMetricData
    // (its metrics are EMF lines in its log), and nothing on every resource ("*").
    const auto& roles = state.at("roles").as_object();
    EXPECT_EQ(roles.size(), 1U) << json::serialize(roles);
    const std::string role_name = n.prefix + "-lambda";
    if (!roles.contains(role_name)) {
      ADD_FAILURE() << "no role " << role_name << ": " << json::serialize(roles);
      return "";
    }
    const auto& role = roles.at(role_name).as_object();
    EXPECT_NE(json::serialize(role.at("trust")).find("lambda.amazonaws.com"), std::string::npos);
    EXPECT_EQ(allowedActions(role),
              (std::set<std::string>{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                                     "dynamodb:DeleteItem", "dynamodb:BatchGetItem",
                                     "dynamodb:BatchWriteItem", "dynamodb:Query", "dynamodb:Scan",
                                     "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
                                     "secretsmanager:GetSecretValue", "logs:CreateLogGroup",
                                     "logs:CreateLogStream", "logs:PutLogEvents"}))
        << policyText(role);
    std::string policy = policyText(role);
    EXPECT_EQ(policy.find(R"("Resource":"*")"), std::string::npos) << policy;
    for (const auto& table : {n.immersion_table, n.tv_table}) {
      EXPECT_NE(policy.find(":table/" + table + "\""), std::string::npos) << policy;
    }
    EXPECT_NE(policy.find(":secret:" + n.secret), std::string::npos) << policy;

    // One function: our binary as a custom runtime, configured for DynamoDB.
    const auto& functions = state.at("functions").as_object();
    EXPECT_EQ(keys(functions), std::set<std::string>{n.prefix});
    if (!functions.contains(n.prefix)) return "";
    const auto& fn = functions.at(n.prefix).as_object();
    const std::string function_arn = str(fn.at("arn"));
    EXPECT_EQ(str(fn.at("runtime")), "provided.al2023");
    EXPECT_EQ(str(fn.at("handler")), "bootstrap");
    EXPECT_EQ(json::serialize(fn.at("architectures")), R"(["x86_64"])");
    EXPECT_EQ(str(fn.at("role")), str(role.at("arn")));
    const auto& env = fn.at("env").as_object();
    EXPECT_EQ(json::serialize(env),
              json::serialize(json::object{{"IMMERSION_TRACKER_STORE", "dynamodb"},
                                           {"IMMERSION_TRACKER_TABLE", n.immersion_table},
                                           {"DYNAMODB_TABLE", n.tv_table},
                                           {"IMMERSION_TRACKER_SECRET_ID", n.secret},
                                           {"IMMERSION_TRACKER_METRICS", "cloudwatch-emf"}}));
    // Its reserved concurrency, which also caps it; none when asked for 0 (or none).
    if (n.reserved_concurrency == 0) {
      EXPECT_TRUE(fn.at("concurrency").is_null()) << json::serialize(fn.at("concurrency"));
    } else {
      EXPECT_EQ(json::serialize(fn.at("concurrency")), std::to_string(n.reserved_concurrency));
    }

    // One REST API.
    const auto& apis = state.at("apis").as_array();
    EXPECT_EQ(apis.size(), 1U);
    if (apis.empty()) return "";
    const auto& api = apis[0].as_object();
    const std::string api_id = str(api.at("id"));
    EXPECT_EQ(str(api.at("name")), n.prefix + "-api");

    // Its REQUEST authorizer: the same function, keyed on the Authorization header, no cache.
    const std::string uri = std::string("arn:aws:apigateway:") + kRegion +
                            ":lambda:path/2015-03-31/functions/" + function_arn + "/invocations";
    const auto& authorizers = api.at("authorizers").as_array();
    EXPECT_EQ(authorizers.size(), 1U) << json::serialize(authorizers);
    if (authorizers.empty()) return api_id;
    const auto& authorizer = authorizers[0].as_object();
    const std::string authorizer_id = str(authorizer.at("id"));
    EXPECT_EQ(str(authorizer.at("type")), "REQUEST");
    EXPECT_EQ(str(authorizer.at("identitySource")), "method.request.header.Authorization");
    EXPECT_EQ(authorizer.at("authorizerResultTtlInSeconds").to_number<int>(), 0);
    EXPECT_EQ(str(authorizer.at("authorizerUri")), uri);

    // Every route, each an AWS_PROXY integration to the function; and nothing else.
    const auto& resources = api.at("resources").as_object();
    std::set<std::string> want_paths{"/", "/api", "/tvdb", "/tmdb"};
    for (const auto& route : kRoutes) {
      want_paths.insert(route.path);
      SCOPED_TRACE(std::string(route.method) + " " + route.path);
      if (!resources.contains(route.path)) {
        ADD_FAILURE() << "no resource " << route.path;
        continue;
      }
      const auto& methods = resources.at(route.path).as_object();
      EXPECT_EQ(keys(methods), std::set<std::string>{route.method});
      if (!methods.contains(route.method)) continue;
      const auto& m = methods.at(route.method).as_object();
      EXPECT_EQ(str(m.at("authorizationType")), route.authorization);
      if (std::string(route.authorization) == "CUSTOM") {
        EXPECT_EQ(str(m.at("authorizerId")), authorizer_id);
      }
      const auto& integration = m.at("integration").as_object();
      EXPECT_EQ(str(integration.at("type")), "AWS_PROXY");
      EXPECT_EQ(str(integration.at("httpMethod")), "POST");
      EXPECT_EQ(str(integration.at("uri")), uri);
    }
    EXPECT_EQ(keys(resources), want_paths);

    // A refused request answers 401 with a Basic challenge, as the original did.
    if (api.at("unauthorized").is_null()) {
      ADD_FAILURE() << "no UNAUTHORIZED gateway response";
    } else {
      const auto& unauthorized = api.at("unauthorized").as_object();
      EXPECT_EQ(str(unauthorized.at("statusCode")), "401");
      EXPECT_EQ(json::serialize(unauthorized.at("responseParameters")),
                R"({"gatewayresponse.header.WWW-Authenticate":"'Basic'"})");
      EXPECT_EQ(json::serialize(unauthorized.at("responseTemplates")),
                R"({"application/json":"{\"message\":$context.error.messageString}"})");
    }

    // API Gateway may invoke the function, for the routes and for the authorizer, once each.
    const auto& permissions = fn.at("permissions").as_array();
    EXPECT_EQ(permissions.size(), 2U) << json::serialize(permissions);
    std::string permissions_text = json::serialize(permissions);
    EXPECT_NE(permissions_text.find("apigateway.amazonaws.com"), std::string::npos);
    EXPECT_NE(permissions_text.find(api_id + "/*"), std::string::npos) << permissions_text;
    EXPECT_NE(permissions_text.find(api_id + "/authorizers/" + authorizer_id), std::string::npos)
        << permissions_text;

    // The stage runs the latest deployment.
    const auto& stages = api.at("stages").as_object();
    const auto& deployments = api.at("deployments").as_array();
    EXPECT_EQ(keys(stages), std::set<std::string>{n.stage});
    EXPECT_FALSE(deployments.empty());
    if (stages.contains(n.stage) && !deployments.empty()) {
      EXPECT_EQ(stages.at(n.stage), deployments.back());
    }

    // The stage throttles all its methods (*/*) at the rate and burst asked for.
    const auto& method_settings = api.at("method_settings").as_object();
    if (method_settings.contains(n.stage)) {
      const auto& settings = method_settings.at(n.stage).as_object();
      EXPECT_EQ(keys(settings), std::set<std::string>{"*/*"}) << json::serialize(settings);
      if (settings.contains("*/*")) {
        const auto& all = settings.at("*/*").as_object();
        EXPECT_DOUBLE_EQ(number(all, "throttlingRateLimit"), n.throttle_rate)
            << json::serialize(all);
        EXPECT_DOUBLE_EQ(number(all, "throttlingBurstLimit"), n.throttle_burst)
            << json::serialize(all);
      }
    }
    return api_id;
  }

  static std::string lastLine(const std::string& text) {
    std::string trimmed = text.substr(0, text.find_last_not_of('\n') + 1);
    return trimmed.substr(trimmed.find_last_of('\n') + 1);
  }

  TempDir dir_;
  ScopedEnv env_;
  std::string python3_;
  std::string bash_;
};

TEST_F(DeployE2E, DeploysEverythingAndARerunUpdatesInPlace) {
  Names names;
  auto first = deploy({"--zip", makeZip("v1")});
  ASSERT_EQ(first.exit_code, 0) << "deploy.sh failed:\n" << first.out << first.err;
  auto state = inspect();
  std::string api_id = expectDeployed(state, names);
  ASSERT_FALSE(api_id.empty());
  EXPECT_EQ(lastLine(first.out),
            "https://" + api_id + ".execute-api." + kRegion + ".amazonaws.com/prod");
  // Without --secret-file a new secret has the original's shape, with no users yet.
  EXPECT_EQ(str(state.at("secrets").at(names.secret)), R"({"users":[]})");
  const auto& fn = state.at("functions").at(names.prefix).as_object();
  EXPECT_EQ(fn.at("memory").to_number<int>(), 512);
  EXPECT_EQ(fn.at("timeout").to_number<int>(), 10);
  std::string first_code = str(fn.at("code_sha256"));

  // Again, with new code, settings, limits and a secret: the same resources, updated; 0
  // removes the reservation.
  std::string secret_file = dir_.path() + "/secret.json";
  const std::string secret =
      R"({"users": [{"user": "alice", "password": "pass:word"}], "tvdb_api_key": "k"})";
  std::ofstream(secret_file) << secret;
  auto second = deploy({"--zip", makeZip("v2"), "--memory", "1024", "--timeout", "20",
                        "--secret-file", secret_file, "--reserved-concurrency", "0",
                        "--throttle-rate", "2.5", "--throttle-burst", "5"});
  ASSERT_EQ(second.exit_code, 0) << "the second deploy.sh failed:\n" << second.out << second.err;
  names.reserved_concurrency = 0;
  names.throttle_rate = 2.5;
  names.throttle_burst = 5;
  auto again = inspect();
  EXPECT_EQ(expectDeployed(again, names), api_id);  // one API (checked inside), the same one
  const auto& fn2 = again.at("functions").at(names.prefix).as_object();
  EXPECT_NE(str(fn2.at("code_sha256")), first_code);
  EXPECT_EQ(fn2.at("memory").to_number<int>(), 1024);
  EXPECT_EQ(fn2.at("timeout").to_number<int>(), 20);
  EXPECT_EQ(str(again.at("secrets").at(names.secret)), secret);
  EXPECT_EQ(again.at("apis").at(0).at("deployments").as_array().size(), 2U);
  EXPECT_EQ(lastLine(second.out), lastLine(first.out));
}

TEST_F(DeployE2E, OtherNamesWithTheBinaryMakingTablesThenDelete) {
  Names names;
  names.prefix = "it-staging";
  names.immersion_table = "it_staging_immersion";
  names.tv_table = "it_staging_tv";
  names.secret = "it/staging";
  names.stage = "v1";
  names.reserved_concurrency = 3;
  auto r =
      deploy({"--zip", makeZip("v1"), "--name-prefix", names.prefix, "--immersion-table",
              names.immersion_table, "--tv-table", names.tv_table, "--secret-name", names.secret,
              "--stage", names.stage, "--binary", IT_BINARY, "--reserved-concurrency", "3"});
  ASSERT_EQ(r.exit_code, 0) << "deploy.sh failed:\n" << r.out << r.err;
  EXPECT_NE(r.err.find("Table ARN:"), std::string::npos) << r.err;  // the binary made them
  std::string api_id = expectDeployed(inspect(), names);
  EXPECT_EQ(lastLine(r.out), "https://" + api_id + ".execute-api." + kRegion + ".amazonaws.com/v1");

  // --delete removes what runs the service and keeps the data: tables and secret.
  auto del = deploy({"--name-prefix", names.prefix, "--delete"});
  ASSERT_EQ(del.exit_code, 0) << "deploy.sh --delete failed:\n" << del.out << del.err;
  auto state = inspect();
  EXPECT_TRUE(state.at("apis").as_array().empty());
  EXPECT_TRUE(state.at("functions").as_object().empty());
  EXPECT_TRUE(state.at("roles").as_object().empty());
  EXPECT_EQ(keys(state.at("tables").as_object()),
            (std::set<std::string>{names.immersion_table, names.tv_table}));
  EXPECT_TRUE(state.at("secrets").as_object().contains(names.secret));
  // Deleting what is gone already is fine.
  auto again = deploy({"--name-prefix", names.prefix, "--delete"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_F(DeployE2E, BadArgumentsStopItBeforeAnythingIsMade) {
  auto no_zip = deploy({"--zip", dir_.path() + "/missing.zip"});
  EXPECT_EQ(no_zip.exit_code, 1);
  EXPECT_NE(no_zip.err.find("make lambda-zip"), std::string::npos) << no_zip.err;

  std::string zip = makeZip("v1");
  auto bad_prefix = deploy({"--zip", zip, "--name-prefix", "has space"});
  EXPECT_EQ(bad_prefix.exit_code, 1);
  EXPECT_NE(bad_prefix.err.find("--name-prefix"), std::string::npos) << bad_prefix.err;

  std::string bad_json = dir_.path() + "/bad.json";
  std::ofstream(bad_json) << "{\"users\": [";
  auto bad_secret = deploy({"--zip", zip, "--secret-file", bad_json});
  EXPECT_EQ(bad_secret.exit_code, 1);
  EXPECT_NE(bad_secret.err.find("not valid JSON"), std::string::npos) << bad_secret.err;

  auto unknown = deploy({"--zip", zip, "--frobnicate"});
  EXPECT_EQ(unknown.exit_code, 1);

  // Limits that are not numbers, or that would refuse every request.
  for (const std::vector<std::string>& limit :
       {std::vector<std::string>{"--reserved-concurrency", "lots"},
        std::vector<std::string>{"--reserved-concurrency", "-1"},
        std::vector<std::string>{"--throttle-rate", "0"},
        std::vector<std::string>{"--throttle-rate", "fast"},
        std::vector<std::string>{"--throttle-burst", "0"},
        std::vector<std::string>{"--throttle-burst", "1.5"}}) {
    std::vector<std::string> args{"--zip", zip};
    args.insert(args.end(), limit.begin(), limit.end());
    auto bad_limit = deploy(args);
    EXPECT_EQ(bad_limit.exit_code, 1) << limit[0] << " " << limit[1];
    EXPECT_NE(bad_limit.err.find(limit[0] + " must be"), std::string::npos) << bad_limit.err;
  }

  auto state = inspect();
  EXPECT_TRUE(state.at("tables").as_object().empty());
  EXPECT_TRUE(state.at("functions").as_object().empty());
  EXPECT_TRUE(state.at("apis").as_array().empty());
}

}  // namespace
}  // namespace it::test
