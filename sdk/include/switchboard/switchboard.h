/* Everything a plugin written in C includes. */
#ifndef SWITCHBOARD_H
#define SWITCHBOARD_H

#include "switchboard/abi.h"
#include "switchboard/cache.h"
#include "switchboard/ext/providers.h"
#include "switchboard/llm.h"
#include "switchboard/stt.h"
#include "switchboard/transport.h"
#include "switchboard/tts.h"

#endif /* SWITCHBOARD_H */
