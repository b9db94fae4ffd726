#!/usr/bin/env bash
# Deploys immersion-tracker to AWS the way the immersion original ran: DynamoDB tables, the
# Secrets Manager secret, one IAM role, a Lambda function (our one binary as a custom runtime,
# serving both the API events and the REQUEST authorizer events) and a REST API (v1) with
# AWS_PROXY integrations. Idempotent: every resource is looked up first, so a re-run updates the
# function code and configuration and redeploys the API instead of creating duplicates.
#
# Progress goes to stderr; the last line on stdout is the invoke URL. See README.md here.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/aws/deploy.sh [options]

  --region R            AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, then the profile's)
  --zip PATH            the Lambda package (default: build/lambda/immersion-tracker-lambda.zip
                        in this repository, made by `make lambda-zip`)
  --name-prefix P       function P, API P-api, role P-lambda (default: immersion-tracker)
  --immersion-table T   the immersion original's table (default: immersion_tracker)
  --tv-table T          the TV original's table (default: tv_show_tracker)
  --secret-name S       the Secrets Manager secret (default: immersion_tracker_api)
  --secret-file FILE    JSON to store in the secret ({"users":[{"user","password"}],
                        "tvdb_api_key",...}); without it an existing secret is left alone and
                        a missing one is created as {"users":[]}
  --stage S             API Gateway stage (default: prod)
  --memory MB           Lambda memory (default: 512)
  --timeout SECONDS     Lambda timeout (default: 10)
  --reserved-concurrency N
                        reserved concurrent executions of the function, which also caps it
                        (default: 10); 0 or `none` leaves it unreserved (uncapped)
  --throttle-rate R     the stage's steady request rate per second, for all routes together
                        (default: 20; may be fractional, e.g. 0.5)
  --throttle-burst N    the stage's burst, in requests (default: 40)
  --binary PATH         create the tables with `PATH dynamodb create-tables` instead of the CLI
  --endpoint-url URL    passed to every aws call (e.g. a moto_server for testing)
  --delete              remove the API, the function and the role (keeps tables and secret)
  -h, --help            this text
EOF
}

die() {
  echo "deploy.sh: $*" >&2
  exit 1
}
log() { echo "==> $*" >&2; }

# ---------------------------------------------------------------------------------------------
# Settings

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
ZIP="$REPO_ROOT/build/lambda/immersion-tracker-lambda.zip"
PREFIX="immersion-tracker"
IMMERSION_TABLE="immersion_tracker"
TV_TABLE="tv_show_tracker"
SECRET_NAME="immersion_tracker_api"
SECRET_FILE=""
STAGE="prod"
MEMORY=512
TIMEOUT=10
RESERVED_CONCURRENCY=10
THROTTLE_RATE=20
THROTTLE_BURST=40
BINARY=""
ENDPOINT_URL=""
DELETE=0

# The API of both originals, and ours that the sync client uses (searches for ids, which movie
# database the server uses, movies without a file); the third field is the authorization
# (CUSTOM unless given).
ROUTES=(
  "GET /progress"
  "GET /shows"
  "POST /sync"
  "PUT /show"
  "POST /syncyoutube"
  "POST /syncspotify"
  "POST /syncmovies"
  "GET /api/show_episode"
  "GET /api/show_user"
  "POST /api/update_episode"
  "GET /api/show_all"
  "GET /tvdb/search"
  "GET /tmdb/search"
  "GET /api/providers"
  "POST /api/movies"
  "GET /healthz NONE"
)

parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --region) REGION="${2:?--region needs a value}"; shift 2 ;;
      --zip) ZIP="${2:?--zip needs a path}"; shift 2 ;;
      --name-prefix) PREFIX="${2:?--name-prefix needs a value}"; shift 2 ;;
      --immersion-table) IMMERSION_TABLE="${2:?--immersion-table needs a name}"; shift 2 ;;
      --tv-table) TV_TABLE="${2:?--tv-table needs a name}"; shift 2 ;;
      --secret-name) SECRET_NAME="${2:?--secret-name needs a name}"; shift 2 ;;
      --secret-file) SECRET_FILE="${2:?--secret-file needs a file}"; shift 2 ;;
      --stage) STAGE="${2:?--stage needs a name}"; shift 2 ;;
      --memory) MEMORY="${2:?--memory needs a number}"; shift 2 ;;
      --timeout) TIMEOUT="${2:?--timeout needs a number}"; shift 2 ;;
      --reserved-concurrency) RESERVED_CONCURRENCY="${2:?--reserved-concurrency needs a number or none}"; shift 2 ;;
      --throttle-rate) THROTTLE_RATE="${2:?--throttle-rate needs a number}"; shift 2 ;;
      --throttle-burst) THROTTLE_BURST="${2:?--throttle-burst needs a number}"; shift 2 ;;
      --binary) BINARY="${2:?--binary needs a path}"; shift 2 ;;
      --endpoint-url) ENDPOINT_URL="${2:?--endpoint-url needs a URL}"; shift 2 ;;
      --delete) DELETE=1; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done
}

