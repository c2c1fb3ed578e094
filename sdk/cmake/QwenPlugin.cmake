# qwen_add_plugin(<target> ID <id> SOURCES <src>...)
#
# Builds a qwen plugin: a MODULE library named <id>.so that exports only
# qwen_plugin_entry_v1, with hidden visibility and no undefined symbols, so a
# broken link fails here and not in the user's terminal. Used in-tree and by
# third parties through find_package(QwenSDK).
include_guard(GLOBAL)
# A cache entry, not a variable: the function runs in other directories' scopes.
set(QWEN_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/qwen-plugin.version" CACHE INTERNAL "")

function(qwen_add_plugin target)
  cmake_parse_arguments(ARG "" "ID" "SOURCES" ${ARGN})
  if(NOT ARG_ID)
    message(FATAL_ERROR "qwen_add_plugin(${target}): ID is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET QwenSDK::sdk)
    target_link_libraries(${target} PRIVATE QwenSDK::sdk)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME "${ARG_ID}" SUFFIX ".so"
    CXX_VISIBILITY_PRESET hidden C_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    "-Wl,--version-script=${QWEN_PLUGIN_VERSION_SCRIPT}" "-Wl,-z,defs")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${QWEN_PLUGIN_VERSION_SCRIPT}")
endfunction()
