// Calls every method of hostile.v1.Outer (see hostile_names_server.cc) with
// tags that take one to five bytes on the wire, checks every answer, and
// sends a Locals (fields named like the generated code's locals) and a
// recursive Team through the echo methods. Logs "hostile names: N of N
// answers right" and exits 0 when all are right, 1 otherwise.
#include <cstdint>
#include <string>
#include <vector>

#include "hostile/v1/hostile.parigot.h"
#include "parigot/parigot.h"

namespace {

using hostile::v1::Outer;
using hostile::v1::Status;
using hostile::v1::Tagged;
using protosupport::v1::ServiceErr;

hostile::v1::Locals SomeLocals() {
  hostile::v1::Locals l;
  l.tag = 300;
  l.ok = true;
  l.n = uint64_t{1} << 40;
  l.w = -2;
  l.r = 7;
  l.out = "out";
  l.bytes = std::string("\0\xff", 2);
  l.size = 9;
  l.data = "data";
  l.result = -5;
  l.v = {1, -1, 1 << 20};
  l.request = "request";
  l.options = "options";
  l.Reader = 11;
  l.string = "string";
  l.size_t = 13;
  l.self.mutable_value().tag = 17;
  l.this_ = 19;
  return l;
}

hostile::v1::Team SomeTeam() {
  hostile::v1::Player alice, bob;
  alice.current.mutable_value().bench.resize(2);
  alice.pick.emplace<hostile::v1::Player::kFree>(3);
  bob.teams["old"].captain = alice;
  hostile::v1::Team team;
  team.players = {{"alice", alice}, {"bob", bob}};
  team.bench = {bob};
  team.captain = alice;
  team.star.emplace<hostile::v1::Team::kMvp>(bob);
  team.rivals[-1].star.emplace<hostile::v1::Team::kNone>("none");
  return team;
}

}  // namespace

int main() {
  parigot::Program app({Outer::require});
  app.launch().then([] {
    Outer outer = Outer::locate();
    using Method = parigot::Future<Status, ServiceErr> (Outer::*)(
        const Tagged&, parigot::CallOptions) const;
    struct Case {
      const char* name;
      Method method;
    };
    const std::vector<Case> cases = {
        {"Outer", &Outer::Outer_},       {"locate", &Outer::locate_},
        {"require", &Outer::require_},   {"try_locate", &Outer::try_locate_},
        {"Ready", &Outer::Ready_},       {"Dispatch", &Outer::Dispatch_},
        {"handle_", &Outer::handle__},   {"kMethods", &Outer::kMethods_},
        {"delete", &Outer::delete_},     {"OuterServer", &Outer::OuterServer},
        {"request", &Outer::request},    {"options", &Outer::options},
        {"r", &Outer::r}};
    std::vector<parigot::Future<bool, ServiceErr>> answers;
    uint32_t tag = 1;
    for (const Case& c : cases) {
      Tagged request{.tag = tag, .name = std::string("n-") + c.name};
      std::string expected = std::string(c.name) + ":" + request.name + ":" + std::to_string(tag);
      bool odd = tag % 2 == 1;
      answers.push_back((outer.*c.method)(request, {}).then([expected, odd](const Status& s) {
        if (s.detail == expected && s.ok == odd) return true;
        parigot::log::error("expected " + expected + ", got " + s.detail);
        return false;
      }));
      tag = tag * 37 + 2;  // 1, 39, 1445, 53467, ...: every varint length
    }
    const hostile::v1::Locals locals = SomeLocals();
    answers.push_back(outer.Locals(locals).then(
        [locals](const hostile::v1::Locals& back) { return back == locals; }));
    const hostile::v1::Team team = SomeTeam();
    answers.push_back(outer.Team(team).then(
        [team](const hostile::v1::Team& back) { return back == team; }));
    parigot::AllOf(std::move(answers))
        .then([](const std::vector<bool>& right) {
          size_t n = 0;
          for (bool ok : right) n += ok ? 1 : 0;
          parigot::log::info("hostile names: " + std::to_string(n) + " of " +
                             std::to_string(right.size()) + " answers right");
          parigot::exit(n == right.size() ? 0 : 1);
        })
        .or_else([](ServiceErr e) {
          parigot::log::error("a call failed: " + std::to_string(static_cast<int>(e)));
          parigot::exit(1);
        });
  });
  return parigot::run();
}
