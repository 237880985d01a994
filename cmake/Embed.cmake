# qingliu_embed(<out_var_sources> <namespace> <symbol> <data file>): compiles a data file into a const char* so the
# reference tables in data/ stay the single source of truth without run-time file access in the core.
function(qingliu_embed out_var ns symbol file)
  file(READ "${file}" QL_EMBED_TEXT)
  set(QL_EMBED_NS "${ns}")
  set(QL_EMBED_SYMBOL "${symbol}")
  get_filename_component(base "${file}" NAME_WE)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${base}.cpp")
  configure_file("${PROJECT_SOURCE_DIR}/cmake/embedded.cpp.in" "${out}" @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  set(${out_var} ${${out_var}} "${out}" PARENT_SCOPE)
endfunction()
