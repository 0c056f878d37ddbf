# switchboard_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>])
#
# Declares a plugin: a module named <name>.so that exports only
# switchboard_plugin_entry, with everything else hidden. Shipped with the SDK,
# so plugins built out of tree use the same rules as the ones in tree.
set(_SWITCHBOARD_PLUGIN_MAP ${CMAKE_CURRENT_LIST_DIR}/plugin-exports.map)

function(switchboard_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS ${_SWITCHBOARD_PLUGIN_MAP})
  if(DEFINED SWITCHBOARD_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${SWITCHBOARD_PLUGIN_OUTPUT_DIRECTORY})
  endif()
  target_link_libraries(${name} PRIVATE switchboard::sdk ${ARG_LIBRARIES})
  target_link_options(${name} PRIVATE "LINKER:--version-script=${_SWITCHBOARD_PLUGIN_MAP}")
  # A plugin that forgets a library fails to link rather than to load.
  if(NOT SWITCHBOARD_SANITIZE)
    target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  endif()
endfunction()

# switchboard_add_plugin_test(<plugin target> [CONFIG <file.yaml> NAME <instance>])
#
# Adds a test that runs `switchboard plugin-test` on the plugin: the ABI's
# contract checked as the host relies on it (docs/plugin-guide.md, "Test your
# plugin"). CONFIG and NAME give the instance whose config block to use. The
# switchboard executable is looked for beside the installed SDK, then on the
# PATH; SWITCHBOARD_EXECUTABLE names it outright.
get_filename_component(_SWITCHBOARD_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

function(switchboard_add_plugin_test target)
  cmake_parse_arguments(ARG "" "CONFIG;NAME" "" ${ARGN})
  find_program(SWITCHBOARD_EXECUTABLE switchboard HINTS "${_SWITCHBOARD_PREFIX}/bin")
  if(NOT SWITCHBOARD_EXECUTABLE)
    message(WARNING "no switchboard executable found: the contract test of ${target} is not added "
                    "(set SWITCHBOARD_EXECUTABLE)")
    return()
  endif()
  set(args plugin-test $<TARGET_FILE:${target}>)
  if(ARG_CONFIG)
    list(APPEND args --config ${ARG_CONFIG} --name ${ARG_NAME})
  endif()
  add_test(NAME ${target}.plugin_contract COMMAND ${SWITCHBOARD_EXECUTABLE} ${args})
  set_tests_properties(${target}.plugin_contract PROPERTIES TIMEOUT 600)
endfunction()
