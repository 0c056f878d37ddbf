# Use ccache for C and C++ when it is installed. Paths are hashed relative to
# the source tree (and the working folder not at all), so a fresh clone in
# another folder, as CI makes, reuses what an earlier build compiled; the
# precompiled headers are cacheable too.
find_program(SWITCHBOARD_CCACHE ccache)
if(SWITCHBOARD_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(_ccache ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
      "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime" ${SWITCHBOARD_CCACHE})
  set(CMAKE_C_COMPILER_LAUNCHER ${_ccache})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${_ccache})
endif()
