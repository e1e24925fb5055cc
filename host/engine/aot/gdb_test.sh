#!/bin/bash
# Proves that gdb sees guest functions of the aot engine: runs helloworld in
# one process under gdb with a (pending) breakpoint on the greet service's
# FetchGreeting method, as wasm2c names it, and checks that it is hit.
#
#   gdb_test.sh PARIGOT DESCRIPTOR
set -u
parigot=$1
descriptor=$2
symbol=w2c__anonymous_namespace___Greeter__FetchGreeting_greeting__v1__FetchGreetingRequest_const__
out=$(timeout 120 gdb -batch -nx \
  -ex "set debuginfod enabled off" \
  -ex "set breakpoint pending on" \
  -ex "handle SIGSEGV nostop noprint pass" \
  -ex "break $symbol" \
  -ex "run" \
  -ex "bt 3" \
  -ex "kill" \
  --args "$parigot" run --engine aot "$descriptor" 2>&1)
echo "$out"
if grep -q "Breakpoint 1, $symbol" <<<"$out"; then
  echo "PASS: gdb stopped in the guest function"
  exit 0
fi
echo "FAIL: the breakpoint on $symbol was not hit"
exit 1
