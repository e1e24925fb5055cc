// ValidatePlacement: the network-mode part of ValidateDeployment — the hosts,
// each microservice's Host, and the external services (docs/descriptor.md,
// "Network mode").
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "diagnostics.h"

namespace parigot::deploy::internal {
namespace {

// A syntax a string key must follow: its name for messages, and a function
// saying why a (non-empty) value does not follow it, "" when it does.
struct Form {
  std::string_view name;
  std::string (*problem)(std::string_view value);
};

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// " at line N", or "" when `where` has no line (options built by code).
std::string AtLine(const SourceLocation& where) {
  return where.known() ? " at line " + std::to_string(where.line) : "";
}

// A host name: dot-separated labels of letters, digits, '-' and '_'. A name
// made only of digits and dots is meant as an IPv4 address and must be one.
std::string HostNameProblem(std::string_view host) {
  bool numeric = std::all_of(host.begin(), host.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
  if (numeric) {
    in_addr ipv4;
    return inet_pton(AF_INET, std::string(host).c_str(), &ipv4) == 1
               ? ""
               : Quoted(host) + " is not an IPv4 address";
  }
  for (std::string_view rest = host;;) {
    size_t dot = rest.find('.');
    std::string_view label = rest.substr(0, dot);
    bool ok = !label.empty() &&
              std::all_of(label.begin(), label.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) ||
                       c == '-' || c == '_';
              });
    if (!ok) {
      return Quoted(host) +
             " is not a host name, an IPv4 address, or an IPv6 address in "
             "brackets";
    }
    if (dot == std::string_view::npos) return "";
    rest = rest.substr(dot + 1);
  }
}

std::string PortProblem(std::string_view port) {
  if (port.empty()) return "empty PORT";
  unsigned value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(),
                                      value);
  if (error == std::errc() && end != port.data() + port.size()) {
    error = std::errc::invalid_argument;  // trailing characters
  }
  if (error == std::errc::invalid_argument) {
    return "PORT " + Quoted(port) + " is not a number";
  }
  if (error != std::errc() || value < 1 || value > 65535) {
    return "PORT " + std::string(port) + " is not in 1..65535";
  }
  return "";
}

// HOST:PORT, HOST an IPv4 address, a host name, or an IPv6 address in
// brackets.
std::string HostPortProblem(std::string_view address) {
  std::string_view port;
  if (address.starts_with('[')) {
    size_t close = address.find(']');
    if (close == std::string_view::npos) return "no ']' after the IPv6 address";
    std::string host(address.substr(1, close - 1));
    in6_addr ipv6;
    if (inet_pton(AF_INET6, host.c_str(), &ipv6) != 1) {
      return Quoted(host) + " is not an IPv6 address";
    }
    std::string_view rest = address.substr(close + 1);
    if (!rest.starts_with(':')) return "no :PORT after the ']'";
    port = rest.substr(1);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return "no :PORT";
    std::string_view host = address.substr(0, colon);
    if (host.empty()) {
      return "empty HOST; to listen on every interface, write 0.0.0.0";
    }
    if (host.find(':') != std::string_view::npos) {
      return "an IPv6 address needs brackets, as in [::1]:7401";
    }
    if (std::string why = HostNameProblem(host); !why.empty()) return why;
    port = address.substr(colon + 1);
  }
  return PortProblem(port);
}

constexpr Form kHostPort = {"HOST:PORT", &HostPortProblem};
constexpr Form kServiceName = {"PACKAGE.Service", &ServiceNameProblem};

// Checks the string `value` of `key` in `table` against `form`. An empty
// value is an error when written; when left out, only if `if_missing` (why
// the key is required) is not empty.
template <typename NamedTable>
void CheckForm(const NamedTable& table, std::string_view key,
               const std::string& value, std::string_view if_missing,
               const Form& form, Diagnostics& diagnostics) {
  std::string message;
  if (value.empty()) {
    if (table.key_locations.contains(key)) {
      message = "must not be empty";
    } else if (!if_missing.empty()) {
      message = "missing (" + std::string(if_missing) + ")";
    }
  } else if (std::string why = form.problem(value); !why.empty()) {
    message = Quoted(value) + " is not " + std::string(form.name) + " (" +
              why + ")";
  }
  if (!message.empty()) {
    diagnostics.Add(Where(table.key_locations, key, table.location),
                    FullKey(table, key), std::move(message));
  }
}

// Reports `key` of the second of two tables that give it the same value.
// `seen` maps each value met so far to the first table that had it.
template <typename NamedTable>
void CheckUnique(const NamedTable& table, std::string_view key,
                 const std::string& value, std::string_view what,
                 std::string_view why,
                 std::map<std::string_view, const NamedTable*>& seen,
                 Diagnostics& diagnostics) {
  if (value.empty()) return;  // CheckForm reports it
  auto [first, inserted] = seen.emplace(value, &table);
  if (inserted) return;
  const NamedTable& other = *first->second;
  diagnostics.Add(
      Where(table.key_locations, key, table.location), FullKey(table, key),
      Quoted(value) + " is already the " + std::string(key) + " of " +
          std::string(what) + " " + other.name +
          AtLine(Where(other.key_locations, key, other.location)) + " (" +
          std::string(why) + ")");
}

