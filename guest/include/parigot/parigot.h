// The guest SDK in one include: programs, services, futures, coroutines
// and combinators, why calls fail, timers, long-running operations,
// logging, ids.
#ifndef PARIGOT_PARIGOT_H_
#define PARIGOT_PARIGOT_H_

#include "parigot/call_cause.h"
#include "parigot/combinators.h"
#include "parigot/coroutine.h"
#include "parigot/future.h"
#include "parigot/id.h"
#include "parigot/log.h"
#include "parigot/operation.h"
#include "parigot/program.h"
#include "parigot/service.h"
#include "parigot/status.h"
#include "parigot/timed.h"
#include "parigot/timer.h"

#endif  // PARIGOT_PARIGOT_H_
