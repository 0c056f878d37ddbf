// Ports for servers a test starts itself on 127.0.0.1.
#pragma once

namespace switchboard::test {

// A port no one listens on now: the kernel's pick for a socket bound to
// port 0, released at once (for a server that must be told its port).
int unused_port();

}  // namespace switchboard::test
