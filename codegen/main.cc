// protoc-gen-parigot: protoc runs this as
//   protoc --plugin=protoc-gen-parigot=PATH --parigot_out=[ns_prefix=NS:]DIR ...
#include <google/protobuf/compiler/plugin.h>

#include "generator.h"

int main(int argc, char* argv[]) {
  parigot::codegen::Generator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
