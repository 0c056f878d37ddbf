# switchboard_warnings(target): the warning set every target of ours builds with.
function(switchboard_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor)
endfunction()
