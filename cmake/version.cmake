# The version and git commit that `motcua --version` reports, written into
# version.c at every build (cmake/version_gen.cmake), so that a new commit is
# reported without reconfiguring; version.c changes, and the binary is linked
# again, only when they do. Included at the end of CMakeLists.txt, after
# the layers' libraries are defined (the version is core's: core/version.h).
set(MC_VERSION_C ${CMAKE_BINARY_DIR}/version.c)
# Once now, so that the file exists for the first build's dependency scan.
execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR} -DOUT=${MC_VERSION_C}
                        -P ${CMAKE_SOURCE_DIR}/cmake/version_gen.cmake)
add_custom_target(motcua_version
  COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR} -DOUT=${MC_VERSION_C}
          -P ${CMAKE_SOURCE_DIR}/cmake/version_gen.cmake
  BYPRODUCTS ${MC_VERSION_C}
  COMMENT "Stamping the version"
  VERBATIM)
target_sources(motcua_core PRIVATE ${MC_VERSION_C})
add_dependencies(motcua_core motcua_version)
