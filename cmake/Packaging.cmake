# Packaging.cmake — qwen as a Debian program.
#
#   cmake --build build && (cd build && cpack -G DEB)
#
# makes two packages from the install rules:
#   qwen_<version>_<arch>.deb      component "runtime": bin/qwen, the default plugins (lib/qwen/plugins),
#                                  the man page qwen(1) and the bash, zsh and fish completions
#   qwen-dev_<version>_<arch>.deb  component "dev": the SDK headers, the CMake package QwenSDK, the examples
#                                  and the plugin author's guide
# Depends of qwen are computed by dpkg-shlibdeps from the binaries. Each package carries the copyright file
# and changelog lintian asks for (scripts/test.sh runs lintian on both).
include_guard(GLOBAL)

set(QWEN_PACKAGE_MAINTAINER "qwen-cpp maintainers <maintainers@users.noreply.r-seed-a90d5287.example>"
    CACHE STRING "The Maintainer field of the .deb packages (Name <address>)")

# --- The man page: help2man runs the qwen just built, so the page is its real --help and --version. -----
find_program(QWEN_HELP2MAN help2man)
set(QWEN_MAN_DIR ${CMAKE_BINARY_DIR}/docs/man)
# Not in a sanitizer build: nobody packages one, and a sanitizer's report at exit would fail the build.
if(QWEN_HELP2MAN AND NOT QWEN_SANITIZE)
  set(QWEN_MAN_INCLUDE ${PROJECT_SOURCE_DIR}/docs/man/qwen.h2m)
  # A fresh, empty home: `qwen --help` reads nothing there today, and the page must never depend on the
  # builder's own ~/.qwen if that changes. gzip -n: no name or time stamp in the file (reproducible).
  add_custom_command(
    OUTPUT ${QWEN_MAN_DIR}/qwen.1 ${QWEN_MAN_DIR}/qwen.1.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${QWEN_MAN_DIR}/home
    COMMAND ${CMAKE_COMMAND} -E env HOME=${QWEN_MAN_DIR}/home QWEN_HOME=${QWEN_MAN_DIR}/home/.qwen
            ${QWEN_HELP2MAN} --no-info --section=1 --source=qwen-cpp --manual "User Commands"
            "--name=sign in to a model provider and talk to the model, from a terminal or a script"
            --include=${QWEN_MAN_INCLUDE} --output=${QWEN_MAN_DIR}/qwen.1 $<TARGET_FILE:qwen>
    COMMAND gzip -9nkf ${QWEN_MAN_DIR}/qwen.1
    DEPENDS qwen ${QWEN_MAN_INCLUDE}
    COMMENT "Generating the man page qwen(1) with help2man"
    VERBATIM)
  add_custom_target(qwen_man ALL DEPENDS ${QWEN_MAN_DIR}/qwen.1.gz)
  install(FILES ${QWEN_MAN_DIR}/qwen.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
elseif(NOT QWEN_HELP2MAN)
  message(STATUS "help2man not found: no man page qwen(1) is built or packaged "
                 "(apt-get install help2man, or bash scripts/setup-deps.sh)")
endif()

# --- Shell completions, where Debian's shells look for a command's completion. ------------------------
install(FILES ${PROJECT_SOURCE_DIR}/completions/qwen.bash RENAME qwen
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_qwen
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/completions/qwen.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT runtime)

# --- Debian's per-package documents: copyright, and the changelog of a native package (changelog.gz). ----
set(QWEN_DEB_VERSION ${PROJECT_VERSION})
string(TIMESTAMP QWEN_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)  # honours SOURCE_DATE_EPOCH
set(QWEN_DEB_DOC_DIR ${CMAKE_BINARY_DIR}/packaging)
configure_file(${PROJECT_SOURCE_DIR}/cmake/packaging/changelog.in ${QWEN_DEB_DOC_DIR}/changelog @ONLY)
add_custom_command(OUTPUT ${QWEN_DEB_DOC_DIR}/changelog.gz
  COMMAND gzip -9nkf ${QWEN_DEB_DOC_DIR}/changelog
  DEPENDS ${QWEN_DEB_DOC_DIR}/changelog VERBATIM)
add_custom_target(qwen_deb_changelog ALL DEPENDS ${QWEN_DEB_DOC_DIR}/changelog.gz)
foreach(pair "runtime;qwen" "dev;qwen-dev")
  list(GET pair 0 component)
  list(GET pair 1 package)
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/packaging/copyright ${QWEN_DEB_DOC_DIR}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package} COMPONENT ${component})
endforeach()

# --- CPack ---------------------------------------------------------------------------------------------
# cpack installs what is built and builds nothing: without this its "preinstall" step would build every
# target, the tests too (and package_test runs cpack from inside the test binary). Build first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_PACKAGE_NAME qwen)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${QWEN_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # RelWithDebInfo binaries: lintian refuses unstripped ones
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <package>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${QWEN_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Directories the packages create: 0755 whatever the builder's umask (lintian: non-standard-dir-perm).
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Each package's Description below starts with its own synopsis. CPackDeb puts the summary in front of a
# component's description unless the summary is CPack's default one, so it is set to that.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME qwen)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION utils)
# Opened at run time for the desktop keyring (not linked, so shlibdeps cannot see it); without it keys go to
# the 0600 file store.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "libsecret-1-0")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "command-line client for Qwen and OpenAI-compatible models
qwen signs a user in to a model provider (Qwen OAuth, Alibaba Cloud Coding
Plan, any OpenAI-compatible server with an API key) and lets them talk to the
model, from a terminal, an editor (Agent Client Protocol) or a script. It keeps
Qwen Code's files in ~/.qwen, so a Qwen Code user keeps their login.
.
Every sign-in method and user interface is a plugin loaded from
/usr/lib/qwen/plugins; the qwen-dev package builds new ones.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME qwen-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The SDK's headers use libcurl's URL API, nlohmann_json and libcrypto (sdk/cmake/QwenSDKConfig.cmake.in).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "qwen (= ${PROJECT_VERSION}), libcurl4-openssl-dev | libcurl-dev, nlohmann-json3-dev, libssl-dev, cmake")
set(CPACK_DEBIAN_DEV_DESCRIPTION "plugin SDK for qwen, the client for Qwen and OpenAI-compatible models
The C ABI header and header-only C++ layer qwen's plugins are written
against, the CMake package QwenSDK (find_package(QwenSDK) and
qwen_add_plugin()), the plugin author's guide and two example plugins, a
sign-in method and a front-end, in /usr/share/qwen/examples.")

include(CPack)