void ValidateHosts(const DeploymentOptions& d, Diagnostics& diagnostics) {
  std::map<std::string_view, const HostOptions*> by_listen;
  for (const HostOptions& host : d.hosts) {
    CheckName(host, "a host", diagnostics);
    CheckForm(host, "Listen", host.listen,
              "every host needs the HOST:PORT its server listens on",
              kHostPort, diagnostics);
    CheckForm(host, "Address", host.address, "", kHostPort, diagnostics);
    CheckUnique(host, "Listen", host.listen, "host",
                "two hosts cannot listen on one address", by_listen,
                diagnostics);
  }
}

void ValidateExternals(const DeploymentOptions& d, Diagnostics& diagnostics) {
  std::map<std::string_view, const ExternalServiceOptions*> by_service;
  for (const ExternalServiceOptions& external : d.externals) {
    CheckName(external, "an external service", diagnostics);
    CheckForm(external, "Service", external.service,
              "every external names its gRPC service, as in "
              "weather.v1.Weather",
              kServiceName, diagnostics);
    CheckForm(external, "Address", external.address,
              "every external needs the HOST:PORT of its server", kHostPort,
              diagnostics);
    CheckUnique(external, "Service", external.service, "external",
                "a service is reached at one address", by_service,
                diagnostics);
  }
}

// The key naming the i-th entry of `ms.hosts`: "Host" when it was written
// as a single string, else "Host[i]".
std::string HostEntryKey(const MicroserviceOptions& ms, size_t i) {
  std::string element = "Host[" + std::to_string(i) + "]";
  return ms.hosts.size() > 1 || ms.key_locations.contains(element) ? element
                                                                   : "Host";
}

// Checks the names in ms.hosts, given that the deployment has hosts.
void ValidateHostEntries(const DeploymentOptions& d,
                         const MicroserviceOptions& ms,
                         std::span<const std::string_view> host_names,
                         Diagnostics& diagnostics) {
  SourceLocation host_key = Where(ms.key_locations, "Host", ms.location);
  for (size_t i = 0; i < ms.hosts.size(); ++i) {
    const std::string& name = ms.hosts[i];
    std::string key = HostEntryKey(ms, i);
    std::string message;
    auto earlier = std::find(ms.hosts.begin(), ms.hosts.begin() + i, name);
    if (FindHost(d, name) == nullptr) {
      message = "no host named " + Quoted(name);
      std::string_view suggestion = Suggest(name, host_names);
      if (!suggestion.empty()) {
        message += " (did you mean " + std::string(suggestion) + "?)";
      }
      message += "; declared hosts: ";
      for (size_t j = 0; j < host_names.size(); ++j) {
        message += (j > 0 ? ", " : "") + std::string(host_names[j]);
      }
    } else if (earlier != ms.hosts.begin() + i) {
      message = "host " + Quoted(name) + " is already listed as " +
                HostEntryKey(ms, earlier - ms.hosts.begin()) +
                " (a microservice runs at most once on a host)";
    }
    if (!message.empty()) {
      diagnostics.Add(Where(ms.key_locations, key, host_key), FullKey(ms, key),
                      std::move(message));
    }
  }
}

void ValidateHostKeys(const DeploymentOptions& d, Diagnostics& diagnostics) {
  std::vector<std::string_view> host_names;
  for (const HostOptions& host : d.hosts) host_names.push_back(host.name);
  for (const MicroserviceOptions& ms : d.microservices) {
    bool written = ms.key_locations.contains("Host");
    SourceLocation where = Where(ms.key_locations, "Host", ms.location);
    std::string key = FullKey(ms, "Host");
    if (d.hosts.empty()) {
      if (written || !ms.hosts.empty()) {
        diagnostics.Add(where, key,
                        "the deployment declares no hosts ([" +
                            DeploymentKey(d, "host") + ".NAME])");
      }
    } else if (ms.hosts.empty()) {
      diagnostics.Add(
          where, key,
          std::string(written ? "names no host" : "missing") +
              " (the deployment declares hosts, so every microservice needs "
              "a Host: the name of a host, or an array of them for "
              "replicas)");
    } else {
      if (ms.kind != MicroserviceKind::kServer && ms.hosts.size() > 1) {
        diagnostics.Add(
            where, key,
            std::string("a ") + std::string(MicroserviceKindName(ms.kind)) +
                " program runs once: name exactly one host, not " +
                std::to_string(ms.hosts.size()));
      }
      ValidateHostEntries(d, ms, host_names, diagnostics);
    }
  }
}

// A host nothing is placed on would serve nothing: most likely a misspelt or
// forgotten Host, but harmless, hence a warning.
void WarnUnusedHosts(const DeploymentOptions& d,
                     std::vector<std::string>& warnings) {
  for (const HostOptions& host : d.hosts) {
    bool used = std::any_of(
        d.microservices.begin(), d.microservices.end(),
        [&](const MicroserviceOptions& ms) {
          return std::find(ms.hosts.begin(), ms.hosts.end(), host.name) !=
                 ms.hosts.end();
        });
    if (!used) {
      warnings.push_back(FormatDiagnostic(
          host.location, FullKey(host, ""),
          "no microservice is placed on this host (no Host names it)"));
    }
  }
}

}  // namespace

void ValidatePlacement(const DeploymentOptions& d, Diagnostics& diagnostics,
                       std::vector<std::string>* warnings) {
  ValidateHosts(d, diagnostics);
  ValidateHostKeys(d, diagnostics);
  ValidateExternals(d, diagnostics);
  if (warnings != nullptr) WarnUnusedHosts(d, *warnings);
}

}  // namespace parigot::deploy::internal
