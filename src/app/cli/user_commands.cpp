#include "app/cli/user_commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "app/cli/command_support.hpp"
#include "auth/passwords.hpp"
#include "domain/time_zone.hpp"

namespace it::app::cli {
namespace {

// Prints `prompt` on stderr and reads one line from the terminal without echoing it.
std::string readLineNoEcho(const char* prompt) {
  std::fputs(prompt, stderr);
  std::fflush(stderr);
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fputs("\n", stderr);
  if (!ok) throw CommandError("no password was entered");
  return line;
}

// From a terminal: asks twice without echo. Otherwise: the first line of standard input.
std::string readNewPassword() {
  std::string password;
  if (isatty(STDIN_FILENO)) {
    password = readLineNoEcho("Password: ");
    if (readLineNoEcho("Repeat password: ") != password) {
      throw CommandError("the two passwords differ; nothing was changed");
    }
  } else {
    if (!std::getline(std::cin, password)) {
      throw CommandError("no password on standard input (pipe one line, or run in a terminal)");
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  if (password.empty()) throw CommandError("the password must not be empty");
  if (password.size() > 1024) throw CommandError("the password must be at most 1024 bytes");
  return password;
}

}  // namespace

UserCommands::UserCommands(CLI::App& app) : Subcommand(app, "user", "Manage users") {
  CLI::App& user = command();
  user.require_subcommand(1);
  add_ = user.add_subcommand(
      "add", "Add a user; the password is read from stdin or asked for in a terminal");
  add_->add_option("NAME", name_, "User name")->required();
  add_->add_flag("--admin", admin_, "May act for every user and read /api/show_all");
  list_ = user.add_subcommand("list", "List users");
  remove_ = user.add_subcommand("remove", "Remove a user with their tokens and data");
  remove_->add_option("NAME", name_, "User name")->required();
  passwd_ = user.add_subcommand("passwd", "Set a user's password");
  passwd_->add_option("NAME", name_, "User name")->required();
  set_time_zone_ = user.add_subcommand(
      "set-timezone", "Set the time zone a user's progress statistics are computed in");
  set_time_zone_->add_option("NAME", name_, "User name")->required();
  set_time_zone_
      ->add_option("ZONE", zone_,
                   "A tz database name such as Pacific/Auckland, or \"default\" for the "
                   "server's time_zone")
      ->required();
}

int UserCommands::run(const Config& config, storage::Store& store) {
  // Exactly one of them was parsed (the group requires one).
  if (add_->parsed()) add(store);
  if (list_->parsed()) list(config, store);
  if (remove_->parsed()) remove(store);
  if (passwd_->parsed()) changePassword(store);
  if (set_time_zone_->parsed()) setTimeZone(config, store);
  return 0;
}

void UserCommands::add(storage::Store& store) {
  requireValidName(name_);
  if (store.findUser(name_)) throw CommandError("user \"" + name_ + "\" already exists");
  std::string password = readNewPassword();
  if (!store.addUser({name_, auth::hashPassword(password), admin_, timestampNow()})) {
    throw CommandError("user \"" + name_ + "\" already exists");
  }
  std::cout << "Added " << (admin_ ? "admin " : "user ") << name_ << "\n";
}

void UserCommands::list(const Config& config, storage::Store& store) {
  auto users = store.listUsers();
  if (users.empty()) std::cout << "No users.\n";
  for (const auto& u : users) {
    auto own_zone = store.userTimeZone(u.name);
    std::cout << u.name << (u.admin ? "\tadmin" : "\tuser") << "\tcreated " << u.created_at
              << "\ttime zone " << (own_zone ? *own_zone : config.time_zone + " (default)") << "\n";
  }
}

void UserCommands::remove(storage::Store& store) {
  requireValidName(name_);
  if (!store.removeUser(name_)) throw CommandError("no user named \"" + name_ + "\"");
  std::cout << "Removed user " << name_ << " with their tokens and data\n";
}

void UserCommands::changePassword(storage::Store& store) {
  requireValidName(name_);
  if (!store.findUser(name_)) throw CommandError("no user named \"" + name_ + "\"");
  std::string password = readNewPassword();
  if (!store.setPasswordHash(name_, auth::hashPassword(password))) {
    throw CommandError("no user named \"" + name_ + "\"");
  }
  std::cout << "Changed the password of " << name_ << "\n";
}

// "default" clears the user's own zone, so the server's time_zone applies again.
void UserCommands::setTimeZone(const Config& config, storage::Store& store) {
  requireValidName(name_);
  bool clear = zone_ == "default";
  if (!clear && domain::findTimeZone(zone_) == nullptr) {
    throw CommandError("\"" + zone_ +
                       "\" is not a time zone of the tz database (e.g. Pacific/Auckland, "
                       "Europe/Berlin, UTC)");
  }
  if (!store.setUserTimeZone(name_, clear ? "" : zone_)) {
    throw CommandError("no user named \"" + name_ + "\"");
  }
  std::cout << "Progress of " << name_ << " is now computed in "
            << (clear ? config.time_zone + " (the server's default)" : zone_) << "\n";
}

}  // namespace it::app::cli