# Names end up inside JSON documents and ARNs built here, so they are checked against what AWS
# accepts anyway; that keeps the quoting below simple and a typo fails before anything changes.
validate_args() {
  [[ "$PREFIX" =~ ^[A-Za-z0-9_-]{1,50}$ ]] || die "--name-prefix must be 1-50 letters, digits, '_' or '-'"
  API_NAME="$PREFIX-api"
  ROLE_NAME="$PREFIX-lambda"
  local table
  for table in "$IMMERSION_TABLE" "$TV_TABLE"; do
    [[ "$table" =~ ^[A-Za-z0-9_.-]{3,255}$ ]] || die "bad table name: $table"
  done
  [[ "$SECRET_NAME" =~ ^[A-Za-z0-9/_+=.@-]{1,512}$ ]] || die "bad secret name: $SECRET_NAME"
  [[ "$STAGE" =~ ^[A-Za-z0-9_]{1,128}$ ]] || die "--stage must be letters, digits or '_'"
  [[ "$MEMORY" =~ ^[0-9]+$ && "$MEMORY" -ge 128 && "$MEMORY" -le 10240 ]] || die "--memory must be 128-10240 (MB)"
  [[ "$TIMEOUT" =~ ^[0-9]+$ && "$TIMEOUT" -ge 1 && "$TIMEOUT" -le 900 ]] || die "--timeout must be 1-900 (seconds)"
  # 0 reserved would stop every invocation on AWS; here it means "no reservation", like none.
  if [[ "$RESERVED_CONCURRENCY" == none || "$RESERVED_CONCURRENCY" =~ ^0+$ ]]; then
    RESERVED_CONCURRENCY=none
  else
    [[ "$RESERVED_CONCURRENCY" =~ ^[0-9]{1,6}$ ]] || die "--reserved-concurrency must be a whole number or none"
    RESERVED_CONCURRENCY=$((10#$RESERVED_CONCURRENCY))
  fi
  # A rate or burst of 0 would refuse every request, so both must be positive.
  [[ "$THROTTLE_RATE" =~ ^[0-9]{1,6}(\.[0-9]{1,6})?$ && "$THROTTLE_RATE" =~ [1-9] ]] ||
    die "--throttle-rate must be a positive number (requests per second)"
  [[ "$THROTTLE_BURST" =~ ^[0-9]{1,6}$ && "$THROTTLE_BURST" =~ [1-9] ]] ||
    die "--throttle-burst must be a positive whole number (requests)"
  THROTTLE_BURST=$((10#$THROTTLE_BURST))
  command -v aws >/dev/null || die "the aws CLI is not installed (https://aws.amazon.com/cli/)"
  if [[ -z "$REGION" ]]; then
    REGION="$(aws configure get region 2>/dev/null || true)"
  fi
  [[ -n "$REGION" ]] || die "no region: pass --region or set AWS_REGION"
  if [[ "$DELETE" -eq 1 ]]; then
    return
  fi
  [[ -f "$ZIP" ]] || die "no Lambda package at $ZIP (build it with: make lambda-zip)"
  if [[ -n "$SECRET_FILE" ]]; then
    [[ -r "$SECRET_FILE" ]] || die "cannot read --secret-file $SECRET_FILE"
    # A secret the function cannot parse would break every cold start; catch it here.
    if command -v python3 >/dev/null; then
      python3 -m json.tool "$SECRET_FILE" >/dev/null 2>&1 || die "$SECRET_FILE is not valid JSON"
    fi
  fi
  if [[ -n "$BINARY" ]]; then
    [[ -x "$BINARY" ]] || die "--binary $BINARY is not an executable"
  fi
}

# ---------------------------------------------------------------------------------------------
# aws helpers

# Every call goes through here, so --endpoint-url and --region reach all of them. The pager is
# off for aws-cli v2 and the output is text unless a caller asks for another.
awsc() {
  local endpoint=()
  if [[ -n "$ENDPOINT_URL" ]]; then
    endpoint=(--endpoint-url "$ENDPOINT_URL")
  fi
  AWS_PAGER="" aws "${endpoint[@]}" --region "$REGION" --output text "$@"
}

# Runs a describe/get call and leaves its stdout in FOUND. Returns 0 when the resource exists and
# 1 when AWS says it does not; any other failure (credentials, throttling, a typo) stops the
# script, so a failed lookup can never lead to creating a duplicate.
FOUND=""
lookup() {
  local err="$WORK/lookup.err"
  if FOUND="$(awsc "$@" 2>"$err")"; then
    return 0
  fi
  if grep -qE 'NotFound|NoSuchEntity|ResourceNotFoundException' "$err"; then
    FOUND=""
    return 1
  fi
  cat "$err" >&2
  die "aws $* failed"
}

# ---------------------------------------------------------------------------------------------
# DynamoDB

# ensure_table NAME HASH RANGE: creates it PAY_PER_REQUEST with two string keys if missing; an
# existing table must have those keys, since the server reads the originals' layouts. Sets
# TABLE_ARN.
ensure_table() {
  local name="$1" hash="$2" range="$3" status
  if lookup dynamodb describe-table --table-name "$name" \
    --query "Table.[TableArn, TableStatus, join(' ', KeySchema[].AttributeName)]"; then
    local keys
    IFS=$'\t' read -r TABLE_ARN status keys <<<"$FOUND"
    [[ "$keys" == "$hash $range" ]] || die "table $name exists with keys '$keys', expected '$hash $range'"
    log "table $name exists"
  else
    log "creating table $name"
    local created
    created="$(awsc dynamodb create-table --table-name "$name" --billing-mode PAY_PER_REQUEST \
      --attribute-definitions "AttributeName=$hash,AttributeType=S" "AttributeName=$range,AttributeType=S" \
      --key-schema "AttributeName=$hash,KeyType=HASH" "AttributeName=$range,KeyType=RANGE" \
      --query 'TableDescription.[TableArn, TableStatus]')"
    IFS=$'\t' read -r TABLE_ARN status <<<"$created"
  fi
  # A new table takes a few seconds to become ACTIVE on AWS (moto's are at once).
  if [[ "$status" != ACTIVE ]]; then
    awsc dynamodb wait table-exists --table-name "$name"
  fi
}

ensure_tables() {
  if [[ -n "$BINARY" ]]; then
    # The binary creates the same tables (and says which existed); the checks below still run.
    log "creating tables with $BINARY dynamodb create-tables"
    local env=(IMMERSION_TRACKER_TABLE="$IMMERSION_TABLE" DYNAMODB_TABLE="$TV_TABLE" AWS_REGION="$REGION")
    if [[ -n "$ENDPOINT_URL" ]]; then
      env+=(AWS_ENDPOINT_URL="$ENDPOINT_URL")
    fi
    env "${env[@]}" "$BINARY" dynamodb create-tables >&2
  fi
  ensure_table "$IMMERSION_TABLE" pk sk
  IMMERSION_TABLE_ARN="$TABLE_ARN"
  ensure_table "$TV_TABLE" username tv_show
  TV_TABLE_ARN="$TABLE_ARN"
}

# ---------------------------------------------------------------------------------------------
# Secrets Manager

ensure_secret() {
  if lookup secretsmanager describe-secret --secret-id "$SECRET_NAME" --query ARN; then
    SECRET_ARN="$FOUND"
    if [[ -n "$SECRET_FILE" ]]; then
      # Only a changed secret gets a new version, so re-runs do not pile up versions.
      local current
      current="$(awsc secretsmanager get-secret-value --secret-id "$SECRET_NAME" --query SecretString 2>/dev/null || true)"
      if [[ "$current" == "$(cat "$SECRET_FILE")" ]]; then
        log "secret $SECRET_NAME is up to date"
      else
        log "updating secret $SECRET_NAME from $SECRET_FILE"
        awsc secretsmanager put-secret-value --secret-id "$SECRET_NAME" \
          --secret-string "file://$SECRET_FILE" >/dev/null
      fi
    else
      log "secret $SECRET_NAME exists (left as it is)"
    fi
  else
    local source="$WORK/empty-secret.json"
    if [[ -n "$SECRET_FILE" ]]; then
      source="$SECRET_FILE"
      log "creating secret $SECRET_NAME from $SECRET_FILE"
    else
      printf '%s' '{"users":[]}' >"$source"
      log "creating secret $SECRET_NAME with no users (add them with --secret-file)"
    fi
    SECRET_ARN="$(awsc secretsmanager create-secret --name "$SECRET_NAME" \
      --description "immersion-tracker users and provider API keys" \
      --secret-string "file://$source" --query ARN)"
  fi
}

# ---------------------------------------------------------------------------------------------
# IAM

# The role's permissions are rewritten on every run (put-role-policy replaces the document), so
# a renamed table or secret is picked up, and a permission dropped here is dropped from the role.
# Only what the function calls: it reads the secret with GetSecretValue alone, and its metrics
# are EMF lines in its log (IMMERSION_TRACKER_METRICS=cloudwatch-emf), so it never calls
# cloudwatch:PutMetricData; add that only if function_environment switches to `cloudwatch`.
ensure_role() {
  local role="$ROLE_NAME"
  if lookup iam get-role --role-name "$role" --query Role.Arn; then
    ROLE_ARN="$FOUND"
    ROLE_CREATED=0
    log "role $role exists"
  else
    log "creating role $role"
    cat >"$WORK/trust.json" <<'EOF'
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}
EOF
    ROLE_ARN="$(awsc iam create-role --role-name "$role" \
      --description "immersion-tracker Lambda function" \
      --assume-role-policy-document "file://$WORK/trust.json" --query Role.Arn)"
    ROLE_CREATED=1
  fi
  local log_arn="arn:aws:logs:$REGION:$ACCOUNT:log-group:/aws/lambda/$PREFIX"
  cat >"$WORK/policy.json" <<EOF
{"Version": "2012-10-17",
 "Statement": [
  {"Sid": "Tables", "Effect": "Allow",
   "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
              "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:Query", "dynamodb:Scan",
              "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"],
   "Resource": ["$IMMERSION_TABLE_ARN", "$TV_TABLE_ARN"]},
  {"Sid": "Secret", "Effect": "Allow",
   "Action": "secretsmanager:GetSecretValue",
   "Resource": "$SECRET_ARN"},
  {"Sid": "Logs", "Effect": "Allow",
   "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
   "Resource": ["$log_arn", "$log_arn:*"]}
 ]}
EOF
  awsc iam put-role-policy --role-name "$role" --policy-name "$PREFIX-access" \
    --policy-document "file://$WORK/policy.json"
}

# ---------------------------------------------------------------------------------------------
# Lambda

function_environment() {
  cat <<EOF
{"Variables": {"IMMERSION_TRACKER_STORE": "dynamodb",
               "IMMERSION_TRACKER_TABLE": "$IMMERSION_TABLE",
               "DYNAMODB_TABLE": "$TV_TABLE",
               "IMMERSION_TRACKER_SECRET_ID": "$SECRET_NAME",
               "IMMERSION_TRACKER_METRICS": "cloudwatch-emf"}}
EOF
}

# A role made a moment ago is not yet assumable by Lambda everywhere (IAM is eventually
# consistent), so the first create-function may be refused for a few seconds.
create_function() {
  local attempt err="$WORK/create-function.err"
  for attempt in $(seq 1 12); do
    if FUNCTION_ARN="$(awsc lambda create-function --function-name "$PREFIX" \
      --runtime provided.al2023 --handler bootstrap --architectures x86_64 \
      --role "$ROLE_ARN" --zip-file "fileb://$ZIP" --memory-size "$MEMORY" --timeout "$TIMEOUT" \
      --description "immersion-tracker API and authorizer" \
      --environment "file://$WORK/environment.json" --query FunctionArn 2>"$err")"; then
      return 0
    fi
    if [[ "$ROLE_CREATED" -eq 1 ]] && grep -q 'cannot be assumed' "$err"; then
      log "the new role is not assumable yet; retrying ($attempt)"
      sleep 5
      continue
    fi
    cat "$err" >&2
    die "lambda create-function failed"
  done
  cat "$err" >&2
  die "the role $ROLE_ARN never became assumable by Lambda"
}

ensure_function() {
  function_environment >"$WORK/environment.json"
  if lookup lambda get-function-configuration --function-name "$PREFIX" --query FunctionArn; then
    FUNCTION_ARN="$FOUND"
    log "updating function $PREFIX (code, then configuration)"
    awsc lambda update-function-code --function-name "$PREFIX" --zip-file "fileb://$ZIP" \
      --architectures x86_64 >/dev/null
    # Lambda refuses a configuration change while the code update is still in progress.
    awsc lambda wait function-updated --function-name "$PREFIX"
    awsc lambda update-function-configuration --function-name "$PREFIX" \
      --runtime provided.al2023 --handler bootstrap --role "$ROLE_ARN" \
      --memory-size "$MEMORY" --timeout "$TIMEOUT" \
      --environment "file://$WORK/environment.json" >/dev/null
    awsc lambda wait function-updated --function-name "$PREFIX"
  else
    log "creating function $PREFIX"
    create_function
    awsc lambda wait function-active --function-name "$PREFIX"
  fi
  ensure_concurrency
  INTEGRATION_URI="arn:aws:apigateway:$REGION:lambda:path/2015-03-31/functions/$FUNCTION_ARN/invocations"
}

# Reserved concurrency both keeps capacity for the function and caps it, so a flood of requests
# (each one may invoke it twice: the authorizer, then the route) cannot run up an unbounded
# bill or take the whole account's concurrency. Both calls replace what is there, so re-runs
# are safe. AWS refuses a reservation that would leave the account too little unreserved
# concurrency (new accounts may have a quota of only 10 in all).
ensure_concurrency() {
  if [[ "$RESERVED_CONCURRENCY" == none ]]; then
    log "leaving $PREFIX without reserved concurrency"
    awsc lambda delete-function-concurrency --function-name "$PREFIX" >/dev/null
    return
  fi
  log "reserving $RESERVED_CONCURRENCY concurrent executions for $PREFIX"
  local err="$WORK/concurrency.err"
  if ! awsc lambda put-function-concurrency --function-name "$PREFIX" \
    --reserved-concurrent-executions "$RESERVED_CONCURRENCY" >/dev/null 2>"$err"; then
    cat "$err" >&2
    die "could not reserve $RESERVED_CONCURRENCY concurrent executions (the account's quota may be too small: pass a lower --reserved-concurrency, or none)"
  fi
}

# allow_invoke SID SOURCE_ARN: lets API Gateway invoke the function from SOURCE_ARN, unless the
# function's policy (read once into POLICY) has that statement already. The statement ids name
# the API (and authorizer), so an existing statement is the right one.
POLICY=""
allow_invoke() {
  local sid="$1" source_arn="$2"
  if grep -qE "\"Sid\": ?\"$sid\"" <<<"$POLICY"; then
    return
  fi
  log "allowing API Gateway to invoke $PREFIX ($sid)"
  awsc lambda add-permission --function-name "$PREFIX" --statement-id "$sid" \
    --action lambda:InvokeFunction --principal apigateway.amazonaws.com \
    --source-arn "$source_arn" >/dev/null
}

ensure_permissions() {
  POLICY=""
  if lookup lambda get-policy --function-name "$PREFIX" --query Policy; then
    POLICY="$FOUND"
  fi
  allow_invoke "apigateway-$API_ID" "arn:aws:execute-api:$REGION:$ACCOUNT:$API_ID/*"
  allow_invoke "apigateway-authorizer-$API_ID-$AUTHORIZER_ID" \
    "arn:aws:execute-api:$REGION:$ACCOUNT:$API_ID/authorizers/$AUTHORIZER_ID"
}

# ---------------------------------------------------------------------------------------------
# API Gateway

# find_api: sets API_ID to the REST API named $PREFIX-api, or empty; two of them is an error
# (someone created one by hand), since we could not tell which one to update.
find_api() {
  API_ID="$(awsc apigateway get-rest-apis --limit 500 --query "items[?name=='$API_NAME'].id")"
  if [[ "$API_ID" =~ [[:space:]] ]]; then
    die "several REST APIs are named $API_NAME ($API_ID); delete the extra ones"
  fi
}

ensure_api() {
  find_api
  if [[ -n "$API_ID" ]]; then
    log "REST API $API_NAME exists ($API_ID)"
  else
    log "creating REST API $API_NAME"
    API_ID="$(awsc apigateway create-rest-api --name "$API_NAME" \
      --description "immersion-tracker" --query id)"
  fi
}

# The Lambda authorizer: the same function, answering the REQUEST authorizer event from the
# users in its store. TTL 0 as in the original at this snapshot: every request is checked, so a
# removed user or changed password takes effect at once (the function caches verified
# passwords itself).
ensure_authorizer() {
  local name="$PREFIX-basic" found type uri source ttl
  found="$(awsc apigateway get-authorizers --rest-api-id "$API_ID" --limit 500 --query \
    "items[?name=='$name'] | [0].[id, type, authorizerUri, identitySource, to_string(authorizerResultTtlInSeconds)]")"
  IFS=$'\t' read -r AUTHORIZER_ID type uri source ttl <<<"$found"
  if [[ -z "$AUTHORIZER_ID" || "$AUTHORIZER_ID" == None ]]; then
    log "creating authorizer $name"
    AUTHORIZER_ID="$(awsc apigateway create-authorizer --rest-api-id "$API_ID" --name "$name" \
      --type REQUEST --authorizer-uri "$INTEGRATION_URI" \
      --identity-source method.request.header.Authorization \
      --authorizer-result-ttl-in-seconds 0 --query id)"
    return
  fi
  [[ "$type" == REQUEST ]] || die "authorizer $name ($AUTHORIZER_ID) is of type $type; delete it and re-run"
  if [[ "$uri $source $ttl" == "$INTEGRATION_URI method.request.header.Authorization 0" ]]; then
    return
  fi
  log "updating authorizer $name ($AUTHORIZER_ID)"
  awsc apigateway update-authorizer --rest-api-id "$API_ID" --authorizer-id "$AUTHORIZER_ID" \
    --patch-operations "[
      {\"op\": \"replace\", \"path\": \"/authorizerUri\", \"value\": \"$INTEGRATION_URI\"},
      {\"op\": \"replace\", \"path\": \"/identitySource\",
       \"value\": \"method.request.header.Authorization\"},
      {\"op\": \"replace\", \"path\": \"/authorizerResultTtlInSeconds\", \"value\": \"0\"}]" \
    >/dev/null
}

# What the API has now, read in one call (each aws call costs most of a second): resource ids
# by path ("/api/show_all" -> "abc123") and, per path, one word per method,
# "GET,CUSTOM,<authorizer id>,AWS_PROXY,POST,<uri>" (absent values read "null").
declare -A RESOURCE_IDS=()
declare -A METHODS=()
load_resources() {
  local query="items[].[path, id, join(' ', values(resourceMethods || \`{}\`)[].join(',', [
    httpMethod, authorizationType, to_string(authorizerId), to_string(methodIntegration.type),
    to_string(methodIntegration.httpMethod), to_string(methodIntegration.uri)]))]"
  local listing path id methods
  listing="$(awsc apigateway get-resources --rest-api-id "$API_ID" --embed methods --limit 500 \
    --query "$query")"
  while IFS=$'\t' read -r path id methods; do
    [[ -n "$path" ]] || continue
    RESOURCE_IDS["$path"]="$id"
    METHODS["$path"]="$methods"
  done <<<"$listing"
}

