#include "http/server.hpp"

#include "http/listener.hpp"

namespace it::http {

Server::Server(Options options, Router& router)
    : listener_(std::make_unique<Listener>(std::move(options), router)) {}

Server::~Server() {
  if (listener_->started()) {
    stop();
    wait();
  }
}

void Server::start() { listener_->start(); }

std::uint16_t Server::port() const { return listener_->port(); }

void Server::stop() { listener_->stop(); }

void Server::wait() { listener_->wait(); }

}  // namespace it::http
