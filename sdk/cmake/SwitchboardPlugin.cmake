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