# resource_id PATH: sets RESOURCE_ID for PATH, creating it and its missing parents.
resource_id() {
  local path="$1"
  if [[ -n "${RESOURCE_IDS[$path]:-}" ]]; then
    RESOURCE_ID="${RESOURCE_IDS[$path]}"
    return
  fi
  local parent="${path%/*}" part="${path##*/}"
  resource_id "${parent:-/}"
  log "creating resource $path"
  RESOURCE_ID="$(awsc apigateway create-resource --rest-api-id "$API_ID" --parent-id "$RESOURCE_ID" \
    --path-part "$part" --query id)"
  RESOURCE_IDS["$path"]="$RESOURCE_ID"
}

# ensure_route METHOD PATH AUTH: the method with its authorization and an AWS_PROXY integration to
# the function. Changes to the API only go live with the deployment at the end, so replacing a
# method (delete, then put) never takes a route away from callers.
ensure_route() {
  local method="$1" path="$2" auth="$3" authorizer="null"
  [[ "$auth" == CUSTOM ]] && authorizer="$AUTHORIZER_ID"
  resource_id "$path"
  local method_args=(--rest-api-id "$API_ID" --resource-id "$RESOURCE_ID" --http-method "$method")

  local have="" word
  for word in ${METHODS[$path]:-}; do
    [[ "$word" == "$method,"* ]] && have="$word"
  done
  local want_method="$method,$auth,$authorizer"
  local want_integration="AWS_PROXY,POST,$INTEGRATION_URI"

  if [[ -n "$have" && "$have" != "$want_method,"* ]]; then
    log "replacing $method $path (authorization was $(cut -d, -f2-3 <<<"$have"))"
    awsc apigateway delete-method "${method_args[@]}" >/dev/null
    have=""
  fi
  if [[ -z "$have" ]]; then
    log "creating $method $path ($auth)"
    local auth_args=(--authorization-type "$auth")
    [[ "$auth" == CUSTOM ]] && auth_args+=(--authorizer-id "$AUTHORIZER_ID")
    awsc apigateway put-method "${method_args[@]}" "${auth_args[@]}" >/dev/null
  fi
  # put-integration replaces an existing integration; skip it when it is already right.
  if [[ "$have" != "$want_method,$want_integration" ]]; then
    [[ -n "$have" ]] && log "updating the integration of $method $path"
    awsc apigateway put-integration "${method_args[@]}" --type AWS_PROXY \
      --integration-http-method POST --uri "$INTEGRATION_URI" >/dev/null
  fi
}

