# SWITCHBOARD_SANITIZE=address;undefined or thread: instruments every target
# (`make sanitize-address`, `make sanitize-thread`).
if(SWITCHBOARD_SANITIZE)
  if("thread" IN_LIST SWITCHBOARD_SANITIZE AND "address" IN_LIST SWITCHBOARD_SANITIZE)
    message(FATAL_ERROR "ThreadSanitizer and AddressSanitizer cannot be combined")
  endif()
  list(JOIN SWITCHBOARD_SANITIZE "," _sanitizers)
  # -O1: what the sanitizers' own documentation advises; it also builds about
  # twice as fast as -O3, which matters for a whole-suite CI pass.
  add_compile_options(-fsanitize=${_sanitizers} -fno-omit-frame-pointer -g -O1)
  if("thread" IN_LIST SWITCHBOARD_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC notes every std::atomic_thread_fence under TSan; Asio uses them.
    add_compile_options(-Wno-tsan)
  endif()
  if("undefined" IN_LIST SWITCHBOARD_SANITIZE)
    # Undefined behaviour fails the test that ran into it, instead of a line in its log.
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  add_link_options(-fsanitize=${_sanitizers})
endif()
