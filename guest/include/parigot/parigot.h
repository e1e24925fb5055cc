// The guest SDK in one include: programs, services, futures, why calls
// fail, timers, logging, ids.
#ifndef PARIGOT_PARIGOT_H_
#define PARIGOT_PARIGOT_H_

#include "parigot/call_cause.h"
#include "parigot/future.h"
#include "parigot/id.h"
#include "parigot/log.h"
#include "parigot/program.h"
#include "parigot/service.h"
#include "parigot/status.h"
#include "parigot/timer.h"

#endif  // PARIGOT_PARIGOT_H_