ensure_routes() {
  load_resources
  local route method path auth
  for route in "${ROUTES[@]}"; do
    read -r method path auth <<<"$route"
    ensure_route "$method" "$path" "${auth:-CUSTOM}"
  done
}

# What the original answered when the authorizer refuses: 401 with a Basic challenge, so curl and
# browsers ask for credentials. put-gateway-response replaces, so it is safe to repeat.
ensure_gateway_response() {
  # shellcheck disable=SC2016  # $context... is API Gateway's template variable, not the shell's
  awsc apigateway put-gateway-response --rest-api-id "$API_ID" --response-type UNAUTHORIZED \
    --status-code 401 \
    --response-parameters '{"gatewayresponse.header.WWW-Authenticate": "'"'Basic'"'"}' \
    --response-templates '{"application/json": "{\"message\":$context.error.messageString}"}' \
    >/dev/null
}

# A new deployment is how API changes go live; it also moves (or creates) the stage.
deploy_stage() {
  log "deploying to stage $STAGE"
  awsc apigateway create-deployment --rest-api-id "$API_ID" --stage-name "$STAGE" \
    --description "deploy.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
}

# Throttling for every method of the stage (the */* method settings), so a flood of requests is
# answered 429 by API Gateway before it invokes the function. Set after the deployment, since
# the stage may only exist from then on (and moto replaces a stage's settings on every
# create-deployment); "replace" sets the same values again on a re-run.
ensure_stage_throttling() {
  log "throttling stage $STAGE to $THROTTLE_RATE requests/s, burst $THROTTLE_BURST"
  awsc apigateway update-stage --rest-api-id "$API_ID" --stage-name "$STAGE" \
    --patch-operations "[
      {\"op\": \"replace\", \"path\": \"/*/*/throttling/rateLimit\", \"value\": \"$THROTTLE_RATE\"},
      {\"op\": \"replace\", \"path\": \"/*/*/throttling/burstLimit\", \"value\": \"$THROTTLE_BURST\"}]" \
    >/dev/null
}

# ---------------------------------------------------------------------------------------------
# Tear-down

delete_all() {
  find_api
  local id
  for id in $API_ID; do
    log "deleting REST API $API_NAME ($id)"
    awsc apigateway delete-rest-api --rest-api-id "$id" >/dev/null
  done
  if lookup lambda get-function-configuration --function-name "$PREFIX" --query FunctionArn; then
    log "deleting function $PREFIX"
    awsc lambda delete-function --function-name "$PREFIX" >/dev/null
  fi
  local role="$ROLE_NAME"
  if lookup iam get-role --role-name "$role" --query Role.Arn; then
    log "deleting role $role"
    if lookup iam get-role-policy --role-name "$role" --policy-name "$PREFIX-access" --query PolicyName; then
      awsc iam delete-role-policy --role-name "$role" --policy-name "$PREFIX-access"
    fi
    awsc iam delete-role --role-name "$role"
  fi
  log "kept the tables $IMMERSION_TABLE and $TV_TABLE and the secret $SECRET_NAME (your data);"
  log "delete them by hand if you mean to (see deploy/aws/README.md)"
}

# ---------------------------------------------------------------------------------------------

main() {
  parse_args "$@"
  validate_args
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT

  if [[ "$DELETE" -eq 1 ]]; then
    delete_all
    return
  fi

  ACCOUNT="$(awsc sts get-caller-identity --query Account)"
  log "account $ACCOUNT, region $REGION${ENDPOINT_URL:+, endpoint $ENDPOINT_URL}"
  ensure_tables
  ensure_secret
  ensure_role
  ensure_function
  ensure_api
  ensure_authorizer
  ensure_routes
  ensure_gateway_response
  ensure_permissions
  deploy_stage
  ensure_stage_throttling
  log "done"
  echo "https://$API_ID.execute-api.$REGION.amazonaws.com/$STAGE"
}

main "$@"
