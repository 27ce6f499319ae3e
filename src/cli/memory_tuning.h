// Process-wide allocator settings, set once at the start of main() before any thread starts.
#pragma once

namespace keyform {

// glibc gives every thread that allocates an arena of its own (up to 8 per core). keyform's 24
// page readers each filled one while the config's parse tree, freed just before, stayed cached in
// the main arena: the peaks added up instead of reusing each other. One arena: `plan` of 10 000
// keys x 2 000 projects peaks at 50 MiB instead of 97 (two arenas: 62-71 MiB) and spends 15 % less
// CPU, with the same wall time: the readers wait on the network, not on the arena's lock.
// A no-op off glibc, and in the default build, which links tcmalloc (CMakeLists.txt: it cut plan
// CPU by another quarter); it still serves a build with KEYFORM_TCMALLOC=OFF.
void tune_memory();

}  // namespace keyform
