# SWITCHBOARD_SANITIZE=address;undefined or thread: instruments every target
# (`make sanitize-address`, `make sanitize-thread`).
if(SWITCHBOARD_SANITIZE)
  if("thread" IN_LIST SWITCHBOARD_SANITIZE AND "address" IN_LIST SWITCHBOARD_SANITIZE)
    message(FATAL_ERROR "ThreadSanitizer and AddressSanitizer cannot be combined")
  endif()
  list(JOIN SWITCHBOARD_SANITIZE "," _sanitizers)
  # -O1: what the sanitizers' own documentation advises; it also builds about
  # twice as fast as -O3, which matters for a whole-suite CI pass. -g1: line
  # tables, all a sanitizer's stack trace prints, at a fraction of -g's cost.
  add_compile_options(-fsanitize=${_sanitizers} -fno-omit-frame-pointer -g1 -O1)
  if("thread" IN_LIST SWITCHBOARD_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC notes every std::atomic_thread_fence under TSan; Asio uses them.
    add_compile_options(-Wno-tsan)
  endif()
  if("undefined" IN_LIST SWITCHBOARD_SANITIZE)
    # Undefined behaviour fails the test that ran into it, instead of a line in its log.
    add_compile_options(-fno-sanitize-recover=undefined)
    # UBSan's null, alignment and object-size checks more than double the
    # compile time of the Beast coroutine sources (websocket.cpp: 181 s
    # without them, 400 s with them) and add little beside AddressSanitizer,
    # which reports a null dereference and an access outside an object itself.
    add_compile_options(-fno-sanitize=null,alignment,object-size)
  endif()
  add_link_options(-fsanitize=${_sanitizers})
endif()
