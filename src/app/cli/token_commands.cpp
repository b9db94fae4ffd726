#include "app/cli/token_commands.hpp"

#include <iostream>

#include "app/cli/command_support.hpp"
#include "auth/passwords.hpp"

namespace it::app::cli {

TokenCommands::TokenCommands(CLI::App& app) : Subcommand(app, "token", "Manage API tokens") {
  CLI::App& token = command();
  token.require_subcommand(1);
  create_ = token.add_subcommand("create", "Create an API token for a user and print it once");
  create_->add_option("NAME", name_, "User name")->required();
  create_->add_option("--label", label_, "What the token is for");
  list_ = token.add_subcommand("list", "List a user's tokens");
  list_->add_option("NAME", name_, "User name")->required();
  revoke_ = token.add_subcommand("revoke", "Revoke a token (or all of them)");
  revoke_->add_option("NAME", name_, "User name")->required();
  revoke_->add_option("ID", token_id_, "Token id, as shown by `token list`");
  revoke_->add_flag("--all", all_tokens_, "Revoke all of the user's tokens");
}

int TokenCommands::run(storage::Store& store) {
  // Exactly one of them was parsed (the group requires one).
  if (create_->parsed()) create(store);
  if (list_->parsed()) list(store);
  if (revoke_->parsed()) revoke(store);
  return 0;
}

// The token goes to stdout alone (for scripts); the note about it to stderr.
void TokenCommands::create(storage::Store& store) {
  requireValidName(name_);
  if (!store.findUser(name_)) throw CommandError("no user named \"" + name_ + "\"");
  auth::NewToken t = auth::generateToken();
  store.addToken({t.id, name_, label_, timestampNow()}, t.hash);
  std::cout << t.token << "\n";
  std::cerr << "Token " << t.id << " created for " << name_
            << ". It is shown only this once; send it as: Authorization: Bearer <token>\n";
}

void TokenCommands::list(storage::Store& store) {
  requireValidName(name_);
  auto tokens = store.listTokens(name_);
  if (tokens.empty()) std::cout << "No tokens for " << name_ << ".\n";
  for (const auto& t : tokens) {
    std::cout << t.id << "\tcreated " << t.created_at << (t.label.empty() ? "" : "\t") << t.label
              << "\n";
  }
}

void TokenCommands::revoke(storage::Store& store) {
  requireValidName(name_);
  if (token_id_.empty() == !all_tokens_) {
    throw CommandError("give either a token ID or --all");
  }
  int n = store.revokeTokens(name_, all_tokens_ ? "" : token_id_);
  if (n == 0 && !all_tokens_) {
    throw CommandError("no token " + token_id_ + " for user \"" + name_ + "\"");
  }
  std::cout << "Revoked " << n << (n == 1 ? " token" : " tokens") << " of " << name_ << "\n";
}

}  // namespace it::app::cli
